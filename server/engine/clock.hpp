#pragma once
// The one clock of a running show: command timestamps, poll deadlines, `server_time`, the
// connections' rate limits. Injected, so that a test moves time on instead of waiting for it.
#include <atomic>
#include <chrono>

#include "core/model.hpp"

namespace stagevote::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual core::Millis now() const noexcept = 0;
};

class SystemClock final : public Clock {
 public:
  core::Millis now() const noexcept override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// Time that moves only when told to (tests). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(core::Millis start = 1'700'000'000'000) : now_(start) {}
  core::Millis now() const noexcept override { return now_.load(); }
  void advance(core::Millis ms) noexcept { now_ += ms; }

 private:
  std::atomic<core::Millis> now_;
};

}  // namespace stagevote::engine
