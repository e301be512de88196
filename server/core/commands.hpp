#pragma once
// Everything that can change a show, as values. A command that succeeds is written to the
// ledger as-is; replaying the ledger through Show::apply rebuilds the show exactly.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "scoring.hpp"

namespace stagevote::core {

struct StartEntry { std::string round, entry; };
struct OpenPoll {
  std::string round;
  std::vector<std::string> entries;
  Millis duration_ms = 0;  // 0: open until closed by the host
};
struct ClosePoll { std::string poll; };
struct LockScores { std::string round, entry; };
struct UnlockScores { std::string round, entry; std::string reason; };  // before reveal only
struct Reveal { std::string round, entry; };
// What the big screen shows. Known scenes: standby, order, stage, poll, reveal, leaderboard,
// awards, commentary, message, blackout. Params are scene-specific strings
// (round, entry, text, name, title ...).
struct ShowScene {
  std::string scene;
  std::map<std::string, std::string> params;
};
struct DrawOrder { std::string round; std::uint64_t seed = 0; };  // before the round starts
struct Vote { std::string device, poll, choice; };
struct Score { std::string judge, round, entry; Marks marks; };
// A host's correction of a judge's marks after lock, with a written reason.
struct CorrectScore { std::string judge, round, entry; Marks marks; std::string reason; };

using Command = std::variant<StartEntry, OpenPoll, ClosePoll, LockScores, UnlockScores, Reveal,
                             ShowScene, DrawOrder, Vote, Score, CorrectScore>;

// The ledger's `kind` of a command: "start_entry", "open_poll", ..., "vote", "score",
// "correct_score". The same names are the host's `cmd` actions.
const char* command_kind(const Command& command) noexcept;

}  // namespace stagevote::core
