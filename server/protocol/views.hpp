#pragma once
// What each audience sees of the show, as JSON (docs/protocol.md: state, tally, results).
// Pure functions of the show: the engine's publisher calls them on the committed show and
// serialises each view once for everyone who sees it.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/judge_stats.hpp"
#include "core/show.hpp"
#include "protocol/message.hpp"
#include "protocol/role.hpp"

namespace stagevote::protocol {

// Open connections by role.
struct Connections {
  long audience = 0;
  long judge = 0;
  long display = 0;
  long host = 0;

  bool operator==(const Connections&) const = default;
};
nlohmann::json connections_json(const Connections& connections);
// {"type":"connections","connections":{...}}, to the hosts.
Message connections_message(const Connections& connections);

// A judge's connection as the server sees it, for the host's console.
struct JudgePresence {
  bool connected = false;
  core::Millis last_seen = 0;  // hello, last message or end of the connection; 0: never seen

  bool operator==(const JudgePresence&) const = default;
};
using Presence = std::map<std::string, JudgePresence, std::less<>>;  // by judge id
// [{"judge":"j1","connected":true,"last_seen":<ms>|null}, ...] for every judge of `contest`.
nlohmann::json presence_json(const core::Contest& contest, const Presence& presence);
// {"type":"presence","judges":[...presence_json]}, to the hosts.
Message presence_message(const core::Contest& contest, const Presence& presence);

// The welcome's "contest": the static catalogue every client needs (never judge tokens).
nlohmann::json catalogue_json(const core::Contest& contest);

// The state every audience phone and display shares (no "type", "server_time" or extras).
nlohmann::json public_state_json(const core::Show& show);
// The host's extras: judge panel, preview, connections, polls, whether the show has started,
// and every judge's presence, entries scored and reissued tokens.
nlohmann::json host_extras_json(const core::Show& show, const Connections& connections,
                                const Presence& presence = {});
// The tolerance reviews open or released (entries on stage or locked), for the desk.
nlohmann::json reviews_json(const core::Show& show);
// The desk: {"tolerance", "chief", "reviews", "missing": who the on-stage entry waits for}.
nlohmann::json desk_json(const core::Show& show);
// One judge's extras: every entry with its status for this judge and the judge's marks.
nlohmann::json judge_extras_json(const core::Show& show, const core::Judge& judge);

// The screens' "ledger": {"seq": N, "head": "<12 hex digits>"}, the head published at the
// last reveal or correction (engine/heads.hpp), shown on the leaderboard, the awards and the
// console so that a photo of the screen can be checked with `stagevote verify --head`.
nlohmann::json ledger_head_json(std::int64_t seq, std::string_view short_head);

// {"type":"state", ...view, "version":..., "server_time":...}: one view of the show as a
// message. `version` orders snapshots: a client keeps the highest it has seen.
Message state_message(nlohmann::json view, std::uint64_t version, core::Millis server_time);

// {"type":"tally",...} of one poll.
Message tally_message(const core::Poll& poll);

// One entry of the results JSON with our extras (plain_mean, status, amended).
nlohmann::json entry_result_json(const core::Show& show, std::string_view round,
                                 const core::EntryResult& result);
// The contract's {"round":...,"entries":[...]} with the extras.
nlohmann::json round_results_json(const core::Show& show, std::string_view round);

// Judges' marking statistics of a round (core/judge_stats.hpp; docs/protocol.md, "Judge
// statistics"): {"round", "sigma", "thresholds", "judges": [{"judge", "name", "entries",
// "flags", "bias", "marking_score", ...}]}. The same JSON is `stagevote judges-report`'s.
nlohmann::json judge_stats_json(const core::Contest& contest, std::string_view round,
                                const core::RoundStats& stats,
                                const core::StatsThresholds& thresholds = {});
// The round the host's console measures live: the one on stage, else the last round (in the
// contest's order) with a score; nullopt before any score.
std::optional<std::string> live_stats_round(const core::Show& show);

}  // namespace stagevote::protocol
