#pragma once
// The host's part in the crash storm: a fixed run of steps through the running orders of
// every round (for each entry: start_entry, open_poll over it, close_poll, lock_scores), and
// what the show must look like after any number of those steps. After a kill the server
// must show the state after the steps acknowledged, or after one more if one was in flight.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "support/contest_info.hpp"

namespace stagevote::reliability {

struct ShowStep {
  enum Kind { start_entry, open_poll, close_poll, lock_scores } kind;
  std::string round;
  std::string entry;
};

// The observable outcome of a run of steps, in the terms of the state snapshot.
struct ShowPosition {
  std::optional<std::string> stage;       // "round/entry" on stage
  std::optional<std::string> open_poll;   // "round/entry" the open poll is over
  std::set<std::string> locked;           // "round/entry" with locked scores
  bool operator==(const ShowPosition&) const = default;
};
std::string describe(const ShowPosition& position);

class ShowScript {
 public:
  explicit ShowScript(const ContestInfo& contest);

  std::size_t size() const noexcept { return 4 * entries_.size(); }
  ShowStep step(std::size_t index) const;
  // The position after the first `applied` steps.
  ShowPosition after(std::size_t applied) const;

  // The host's command for a step; `poll` is the open poll's id (close_poll only).
  nlohmann::json command(std::size_t index, const std::string& id, const std::string& poll) const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;  // (round, entry) in show order
};

// The same position read from a host's (or anyone's) `state` message.
ShowPosition observed_position(const nlohmann::json& state);

}  // namespace stagevote::reliability
