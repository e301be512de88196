#pragma once
// The server's connections against the process's open-file limit (docs/protocol.md,
// "Connection cap"): every accepted TCP connection takes a slot; past the cap a new one is
// closed at once, so that the process never runs out of descriptors for its database and
// log. The last `reserve` slots are kept for the show's own screens and people: once only
// they are left, an audience hello is refused (too_many) and /vote answers 503, while a host,
// judge or display still gets in.
#include <algorithm>
#include <atomic>
#include <utility>

namespace stagevote::net {

class connection_budget {
 public:
  // `cap` 0: no cap (and no reserve).
  connection_budget(long cap, long reserve) noexcept
      : cap_(std::max(0L, cap)), reserve_(cap_ > 0 ? std::clamp(reserve, 0L, cap_) : 0) {}
  connection_budget(const connection_budget&) = delete;
  connection_budget& operator=(const connection_budget&) = delete;

  // The reserve `serve` keeps by default: 2% of the cap, at least 32 (a quarter of a small
  // cap).
  static long default_reserve(long cap) noexcept {
    return std::max(cap / 50, std::min(32L, cap / 4));
  }

  // A new connection: false (and nothing taken) when every slot, the reserve's included, is
  // in use. Thread-safe.
  bool try_open() noexcept {
    const long now = open_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (cap_ > 0 && now > cap_) {
      open_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  void close() noexcept { open_.fetch_sub(1, std::memory_order_relaxed); }

  // Only the reserve is left (the asking connection counted): no new audience member.
  bool reserve_only() const noexcept {
    return cap_ > 0 && open_.load(std::memory_order_relaxed) > cap_ - reserve_;
  }
  long open() const noexcept { return open_.load(std::memory_order_relaxed); }
  long cap() const noexcept { return cap_; }
  long reserve() const noexcept { return reserve_; }

 private:
  const long cap_;
  const long reserve_;
  std::atomic<long> open_{0};
};

// One connection's slot, given back when the connection ends; moves from the HTTP session to
// the WebSocket session with the connection. The budget outlives it (the ServerContext that
// holds the budget is held by every session).
class connection_slot {
 public:
  connection_slot() = default;
  explicit connection_slot(connection_budget& budget) noexcept : budget_(&budget) {}
  connection_slot(connection_slot&& other) noexcept
      : budget_(std::exchange(other.budget_, nullptr)) {}
  connection_slot& operator=(connection_slot&&) = delete;
  ~connection_slot() {
    if (budget_) budget_->close();
  }

 private:
  connection_budget* budget_ = nullptr;
};

}  // namespace stagevote::net
