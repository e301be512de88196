#pragma once
// A log line for a burst of the same event (EMFILE on accept, connections refused at the cap)
// at most once per period, with how many happened: the log stays readable when the event
// repeats thousands of times a second. Time is passed in, so that a test needs no waiting.
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

namespace stagevote::net {

class throttled_count {
 public:
  using clock = std::chrono::steady_clock;
  explicit throttled_count(clock::duration period = std::chrono::seconds(1)) : period_(period) {}

  // Counts one event; returns how many to report now (this one and those held back since the
  // last report), or 0 when the last report is less than a period old.
  std::uint64_t add(clock::time_point now) {
    ++held_;
    return flush(now);
  }
  // Those held back, if a period has passed since the last report (else 0).
  std::uint64_t flush(clock::time_point now) {
    if (held_ == 0 || (last_ && now - *last_ < period_)) return 0;
    last_ = now;
    return std::exchange(held_, 0);
  }

 private:
  clock::duration period_;
  std::optional<clock::time_point> last_;
  std::uint64_t held_ = 0;
};

}  // namespace stagevote::net
