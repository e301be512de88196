#pragma once
// The live show: the contest plus everything that happened since. A pure state machine:
// apply() validates a command against the current state and either changes nothing and
// returns a typed Error, or applies it and says what changed.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands.hpp"
#include "tolerance.hpp"

namespace stagevote::core {

// Where the show is, for the entry on stage.
enum class Phase { idle, on_stage, poll_open, poll_closed, locked, revealed };
const char* to_string(Phase phase) noexcept;

// Per entry within a round.
enum class EntryStatus { pending, on_stage, locked, revealed };
const char* to_string(EntryStatus status) noexcept;

// One device's counted vote in a poll.
struct Ballot {
  std::uint32_t choice = 0;  // index into the poll's entries
  std::string request;       // the id of the request that cast it ("" if none)
  int rating = 0;            // a rating poll's 1..10 (0 in a choice poll)
};

struct Poll {
  std::string id;  // "p1", "p2", ... in opening order (deterministic on replay)
  std::string round;
  std::vector<std::string> entries;
  Millis opened_at = 0;
  Millis closes_at = 0;  // 0: no deadline
  Millis closed_at = 0;  // 0 while open
  bool open = true;
  std::vector<long> tally;  // votes per entry, parallel to `entries`
  long total = 0;
  std::unordered_map<std::string, Ballot> ballots;  // by device (a ticket's: ticket_voter())
  Admission admission = Admission::open;            // the mode in force when it opened
  std::map<std::string, long> refusals;             // audience hellos refused while it was open
  PollKind kind = PollKind::choice;  // a rating poll has one entry; tally[0] counts its ratings
  long rating_sum = 0;               // the sum of a rating poll's ratings
};

// A seat ticket (ticket admission mode).
struct Ticket {
  std::string id;    // its printed number
  std::string hash;  // SHA-256 of its code, hex
  bool voided = false;
  std::size_t voided_after_polls = 0;  // polls opened before the void; it votes in none after
  std::string void_reason;
  Millis voided_at = 0;
};

// A judge's token as reissued mid-show (reissue_judge_token): the contest's token for the
// judge is no longer theirs.
struct TokenReissue {
  std::string token_sha256;  // of the judge's token now
  Millis at = 0;             // of the latest reissue
  int count = 0;             // times reissued
};

struct MarkRevision {
  Marks marks;
  Millis at = 0;
  bool correction = false;  // made by the host after lock
  std::string reason;       // for corrections and unlocks
  std::string by = {};      // a correction's operator ("" : not named)
};

struct EntryState {
  EntryStatus status = EntryStatus::pending;
  bool amended = false;  // corrected after lock
  Millis started_at = 0, locked_at = 0, revealed_at = 0;
  int unlocks = 0;            // times the host unlocked the scores before reveal
  std::string unlock_reason;  // the reason given for the latest unlock
  std::string lock_override;  // the host's reason for locking with judges missing ("" : none)
};

// The tolerance review of one entry (docs/judging.md, "Tolerance review").
struct Recheck {
  std::string judge;  // asked to look again
  std::string note;   // the chief's words to the judge
  std::string by;     // the chief's id ("" : the host)
  Millis at = 0;
};
// What happened in an entry's review, oldest first, for the desk and the console.
struct ReviewEvent {
  std::string kind;   // "request_recheck", "confirm_score", "revised", "release_review"
  std::string judge;  // the asked judge (request, confirm, revised); "" for a release
  std::string text;   // the note or the release's reason
  Millis at = 0;
};
struct ReviewStatus {
  bool in_review = false;          // the marks break the tolerance and nobody released them: 复核
  bool released = false;           // broken, but released by the chief at the current marks
  ToleranceCheck check;            // on the judges who scored so far
  std::optional<Recheck> recheck;  // pending
  std::string release_reason;
  std::vector<ReviewEvent> events;
};

struct Scene {
  std::string name = "standby";
  std::map<std::string, std::string> params;
};

struct Outcome {
  bool counted = false;        // vote: a new ballot (false: the device had voted)
  std::string poll;            // open_poll: the new poll's id
  bool state_changed = false;  // the state snapshot changed: broadcast it
};

class Show {
 public:
  explicit Show(Contest contest);

  // The contest with the running orders as they are now (after any draw_order). A draw
  // depends only on the seed and the round's entry ids, so replaying the ledger over either
  // the original or this contest gives the same order.
  const Contest& contest() const noexcept { return contest_; }

  // Validates and applies one command at time `now`. On error nothing changes.
  Result<Outcome> apply(const Command& command, Millis now);

  // The host's next step for the flow key (space): e.g. "open_poll" after start_entry.
  Phase phase() const noexcept;
  const std::optional<std::pair<std::string, std::string>>& on_stage() const noexcept {
    return on_stage_;  // (round, entry)
  }
  const Scene& scene() const noexcept { return scene_; }

  const Poll* open_poll() const noexcept;  // at most one poll is open at a time
  const Poll* find_poll(std::string_view id) const noexcept;
  // The audience's admission mode now.
  Admission admission() const noexcept { return admission_; }
  // Seat tickets, in issue order; a ticket by its code's hash or by its number.
  const std::vector<Ticket>& tickets() const noexcept { return tickets_; }
  const Ticket* ticket_by_hash(std::string_view hash) const noexcept;
  const Ticket* ticket_by_id(std::string_view id) const noexcept;

  // The latest reissue of a judge's token, if any (nullptr: the contest's token stands).
  const TokenReissue* token_reissue(std::string_view judge) const noexcept;
  const std::map<std::string, TokenReissue, std::less<>>& token_reissues() const noexcept {
    return reissues_;
  }

  // The device's counted ballot in a poll, if any.
  const Ballot* ballot(std::string_view poll, std::string_view device) const noexcept;
  const std::vector<Poll>& polls() const noexcept { return polls_; }
  // Polls whose deadline has passed at `now` and are still open (the server closes them).
  std::vector<std::string> expired_polls(Millis now) const;

  const EntryState& entry_state(std::string_view round, std::string_view entry) const;

  // Current marks of a judge for an entry (last revision), if any.
  const Marks* marks(std::string_view judge, std::string_view round, std::string_view entry) const;
  // Every revision, oldest first (empty if none).
  const std::vector<MarkRevision>& revisions(std::string_view judge, std::string_view round,
                                             std::string_view entry) const;

  // For each judge of the contest: "scored", "pending" or "recused" for this entry.
  std::vector<std::pair<std::string, std::string>> judge_panel(std::string_view round,
                                                               std::string_view entry) const;

  // The non-recused judges who have not scored the entry, in the contest's order.
  std::vector<std::string> missing_judges(std::string_view round, std::string_view entry) const;

  // The entry's tolerance review. An entry is in review once every non-recused judge has
  // scored (or it is locked) and their totals break scoring.tolerance, until released.
  ReviewStatus review(std::string_view round, std::string_view entry) const;
  // The tolerance rule on the judges who scored so far (the kept range for a re-check prompt).
  ToleranceCheck tolerance_check(std::string_view round, std::string_view entry) const;

  // Votes for an entry over all polls of a round.
  long votes(std::string_view round, std::string_view entry) const;

  // Results of every entry in the round, rank order (contract definitions).
  std::vector<EntryResult> results(std::string_view round) const;
  // Result of one entry as it would be shown now (preview before reveal).
  std::optional<EntryResult> result(std::string_view round, std::string_view entry) const;
  // Awards of a round (by its results).
  std::vector<Award> awards(std::string_view round) const;

  // Running order of a round as it is now (a draw may have reordered it).
  const std::vector<std::string>& running_order(std::string_view round) const;

  // What advances put into round `to`, by the round each came from, in the order applied.
  struct Advanced {
    std::string from;
    std::vector<std::string> entries;  // in `from`'s rank order
    std::string reason;                // given with `include` at a tie, else empty
  };
  const std::vector<Advanced>& advanced(std::string_view to) const;
  // Relative audience mode: whether the host closed the round's audience vote.
  bool audience_closed(std::string_view round) const noexcept;
  // Rating mode: the poll whose ratings count for the entry, the last closed rating poll of
  // the entry in the round (nullptr: none yet).
  const Poll* counted_rating_poll(std::string_view round, std::string_view entry) const noexcept;
  // Whether the entry's result may still move: relative mode, until close_audience of the
  // round; rating mode, until the entry has a closed rating poll and none open.
  bool provisional(std::string_view round, std::string_view entry) const noexcept;

  // Whether the screens show the join corner while a poll is open (set_join_corner).
  bool join_corner() const noexcept { return join_corner_; }

  // Number of commands applied so far (a version for snapshots).
  std::uint64_t version() const noexcept { return version_; }

 private:
  // One handler per command type; see show.cpp.
  Result<Outcome> apply_one(const StartEntry&, Millis);
  Result<Outcome> apply_one(const OpenPoll&, Millis);
  Result<Outcome> apply_one(const ClosePoll&, Millis);
  Result<Outcome> apply_one(const LockScores&, Millis);
  Result<Outcome> apply_one(const UnlockScores&, Millis);
  Result<Outcome> apply_one(const Reveal&, Millis);
  Result<Outcome> apply_one(const ShowScene&, Millis);
  Result<Outcome> apply_one(const DrawOrder&, Millis);
  Result<Outcome> apply_one(const Vote&, Millis);
  Result<Outcome> apply_one(const Score&, Millis);
  Result<Outcome> apply_one(const CorrectScore&, Millis);
  Result<Outcome> apply_one(const SetAdmission&, Millis);
  Result<Outcome> apply_one(const IssueTickets&, Millis);
  Result<Outcome> apply_one(const VoidTicket&, Millis);
  Result<Outcome> apply_one(const ReissueJudgeToken&, Millis);
  Result<Outcome> apply_one(const Advance&, Millis);
  Result<Outcome> apply_one(const CloseAudience&, Millis);
  Result<Outcome> apply_one(const SetJoinCorner&, Millis);
  Result<Outcome> apply_one(const RequestRecheck&, Millis);
  Result<Outcome> apply_one(const ConfirmScore&, Millis);
  Result<Outcome> apply_one(const ReleaseReview&, Millis);
  // Only the chief (or, with no chief named, the host: by "") runs the review.
  Status check_reviewer(std::string_view by) const;
  // Whether the marks as they are break the tolerance and were not released: lock and reveal
  // wait (in_review).
  Status check_not_in_review(std::string_view round, std::string_view entry) const;

  Round* find_round_mut(std::string_view round_id) noexcept;
  // not_found unless the round exists and lists the entry.
  Status check_in_round(std::string_view round_id, std::string_view entry_id) const;

  Contest contest_;
  std::optional<std::pair<std::string, std::string>> on_stage_;
  Scene scene_;
  std::vector<Poll> polls_;
  std::unordered_map<std::string, std::size_t> poll_index_;
  // Keys are "round\x1f" "entry" and "judge\x1f" "round\x1f" "entry".
  std::unordered_map<std::string, EntryState> entries_;
  std::unordered_map<std::string, std::vector<MarkRevision>> marks_;
  Admission admission_;
  std::vector<Ticket> tickets_;
  std::unordered_map<std::string, std::size_t> ticket_by_hash_, ticket_by_id_;
  std::map<std::string, TokenReissue, std::less<>> reissues_;  // by judge id
  // By target round.
  std::map<std::string, std::vector<Advanced>, std::less<>> advanced_;
  // Rounds whose order was drawn.
  std::set<std::string, std::less<>> drawn_;
  std::set<std::string, std::less<>> audience_closed_;  // rounds (relative mode)
  // The tolerance review, by entry key. `generation` counts the entry's mark changes; a
  // release holds for the generation it was given at.
  struct ReviewRecord {
    std::uint64_t generation = 0;
    std::optional<std::uint64_t> released_at;
    std::string release_reason;
    std::optional<Recheck> recheck;
    std::vector<ReviewEvent> events;
  };
  std::unordered_map<std::string, ReviewRecord> reviews_;
  std::uint64_t version_ = 0;
  bool join_corner_ = true;
};

}  // namespace stagevote::core
