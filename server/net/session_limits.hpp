#pragma once
// Per-role limits of a WebSocket connection (docs/protocol.md): the largest message, and
// the token bucket that bounds how many messages a connection may send.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>

#include "engine/views.hpp"

namespace stagevote::net {

struct RoleLimits {
  std::size_t max_message;  // bytes; more gets `too_large` and the connection is closed
  double rate;              // messages per second, sustained
  double burst;             // messages at once
};

// `role` is empty before hello.
constexpr RoleLimits limits_for(std::optional<engine::Role> role) {
  if (!role) return {4 * 1024, 10, 20};
  switch (*role) {
    case engine::Role::audience:
      return {4 * 1024, 10, 20};
    case engine::Role::display:
      return {4 * 1024, 10, 20};
    case engine::Role::judge:
      return {16 * 1024, 20, 40};
    case engine::Role::host:
      return {256 * 1024, 50, 100};
  }
  return {4 * 1024, 10, 20};
}

// A connection that sends no hello within this time is closed.
inline constexpr std::chrono::seconds kHelloDeadline{10};
// A connection whose unsent messages exceed this is too slow to follow the show: closed.
inline constexpr std::size_t kMaxQueuedBytes = 1024 * 1024;
// A connection from which nothing has arrived for half of this is pinged; one that has not
// answered by the end of it is closed. It catches what the byte cap cannot: a screen or phone
// that stopped reading (a frozen tab, a phone gone to sleep, a peer that vanished without a
// FIN) while the kernel's buffers still take the few bytes a second a show sends it.
// Browsers answer pings by themselves; a phone woken up reconnects and resyncs.
inline constexpr std::chrono::seconds kIdleTimeout{30};
// After a large message the read buffer is given back, so idle phones stay small.
inline constexpr std::size_t kKeepReadBuffer = 8 * 1024;

// Classic token bucket; not thread-safe (one per connection, used on its thread).
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TokenBucket(double rate = 10, double burst = 20)
      : rate_(rate), burst_(burst), tokens_(burst), last_(Clock::now()) {}

  void reset(double rate, double burst) {
    rate_ = rate;
    burst_ = burst;
    tokens_ = std::min(tokens_, burst_);
  }

  // Takes one token if there is one.
  bool try_take(Clock::time_point now = Clock::now()) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace stagevote::net
