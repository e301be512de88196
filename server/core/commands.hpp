#pragma once
// Everything that can change a show, as values. A command that succeeds is written to the
// ledger as-is; replaying the ledger through Show::apply rebuilds the show exactly.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scoring.hpp"

namespace stagevote::core {

// Sizes a command's fields may have, wherever it comes from (a host's cmd, a ledger record).
inline constexpr std::size_t kMaxNameLength = 128;   // ids of rounds, entries, polls; tokens
inline constexpr std::size_t kMaxTextLength = 8192;  // reasons, on-screen text
inline constexpr std::size_t kMaxListLength = 1000;  // entries of a poll
inline constexpr Millis kMaxPollDuration = 24 * 3600 * 1000;

struct StartEntry {
  std::string round, entry;
};
// A choice poll asks which entry; a rating poll (scoring.audience_mode rating) asks for a 1..10
// rating of its one entry.
enum class PollKind { choice, rating };
struct OpenPoll {
  std::string round;
  std::vector<std::string> entries;
  Millis duration_ms = 0;  // 0: open until closed by the host
  PollKind kind = PollKind::choice;
};
// `refusals`: audience hellos refused by reason while the poll was open (too_many,
// unauthorized, rate_limited), filled in by the server for the record; replay keeps them.
struct ClosePoll {
  std::string poll;
  std::map<std::string, long> refusals = {};
};
// Refused (judges_missing) while a non-recused judge has not scored, unless the host gives
// `override_reason` (ledgered: the lock then stands on the judges who did score).
struct LockScores {
  std::string round, entry;
  std::string override_reason = {};
};
struct UnlockScores {
  std::string round, entry;
  std::string reason;
};  // before reveal only
struct Reveal {
  std::string round, entry;
};
// What the big screen shows. Known scenes: standby, order, stage, poll, reveal, leaderboard,
// awards, commentary, message, blackout. Params are scene-specific strings
// (round, entry, text, name, title ...).
struct ShowScene {
  std::string scene;
  std::map<std::string, std::string> params;
};
// Before the round starts. The seed is what makes the draw replayable: a host who gives none
// gets one from the server (the engine fills it in before the command is applied or written).
struct DrawOrder {
  std::string round;
  std::optional<std::uint64_t> seed;
};
// `request` is the id of the request that cast the vote, if it had one: the ballot remembers
// it, so the same request re-sent (after a reconnect or a restart) is known as itself.
// A vote in a rating poll carries `rating` (1..10) and no choice; 0 is a choice vote.
struct Vote {
  std::string device, poll, choice;
  std::string request = {};
  int rating = 0;
};
inline constexpr int kMinRating = 1, kMaxRating = 10;
struct Score {
  std::string judge, round, entry;
  Marks marks;
};
// A host's correction of a judge's marks after lock, with a written reason.
// `operator_name`: who at the console made it (the wire's "operator"; "" in records written
// before it existed: the exports say "host").
struct CorrectScore {
  std::string judge, round, entry;
  Marks marks;
  std::string reason;
  std::string operator_name = {};
};

// The audience's admission mode, switched by the host while no poll is open.
struct SetAdmission {
  Admission mode = Admission::open;
};
// Seat tickets made for the ticket mode: each a printed number and the SHA-256 (hex) of its
// code. The codes themselves are never stored: whoever holds the paper holds the vote.
struct TicketStub {
  std::string id;    // "1", "2", ... as printed
  std::string hash;  // 64 lowercase hex digits
};
struct IssueTickets {
  std::vector<TicketStub> tickets;
};
// A ticket as printed: its number and its code. The code exists only on the paper and in the
// reply that made it (engine::issue_tickets); the ledger keeps its stub.
struct SeatTicket {
  std::string number;  // TicketStub::id
  std::string code;    // 16 letters and digits; TicketStub::hash is its SHA-256
};
// A lost ticket, voided with a reason: it votes in no poll opened after this.
struct VoidTicket {
  std::string ticket;  // its number
  std::string reason;
};

// A judge's card revoked and a new one issued mid-show: the judge's old token no longer says
// hello. The ledger keeps the SHA-256 (hex) of the new token, never the token: the server makes
// the token and fills this in (engine), the host names only the judge.
struct ReissueJudgeToken {
  std::string judge;
  std::string token_sha256 = {};
};

// Advancement (晋级): the top `count` revealed entries of round `from`, by its published ranks,
// join round `to` before `to` starts. A tie at the cut is refused (tie_at_cut) until the host
// names in `include` which of the tied entries go through, with a `reason` (docs/protocol.md).
struct Advance {
  std::string from, to;
  int count = 0;
  std::vector<std::string> include = {};
  std::string reason = {};
};

// Relative audience mode: the round's audience vote is over. Its results stop being
// provisional and no poll of the round opens again.
struct CloseAudience {
  std::string round;
};

// The join corner (QR code, short URL and, in code mode, the join code) that the venue screens
// put on every audience-facing scene while a poll is open. Shown unless the host hides it, e.g.
// for a moment that should be clean on camera.
struct SetJoinCorner {
  bool visible = true;
};

// The tolerance review (docs/judging.md). `by` names who acts: the chief judge's id, filled in
// from the chief's connection, or "" for the host's console (allowed only when the contest
// names no chief).
// The chief asks one judge to look at their marks again; the judge's phone shows the request
// with the panel's kept range (not the other judges' marks).
struct RequestRecheck {
  std::string round, entry, judge;
  std::string note = {};
  std::string by = {};
};
// The asked judge keeps their marks (a revision is a new `score`). `judge` comes from the
// judge's connection.
struct ConfirmScore {
  std::string judge, round, entry;
};
// The chief lets the entry's marks stand as they are: lock and reveal may go on.
struct ReleaseReview {
  std::string round, entry;
  std::string reason = {};
  std::string by = {};
};

using Command =
    std::variant<StartEntry, OpenPoll, ClosePoll, LockScores, UnlockScores, Reveal, ShowScene,
                 DrawOrder, Vote, Score, CorrectScore, SetAdmission, IssueTickets, VoidTicket,
                 ReissueJudgeToken, Advance, CloseAudience, SetJoinCorner, RequestRecheck,
                 ConfirmScore, ReleaseReview>;

// The ballot key of a ticket's voter ("ticket:37"): in ticket mode the ticket, not the phone,
// is the voter.
inline std::string ticket_voter(std::string_view ticket_id) {
  return "ticket:" + std::string(ticket_id);
}
inline constexpr std::size_t kMaxTicketsPerIssue = 5000;
// Tickets printed on one sheet (`stagevote tickets`, POST /api/tickets as PDF): Chromium prints
// 125 pages in well under a minute, but 625 take it minutes; a larger hall prints in batches.
inline constexpr std::size_t kMaxPrintedTickets = 1000;

// The ledger's `kind` of a command: "start_entry", "open_poll", ..., "vote", "score",
// "correct_score". The same names are the host's `cmd` actions.
const char* command_kind(const Command& command) noexcept;

}  // namespace stagevote::core
