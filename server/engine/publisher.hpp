#pragma once
// What clients are shown, built from the committed show only: state snapshots (each view
// serialised once for everyone who sees it), poll tallies, welcomes.
//
// Freshness has one measure, the engine's state version: a snapshot carries the version of
// the committed show it was built from, the hub rebuilds when the engine's version is ahead
// of its latest snapshot, and a connection keeps the highest version it was sent.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/audience_gate.hpp"
#include "engine/engine.hpp"
#include "protocol/message.hpp"
#include "protocol/role.hpp"
#include "protocol/views.hpp"

namespace stagevote::engine {

// The state as each group sees it, at one version.
struct Snapshot {
  std::uint64_t version = 0;
  protocol::Message audience;  // every phone
  protocol::Message display;   // every venue screen: the audience's, and the join code
  protocol::Message host;
  std::map<std::string, protocol::Message, std::less<>> judges;  // by judge id
  // Whether a group's view differs from the previous broadcast's: a judge's score changes the
  // host's and the judges' views, not the 19,000 phones', which then need not be sent anything.
  bool audience_changed = true;
  bool display_changed = true;
  std::set<std::string, std::less<>> judges_changed;

  // The view for a connection of `role` (`judge`: the judge's id).
  const protocol::Message& view_for(protocol::Role role, std::string_view judge) const;
};

class Publisher {
 public:
  Publisher(const Engine& engine, const AudienceGate& gate);
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // A snapshot of the committed show as it is now. `broadcast`: it goes to everyone, and the
  // next broadcast's *_changed flags are reckoned from it. A snapshot for a client that has
  // just joined (false) changes no flags: else the broadcast after it would find nothing
  // changed and send nothing.
  // `presence`: the judges' connections, for the host's view.
  Snapshot snapshot(const protocol::Connections& connections, bool broadcast,
                    const protocol::Presence& presence = {});

  // Tallies to send now to displays and hosts: each poll whose count changed since the last
  // call, and each poll that closed since, once. Call it every 100 ms, and after a state change
  // (a poll that closed shows its final tally at once).
  std::vector<protocol::Message> changed_tallies();
  // The open poll's tally for a display or host that has just joined (null if none open).
  protocol::Message open_tally() const;

  // The welcome of a connection that has just said hello as `role` (audience: the device
  // token it keeps, and the voter whose ballots it is told; judge: who).
  protocol::Message welcome(protocol::Role role, const protocol::RequestId& id,
                            const std::string& device, const std::string& voter,
                            const std::optional<core::Judge>& judge);

 private:
  struct PublishedTally {
    long total = -1;
    bool open = true;
  };

  const Engine& engine_;
  const AudienceGate& gate_;

  std::mutex mutex_;                                           // guards everything below
  std::unordered_map<std::string, PublishedTally> published_;  // by poll id
  // The last broadcast's views, without version and time, to tell what changed.
  std::string last_audience_view_, last_display_view_;
  std::map<std::string, std::string, std::less<>> last_judge_views_;
  // The catalogue of the contest served (welcomes splice it in), serialised once per contest.
  std::shared_ptr<const core::Contest> catalogued_;
  std::shared_ptr<const std::string> catalogue_;
};

}  // namespace stagevote::engine
