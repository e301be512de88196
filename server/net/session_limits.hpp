#pragma once
// The limits of a connection (docs/protocol.md): the largest message and the message rate per
// role, the deadlines, the outgoing queue. One value, injected into the server (ServeOptions),
// so that tests run a 30-second rule in milliseconds instead of waiting for it.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>

#include "core/model.hpp"
#include "protocol/role.hpp"

namespace stagevote::net {

struct RoleLimits {
  std::size_t max_message;  // bytes; more gets `too_large` and the connection is closed
  double rate;              // messages per second, sustained
  double burst;             // messages at once
};

struct SessionLimits {
  RoleLimits before_hello{4 * 1024, 10, 20};
  RoleLimits audience{4 * 1024, 10, 20};
  RoleLimits display{4 * 1024, 10, 20};
  RoleLimits judge{16 * 1024, 20, 40};
  RoleLimits host{256 * 1024, 50, 100};
  // A WebSocket that sends no hello within this time is closed.
  std::chrono::milliseconds hello_deadline{std::chrono::seconds(10)};
  // A connection from which nothing has arrived for half of this is pinged; one that has not
  // answered by the end of it is closed. It catches what the byte cap cannot: a screen or phone
  // that stopped reading (a frozen tab, a phone gone to sleep, a peer that vanished without a
  // FIN) while the kernel's buffers still take the few bytes a second a show sends it.
  // Browsers answer pings by themselves; a phone woken up reconnects and resyncs.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  // A connection whose unsent messages exceed this is too slow to follow the show: closed.
  std::size_t max_queued_bytes = 1024 * 1024;
  // An HTTP request must arrive whole within this (an upload: within upload_timeout).
  std::chrono::milliseconds http_request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds upload_timeout{std::chrono::seconds(120)};  // 10 MiB on poor Wi-Fi
  // With TLS: the first bytes and the handshake must be done within this.
  std::chrono::milliseconds tls_handshake_timeout{std::chrono::seconds(10)};

  // `role` is empty before hello.
  const RoleLimits& for_role(std::optional<protocol::Role> role) const noexcept {
    if (!role) return before_hello;
    switch (*role) {
      case protocol::Role::audience:
        return audience;
      case protocol::Role::display:
        return display;
      case protocol::Role::judge:
        return judge;
      case protocol::Role::host:
        return host;
    }
    return before_hello;
  }
};

// Classic token bucket on the show's clock (engine::Clock); not thread-safe (one per
// connection, used on its thread).
class TokenBucket {
 public:
  TokenBucket(const RoleLimits& limits, core::Millis now)
      : rate_(limits.rate), burst_(limits.burst), tokens_(limits.burst), last_(now) {}

  void reset(const RoleLimits& limits) {
    rate_ = limits.rate;
    burst_ = limits.burst;
    tokens_ = std::min(tokens_, burst_);
  }

  // Takes one token if there is one. A clock that went back refills nothing.
  bool try_take(core::Millis now) {
    const double elapsed = static_cast<double>(std::max<core::Millis>(0, now - last_)) / 1000.0;
    last_ = std::max(last_, now);
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  core::Millis last_;
};

}  // namespace stagevote::net
