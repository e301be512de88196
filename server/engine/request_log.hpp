#pragma once
// The replies already given, by actor and request id: a request re-sent with an id its actor
// has used (on the same connection, after a reconnect, after a restart) gets the first reply
// again and changes nothing (docs/protocol.md, "Exactly once").
//
// Two kinds of entries:
//  - durable: the reply of an accepted command, written beside its ledger record and loaded
//    again by restore(). Counted votes are not kept here: their ballot holds the request id
//    (core::Ballot), and the reply follows from it.
//  - volatile: refusals and repeated ballots, which changed nothing and wrote nothing. Kept in
//    memory, the newest kMaxVolatile of them: a retry after a restart is judged afresh, which
//    for a request that changed nothing is the same as never having been asked.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/message.hpp"

namespace stagevote::engine {

class RequestLog {
 public:
  static constexpr std::size_t kMaxVolatile = 100'000;

  std::optional<protocol::Message> find(std::string_view actor, std::string_view id) const;
  void remember_durable(std::string_view actor, std::string_view id, protocol::Message reply);
  void remember_volatile(std::string_view actor, std::string_view id, protocol::Message reply);
  void clear();

  std::size_t size() const noexcept { return replies_.size(); }

 private:
  static std::string key(std::string_view actor, std::string_view id);

  std::unordered_map<std::string, protocol::Message> replies_;
  std::deque<std::string> volatile_order_;  // oldest first, for eviction
};

}  // namespace stagevote::engine
