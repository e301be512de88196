#include "show.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <utility>

namespace stagevote::core {
namespace {

constexpr char kSep = '\x1f';  // ids never contain the unit separator

std::string entry_key(std::string_view round, std::string_view entry) {
  std::string key;
  key.reserve(round.size() + entry.size() + 1);
  key.append(round).push_back(kSep);
  key.append(entry);
  return key;
}

std::string marks_key(std::string_view judge, std::string_view round, std::string_view entry) {
  std::string key;
  key.reserve(judge.size() + round.size() + entry.size() + 2);
  key.append(judge).push_back(kSep);
  key.append(round).push_back(kSep);
  key.append(entry);
  return key;
}

constexpr std::array<std::string_view, 10> kScenes{"standby", "order",       "stage",  "poll",
                                                   "reveal",  "leaderboard", "awards", "commentary",
                                                   "message", "blackout"};

bool contains(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

Error fail(ErrorCode code, std::string message) {
  return make_error(code, std::move(message));
}

// A SHA-256 as the ledger writes it: 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

Outcome changed() {
  Outcome outcome;
  outcome.state_changed = true;
  return outcome;
}

}  // namespace

const char* to_string(Phase phase) noexcept {
  switch (phase) {
    case Phase::idle:
      return "idle";
    case Phase::on_stage:
      return "on_stage";
    case Phase::poll_open:
      return "poll_open";
    case Phase::poll_closed:
      return "poll_closed";
    case Phase::locked:
      return "locked";
    case Phase::revealed:
      return "revealed";
  }
  return "idle";
}

const char* to_string(EntryStatus status) noexcept {
  switch (status) {
    case EntryStatus::pending:
      return "pending";
    case EntryStatus::on_stage:
      return "on_stage";
    case EntryStatus::locked:
      return "locked";
    case EntryStatus::revealed:
      return "revealed";
  }
  return "pending";
}

Show::Show(Contest contest)
    : contest_(std::move(contest)), admission_(contest_.audience.admission) {}

Result<Outcome> Show::apply(const Command& command, Millis now) {
  Result<Outcome> result = std::visit([&](const auto& c) { return apply_one(c, now); }, command);
  // A repeated ballot is accepted but changes nothing, so it is not a new version.
  const bool repeated_ballot =
      result.ok() && std::holds_alternative<Vote>(command) && !result.value().counted;
  if (result.ok() && !repeated_ballot) ++version_;
  return result;
}

// --- lookups used by the handlers -------------------------------------------------------

Round* Show::find_round_mut(std::string_view round_id) noexcept {
  for (auto& round : contest_.rounds) {
    if (round.id == round_id) return &round;
  }
  return nullptr;
}

Status Show::check_in_round(std::string_view round_id, std::string_view entry_id) const {
  const Round* round = contest_.find_round(round_id);
  if (!round) return fail(ErrorCode::not_found, "unknown round " + std::string(round_id));
  if (!contains(round->entries, entry_id)) {
    return fail(ErrorCode::not_found,
                "entry " + std::string(entry_id) + " is not in round " + std::string(round_id));
  }
  return std::nullopt;
}

// --- host actions -------------------------------------------------------------------------

Result<Outcome> Show::apply_one(const StartEntry& c, Millis now) {
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  if (open_poll()) return fail(ErrorCode::invalid_state, "close the open poll first");
  const EntryStatus status = entry_state(c.round, c.entry).status;
  if (status == EntryStatus::locked || status == EntryStatus::revealed) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " is already " + to_string(status) +
                                              " and cannot be started again");
  }
  EntryState& state = entries_[entry_key(c.round, c.entry)];
  if (state.status == EntryStatus::pending) {
    state.status = EntryStatus::on_stage;
    state.started_at = now;
  }
  on_stage_ = std::make_pair(c.round, c.entry);
  scene_ = Scene{"stage", {{"round", c.round}, {"entry", c.entry}}};
  return changed();
}

Result<Outcome> Show::apply_one(const OpenPoll& c, Millis now) {
  const Round* round = contest_.find_round(c.round);
  if (!round) return fail(ErrorCode::not_found, "unknown round " + c.round);
  if (c.entries.empty()) return fail(ErrorCode::bad_request, "a poll needs at least one entry");
  if (c.duration_ms < 0) return fail(ErrorCode::bad_request, "duration_ms must not be negative");
  std::set<std::string_view> seen;
  for (const auto& entry : c.entries) {
    if (!contains(round->entries, entry)) {
      return fail(ErrorCode::not_found, "entry " + entry + " is not in round " + c.round);
    }
    if (!seen.insert(entry).second) {
      return fail(ErrorCode::bad_request, "entry " + entry + " is listed twice");
    }
  }
  if (const Poll* open = open_poll()) {
    return fail(ErrorCode::invalid_state, "poll " + open->id + " is still open");
  }
  // Each audience mode has its own polls: mixing them would mix two scales in one component.
  const bool rating_mode = contest_.scoring.audience_mode == AudienceMode::rating;
  if (c.kind == PollKind::rating) {
    if (!rating_mode) {
      return fail(ErrorCode::invalid_state,
                  "this contest counts votes (scoring.audience_mode relative): rating polls need "
                  "audience_mode rating");
    }
    if (c.entries.size() != 1) {
      return fail(ErrorCode::bad_request, "a rating poll rates exactly one entry");
    }
    // A revealed figure stays as revealed: no new ratings once it is on the screen.
    if (entry_state(c.round, c.entries.front()).status == EntryStatus::revealed) {
      return fail(ErrorCode::invalid_state,
                  "entry " + c.entries.front() + " is revealed: its rating is final");
    }
  } else if (rating_mode) {
    return fail(ErrorCode::invalid_state,
                "the audience rates each entry in this contest (scoring.audience_mode rating): "
                "open a poll with \"kind\": \"rating\" and one entry");
  } else if (audience_closed(c.round)) {
    return fail(ErrorCode::invalid_state,
                "the audience vote of round " + c.round + " is closed: no more polls in it");
  }

  Poll poll;
  poll.id = "p" + std::to_string(polls_.size() + 1);
  poll.round = c.round;
  poll.entries = c.entries;
  poll.opened_at = now;
  poll.closes_at = c.duration_ms > 0 ? now + c.duration_ms : 0;
  poll.tally.assign(c.entries.size(), 0);
  poll.admission = admission_;
  poll.kind = c.kind;
  poll_index_.emplace(poll.id, polls_.size());
  polls_.push_back(std::move(poll));

  Outcome outcome = changed();
  outcome.poll = polls_.back().id;
  scene_ = Scene{"poll", {{"poll", outcome.poll}}};
  return outcome;
}

Result<Outcome> Show::apply_one(const ClosePoll& c, Millis now) {
  const auto it = poll_index_.find(c.poll);
  if (it == poll_index_.end()) return fail(ErrorCode::not_found, "unknown poll " + c.poll);
  Poll& poll = polls_[it->second];
  if (!poll.open) return fail(ErrorCode::invalid_state, "poll " + c.poll + " is already closed");
  poll.open = false;
  poll.closed_at = now;
  poll.refusals = c.refusals;
  return changed();
}

Result<Outcome> Show::apply_one(const LockScores& c, Millis now) {
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  const EntryStatus status = entry_state(c.round, c.entry).status;
  if (status == EntryStatus::pending) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " has not been on stage");
  }
  if (status != EntryStatus::on_stage) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " is already " + to_string(status));
  }
  // A lock with a judge still to score went through once without a word: now it takes the
  // host's written reason, which the ledger keeps.
  const std::vector<std::string> waiting = missing_judges(c.round, c.entry);
  if (!waiting.empty() && c.override_reason.empty()) {
    std::string names;
    for (const auto& judge : waiting) names += (names.empty() ? "" : ", ") + judge;
    Error error =
        fail(ErrorCode::judges_missing, "judges " + names + " have not scored entry " + c.entry +
                                            ": wait for them, or lock with an override_reason");
    error.judges = waiting;
    return error;
  }
  if (auto e = check_not_in_review(c.round, c.entry)) return *e;
  EntryState& state = entries_[entry_key(c.round, c.entry)];
  state.status = EntryStatus::locked;
  state.locked_at = now;
  state.lock_override = waiting.empty() ? std::string() : c.override_reason;
  return changed();
}

Result<Outcome> Show::apply_one(const UnlockScores& c, Millis) {
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  if (c.reason.empty()) return fail(ErrorCode::bad_request, "unlocking needs a reason");
  const EntryStatus status = entry_state(c.round, c.entry).status;
  if (status != EntryStatus::locked) {
    return fail(ErrorCode::invalid_state, "only locked scores can be unlocked; entry " + c.entry +
                                              " is " + to_string(status));
  }
  EntryState& state = entries_[entry_key(c.round, c.entry)];
  state.status = EntryStatus::on_stage;
  ++state.unlocks;
  state.unlock_reason = c.reason;
  return changed();
}

Result<Outcome> Show::apply_one(const Reveal& c, Millis now) {
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  const EntryStatus status = entry_state(c.round, c.entry).status;
  if (status != EntryStatus::locked) {
    return fail(ErrorCode::invalid_state, "only locked scores can be revealed; entry " + c.entry +
                                              " is " + to_string(status));
  }
  if (const Poll* open = open_poll();
      open && open->round == c.round && contains(open->entries, c.entry)) {
    return fail(ErrorCode::invalid_state, "poll " + open->id + " over this entry is still open");
  }
  // Rating mode: the reveal follows the entry's rating poll, so what it shows is final.
  if (contest_.scoring.audience_mode == AudienceMode::rating &&
      contest_.scoring.audience_weight > 0 && !counted_rating_poll(c.round, c.entry)) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry +
                                              " has no closed rating poll: open and close its "
                                              "rating poll before the reveal");
  }
  if (auto e = check_not_in_review(c.round, c.entry)) return *e;
  EntryState& state = entries_[entry_key(c.round, c.entry)];
  state.status = EntryStatus::revealed;
  state.revealed_at = now;
  scene_ = Scene{"reveal", {{"round", c.round}, {"entry", c.entry}}};
  return changed();
}

Result<Outcome> Show::apply_one(const ShowScene& c, Millis) {
  if (std::find(kScenes.begin(), kScenes.end(), c.scene) == kScenes.end()) {
    return fail(ErrorCode::bad_request, "unknown scene " + c.scene);
  }
  scene_ = Scene{c.scene, c.params};
  return changed();
}

Result<Outcome> Show::apply_one(const DrawOrder& c, Millis) {
  Round* round = find_round_mut(c.round);
  if (!round) return fail(ErrorCode::not_found, "unknown round " + c.round);
  if (!c.seed) return fail(ErrorCode::bad_request, "a draw needs a seed");
  for (const auto& entry : round->entries) {
    if (entry_state(c.round, entry).status != EntryStatus::pending) {
      return fail(ErrorCode::invalid_state,
                  "round " + c.round + " has started; its order can no longer be drawn");
    }
  }
  // Draw from the ids in sorted order, not the current order: the result then depends on
  // the seed alone, so replaying a draw over an already drawn contest gives the same order.
  std::vector<std::string> canonical = round->entries;
  std::sort(canonical.begin(), canonical.end());
  round->entries = draw_order(std::move(canonical), *c.seed);
  drawn_.insert(c.round);
  scene_ = Scene{"order", {{"round", c.round}}};
  return changed();
}

// --- audience and judges ------------------------------------------------------------------

// The hot path: one hash lookup for the poll, a scan of its few entries, one ballot insert.
Result<Outcome> Show::apply_one(const Vote& c, Millis now) {
  const auto it = poll_index_.find(c.poll);
  if (it == poll_index_.end()) return fail(ErrorCode::poll_closed, "no open poll " + c.poll);
  Poll& poll = polls_[it->second];
  if (!poll.open || (poll.closes_at > 0 && now >= poll.closes_at)) {
    return fail(ErrorCode::poll_closed, "poll " + c.poll + " is closed");
  }
  std::uint32_t index = 0;
  if (poll.kind == PollKind::rating) {
    if (c.rating < kMinRating || c.rating > kMaxRating) {
      return fail(ErrorCode::bad_request,
                  "poll " + c.poll + " asks for a rating, a whole number from 1 to 10");
    }
    if (!c.choice.empty() && c.choice != poll.entries.front()) {
      return fail(ErrorCode::invalid_choice, "poll " + c.poll + " rates " + poll.entries.front());
    }
  } else {
    if (c.rating != 0) {
      return fail(ErrorCode::bad_request, "poll " + c.poll + " asks for a choice, not a rating");
    }
    const auto choice = std::find(poll.entries.begin(), poll.entries.end(), c.choice);
    if (choice == poll.entries.end()) {
      return fail(ErrorCode::invalid_choice, "poll " + c.poll + " does not offer " + c.choice);
    }
    index = static_cast<std::uint32_t>(choice - poll.entries.begin());
  }
  if (c.device.empty()) return fail(ErrorCode::bad_request, "a vote needs a device");
  constexpr std::string_view kTicketPrefix = "ticket:";
  const bool by_ticket = c.device.starts_with(kTicketPrefix);
  if (poll.admission == Admission::ticket && !by_ticket) {
    return fail(ErrorCode::unauthorized, "poll " + c.poll + " takes seat tickets only");
  }
  if (by_ticket) {
    const Ticket* ticket = ticket_by_id(std::string_view(c.device).substr(kTicketPrefix.size()));
    if (!ticket) return fail(ErrorCode::unauthorized, "no such ticket");
    // Polls are numbered in opening order: p1 is the first.
    if (ticket->voided && it->second + 1 > ticket->voided_after_polls) {
      return fail(ErrorCode::unauthorized, "ticket " + ticket->id + " is void");
    }
  }
  if (!poll.ballots.try_emplace(c.device, Ballot{index, c.request, c.rating}).second) {
    return Outcome{};  // the first one counts
  }
  ++poll.tally[index];
  ++poll.total;
  poll.rating_sum += c.rating;
  Outcome outcome;
  outcome.counted = true;
  return outcome;
}

Result<Outcome> Show::apply_one(const Score& c, Millis now) {
  const Judge* judge = contest_.find_judge(c.judge);
  if (!judge) return fail(ErrorCode::not_found, "unknown judge " + c.judge);
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  if (is_recused(*judge, *contest_.find_entry(c.entry))) {
    return fail(ErrorCode::recused, "judge " + c.judge + " is recused from entry " + c.entry);
  }
  const EntryStatus status = entry_state(c.round, c.entry).status;
  if (status == EntryStatus::locked || status == EntryStatus::revealed) {
    return fail(ErrorCode::locked, "scores of entry " + c.entry + " are locked");
  }
  if (status == EntryStatus::pending) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " has not been on stage");
  }
  if (auto e = validate_marks(contest_.scoring, c.marks)) return *e;
  marks_[marks_key(c.judge, c.round, c.entry)].push_back(MarkRevision{c.marks, now, false, {}});
  ReviewRecord& record = reviews_[entry_key(c.round, c.entry)];
  ++record.generation;
  // The asked judge's new marks answer the re-check.
  if (record.recheck && record.recheck->judge == c.judge) {
    record.recheck.reset();
    record.events.push_back({"revised", c.judge, {}, now});
  }
  return changed();
}

Result<Outcome> Show::apply_one(const CorrectScore& c, Millis now) {
  const Judge* judge = contest_.find_judge(c.judge);
  if (!judge) return fail(ErrorCode::not_found, "unknown judge " + c.judge);
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  if (is_recused(*judge, *contest_.find_entry(c.entry))) {
    return fail(ErrorCode::recused, "judge " + c.judge + " is recused from entry " + c.entry);
  }
  const EntryStatus status = entry_state(c.round, c.entry).status;
  if (status != EntryStatus::locked && status != EntryStatus::revealed) {
    return fail(ErrorCode::invalid_state,
                "corrections are made after lock; entry " + c.entry + " is " + to_string(status));
  }
  if (c.reason.empty()) return fail(ErrorCode::bad_request, "a correction needs a reason");
  if (auto e = validate_marks(contest_.scoring, c.marks)) return *e;
  marks_[marks_key(c.judge, c.round, c.entry)].push_back(
      MarkRevision{c.marks, now, true, c.reason, c.operator_name});
  entries_[entry_key(c.round, c.entry)].amended = true;
  ++reviews_[entry_key(c.round, c.entry)].generation;
  return changed();
}

// --- audience admission -------------------------------------------------------------------

Result<Outcome> Show::apply_one(const SetAdmission& c, Millis) {
  if (const Poll* open = open_poll()) {
    return fail(ErrorCode::invalid_state,
                "close poll " + open->id + " first: the admission mode changes between polls");
  }
  admission_ = c.mode;
  return changed();
}

Result<Outcome> Show::apply_one(const IssueTickets& c, Millis) {
  if (c.tickets.empty()) return fail(ErrorCode::bad_request, "no tickets to issue");
  std::set<std::string_view> ids, hashes;
  for (const auto& ticket : c.tickets) {
    if (!is_sha256_hex(ticket.hash))
      return fail(ErrorCode::bad_request, "a ticket's hash is 64 lowercase hex digits");
    if (ticket.id.empty() || ticket.id.size() > kMaxNameLength) {
      return fail(ErrorCode::bad_request, "a ticket's number must be 1 to 128 bytes");
    }
    if (ticket_by_id(ticket.id) || !ids.insert(ticket.id).second) {
      return fail(ErrorCode::conflict, "ticket " + ticket.id + " exists already");
    }
    if (ticket_by_hash(ticket.hash) || !hashes.insert(ticket.hash).second) {
      return fail(ErrorCode::conflict, "two tickets with one code");
    }
  }
  for (const auto& stub : c.tickets) {
    ticket_by_id_.emplace(stub.id, tickets_.size());
    ticket_by_hash_.emplace(stub.hash, tickets_.size());
    Ticket ticket;
    ticket.id = stub.id;
    ticket.hash = stub.hash;
    tickets_.push_back(std::move(ticket));
  }
  return changed();
}

Result<Outcome> Show::apply_one(const VoidTicket& c, Millis now) {
  const auto it = ticket_by_id_.find(c.ticket);
  if (it == ticket_by_id_.end()) return fail(ErrorCode::not_found, "no ticket " + c.ticket);
  if (c.reason.empty()) return fail(ErrorCode::bad_request, "voiding a ticket needs a reason");
  Ticket& ticket = tickets_[it->second];
  if (ticket.voided)
    return fail(ErrorCode::invalid_state, "ticket " + c.ticket + " is void already");
  ticket.voided = true;
  ticket.voided_after_polls = polls_.size();
  ticket.void_reason = c.reason;
  ticket.voided_at = now;
  return changed();
}

// --- judges' credentials ------------------------------------------------------------------

Result<Outcome> Show::apply_one(const ReissueJudgeToken& c, Millis now) {
  if (!contest_.find_judge(c.judge)) return fail(ErrorCode::not_found, "unknown judge " + c.judge);
  if (!is_sha256_hex(c.token_sha256)) {
    return fail(ErrorCode::bad_request, "a new token's hash is 64 lowercase hex digits");
  }
  TokenReissue& reissue = reissues_[c.judge];
  reissue.token_sha256 = c.token_sha256;
  reissue.at = now;
  ++reissue.count;
  return changed();
}

// --- advancement between rounds ----------------------------------------------------------

Result<Outcome> Show::apply_one(const Advance& c, Millis) {
  const Round* from = contest_.find_round(c.from);
  if (!from) return fail(ErrorCode::not_found, "unknown round " + c.from);
  Round* to = find_round_mut(c.to);
  if (!to) return fail(ErrorCode::not_found, "unknown round " + c.to);
  if (c.from == c.to) return fail(ErrorCode::bad_request, "a round cannot advance into itself");

  // `from` is played: no entry between start and reveal (pending ones never performed and
  // never advance), and no poll over it still open.
  for (const auto& entry : from->entries) {
    const EntryStatus status = entry_state(c.from, entry).status;
    if (status == EntryStatus::on_stage || status == EntryStatus::locked) {
      return fail(ErrorCode::invalid_state, "round " + c.from + " is not finished: entry " + entry +
                                                " is " + to_string(status));
    }
  }
  if (const Poll* open = open_poll(); open && open->round == c.from) {
    return fail(ErrorCode::invalid_state,
                "poll " + open->id + " over round " + c.from + " is still open");
  }
  // The cut is made on final figures only: in relative mode every result of the round moves
  // with the audience vote until it is closed (in rating mode a revealed result is final).
  if (contest_.scoring.audience_mode == AudienceMode::relative && !audience_closed(c.from)) {
    return fail(ErrorCode::invalid_state, "the audience vote of round " + c.from +
                                              " is still open and its results are provisional "
                                              "(暂计): close it (close_audience) first");
  }
  // `to` has not started: nothing of it drawn, performed or polled.
  if (drawn_.count(c.to)) {
    return fail(ErrorCode::invalid_state,
                "round " + c.to + "'s order is drawn already: advance before the draw");
  }
  for (const auto& entry : to->entries) {
    if (entry_state(c.to, entry).status != EntryStatus::pending) {
      return fail(ErrorCode::invalid_state, "round " + c.to + " has started");
    }
  }
  for (const auto& poll : polls_) {
    if (poll.round == c.to) return fail(ErrorCode::invalid_state, "round " + c.to + " has polls");
  }

  // The revealed entries in rank order, ranked among themselves (shared ranks stay shared),
  // as the leaderboard shows them.
  std::vector<std::pair<std::string, int>> ranked;  // (entry, rank)
  int previous_official = 0;
  for (const auto& result : results(c.from)) {
    if (entry_state(c.from, result.entry).status != EntryStatus::revealed) continue;
    const bool tied = !ranked.empty() && result.rank == previous_official;
    previous_official = result.rank;
    ranked.emplace_back(result.entry,
                        tied ? ranked.back().second : static_cast<int>(ranked.size()) + 1);
  }
  if (ranked.empty()) return fail(ErrorCode::invalid_state, "round " + c.from + " has no results");
  if (c.count < 1 || static_cast<std::size_t>(c.count) > ranked.size()) {
    return fail(ErrorCode::out_of_range, "count must be 1.." + std::to_string(ranked.size()) +
                                             " (the revealed entries of round " + c.from + ")");
  }

  const auto n = static_cast<std::size_t>(c.count);
  const int cut_rank = ranked[n - 1].second;
  const bool tie = n < ranked.size() && ranked[n].second == cut_rank;
  std::vector<std::string> advancing;
  if (!tie) {
    if (!c.include.empty()) {
      return fail(ErrorCode::bad_request, "no tie at the cut of " + std::to_string(c.count) +
                                              ": include is only for a tie");
    }
    for (std::size_t i = 0; i < n; ++i) advancing.push_back(ranked[i].first);
  } else {
    std::vector<std::string> above, tied;
    for (const auto& [entry, rank] : ranked) {
      if (rank < cut_rank) above.push_back(entry);
      if (rank == cut_rank) tied.push_back(entry);
    }
    if (c.include.empty()) {
      std::string names;
      for (const auto& entry : tied) names += (names.empty() ? "" : ", ") + entry;
      Error error =
          fail(ErrorCode::tie_at_cut,
               "entries " + names + " share rank " + std::to_string(cut_rank) + " at the cut of " +
                   std::to_string(c.count) + ", with " + std::to_string(n - above.size()) +
                   (n - above.size() == 1 ? " place" : " places") +
                   " left: name those that go through (or all of them) in include, with a reason");
      error.entries = std::move(tied);
      return error;
    }
    if (c.reason.empty()) return fail(ErrorCode::bad_request, "include needs a reason");
    std::set<std::string_view> named;
    for (const auto& entry : c.include) {
      if (!contains(tied, entry)) {
        return fail(ErrorCode::bad_request, "entry " + entry + " is not tied at the cut");
      }
      if (!named.insert(entry).second) {
        return fail(ErrorCode::bad_request, "entry " + entry + " is listed twice");
      }
    }
    // Exactly the places left, or every tied entry (the host takes them all, saying why).
    const std::size_t places = n - above.size();
    if (named.size() != places && named.size() != tied.size()) {
      return fail(ErrorCode::bad_request,
                  "include names " + std::to_string(named.size()) + " of the " +
                      std::to_string(tied.size()) + " tied entries: " + std::to_string(places) +
                      " places are left (or include all " + std::to_string(tied.size()) + ")");
    }
    advancing = std::move(above);
    for (const auto& entry : tied) {
      if (named.count(entry)) advancing.push_back(entry);
    }
  }

  // The first advance into `to` replaces its imported list; advancing from the same round
  // again (before the draw) replaces what that round sent; other rounds add theirs.
  if (const auto it = advanced_.find(c.to); it != advanced_.end()) {
    for (const auto& other : it->second) {
      if (other.from == c.from) continue;
      for (const auto& entry : other.entries) {
        if (contains(advancing, entry)) {
          return fail(ErrorCode::conflict, "entry " + entry + " is in round " + c.to +
                                               " already (from round " + other.from + ")");
        }
      }
    }
  }
  std::vector<Advanced>& into = advanced_[c.to];
  Advanced record{c.from, advancing, c.include.empty() ? std::string() : c.reason};
  auto same =
      std::find_if(into.begin(), into.end(), [&](const Advanced& a) { return a.from == c.from; });
  if (same != into.end()) {
    *same = std::move(record);
  } else {
    into.push_back(std::move(record));
  }
  std::vector<std::string> entries;
  for (const auto& a : into) entries.insert(entries.end(), a.entries.begin(), a.entries.end());
  to->entries = std::move(entries);
  return changed();
}

const std::vector<Show::Advanced>& Show::advanced(std::string_view to) const {
  static const std::vector<Advanced> kNone;
  const auto it = advanced_.find(to);
  return it == advanced_.end() ? kNone : it->second;
}

// --- audience mode ------------------------------------------------------------------------

Result<Outcome> Show::apply_one(const CloseAudience& c, Millis) {
  if (!contest_.find_round(c.round)) return fail(ErrorCode::not_found, "unknown round " + c.round);
  if (contest_.scoring.audience_mode == AudienceMode::rating) {
    return fail(ErrorCode::invalid_state,
                "the audience rates each entry in this contest: closing an entry's rating poll "
                "makes its result final");
  }
  if (const Poll* open = open_poll(); open && open->round == c.round) {
    return fail(ErrorCode::invalid_state, "close poll " + open->id + " first");
  }
  if (!audience_closed_.insert(c.round).second) {
    return fail(ErrorCode::invalid_state,
                "the audience vote of round " + c.round + " is already closed");
  }
  return changed();
}

// --- tolerance review ---------------------------------------------------------------------

Status Show::check_reviewer(std::string_view by) const {
  const Judge* chief = contest_.chief();
  if (chief && by != chief->id) {
    return fail(ErrorCode::forbidden, "only the chief judge (" + chief->name + ") runs the review");
  }
  if (!chief && !by.empty()) {
    return fail(ErrorCode::forbidden,
                "the contest names no chief judge: the review is run from the host's console");
  }
  return std::nullopt;
}

Status Show::check_not_in_review(std::string_view round, std::string_view entry) const {
  const ToleranceCheck check = tolerance_check(round, entry);
  if (!check.breaks) return std::nullopt;
  const auto it = reviews_.find(entry_key(round, entry));
  if (it != reviews_.end() && it->second.released_at == it->second.generation) return std::nullopt;
  std::string names;
  for (const auto& judge : check.judges) names += (names.empty() ? "" : ", ") + judge;
  Error error = fail(ErrorCode::in_review,
                     "entry " + std::string(entry) + " is in review (复核): the marks of " + names +
                         " break the tolerance; the chief judge must release it first");
  error.judges = check.judges;
  return error;
}

ToleranceCheck Show::tolerance_check(std::string_view round, std::string_view entry) const {
  const Entry* contest_entry = contest_.find_entry(entry);
  std::vector<JudgeTotal> totals;
  for (const auto& judge : contest_.judges) {
    if (contest_entry && is_recused(judge, *contest_entry)) continue;
    if (const Marks* m = marks(judge.id, round, entry)) {
      totals.push_back(JudgeTotal{judge.id, judge_total(*m), false});
    }
  }
  return check_tolerance(contest_.scoring, std::move(totals));
}

ReviewStatus Show::review(std::string_view round, std::string_view entry) const {
  ReviewStatus status;
  if (!contest_.scoring.tolerance.enabled()) return status;
  status.check = tolerance_check(round, entry);
  const auto it = reviews_.find(entry_key(round, entry));
  if (it != reviews_.end()) {
    status.recheck = it->second.recheck;
    status.events = it->second.events;
    status.released = status.check.breaks && it->second.released_at == it->second.generation;
    if (status.released) status.release_reason = it->second.release_reason;
  }
  const EntryStatus entry_status = entry_state(round, entry).status;
  // Judged once the panel is complete; at lock (with an override) on those who scored.
  const bool judged =
      entry_status == EntryStatus::locked ||
      (entry_status == EntryStatus::on_stage && missing_judges(round, entry).empty());
  status.in_review = judged && status.check.breaks && !status.released;
  return status;
}

Result<Outcome> Show::apply_one(const RequestRecheck& c, Millis now) {
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  if (auto e = check_reviewer(c.by)) return *e;
  if (!contest_.find_judge(c.judge)) return fail(ErrorCode::not_found, "unknown judge " + c.judge);
  if (!marks(c.judge, c.round, c.entry)) {
    return fail(ErrorCode::invalid_state,
                "judge " + c.judge + " has not scored entry " + c.entry + ": nothing to re-check");
  }
  const EntryStatus status = entry_state(c.round, c.entry).status;
  if (status != EntryStatus::on_stage) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " is " + to_string(status) +
                                              ": its marks can no longer be revised");
  }
  if (!review(c.round, c.entry).in_review) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " is not in review");
  }
  ReviewRecord& record = reviews_[entry_key(c.round, c.entry)];
  if (record.recheck) {
    return fail(ErrorCode::conflict,
                "judge " + record.recheck->judge + " is re-checking entry " + c.entry + " already");
  }
  record.recheck = Recheck{c.judge, c.note, c.by, now};
  record.events.push_back({"request_recheck", c.judge, c.note, now});
  return changed();
}

Result<Outcome> Show::apply_one(const ConfirmScore& c, Millis now) {
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  const auto it = reviews_.find(entry_key(c.round, c.entry));
  if (it == reviews_.end() || !it->second.recheck) {
    return fail(ErrorCode::invalid_state, "no re-check of entry " + c.entry + " is pending");
  }
  if (it->second.recheck->judge != c.judge) {
    return fail(ErrorCode::forbidden,
                "the re-check of entry " + c.entry + " asks judge " + it->second.recheck->judge);
  }
  it->second.recheck.reset();
  it->second.events.push_back({"confirm_score", c.judge, {}, now});
  return changed();
}

Result<Outcome> Show::apply_one(const ReleaseReview& c, Millis now) {
  if (auto e = check_in_round(c.round, c.entry)) return *e;
  if (auto e = check_reviewer(c.by)) return *e;
  if (entry_state(c.round, c.entry).status == EntryStatus::revealed) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " is revealed");
  }
  if (!review(c.round, c.entry).in_review) {
    return fail(ErrorCode::invalid_state, "entry " + c.entry + " is not in review");
  }
  ReviewRecord& record = reviews_[entry_key(c.round, c.entry)];
  record.released_at = record.generation;
  record.release_reason = c.reason;
  // The chief has decided: a re-check still open is moot.
  record.recheck.reset();
  record.events.push_back({"release_review", {}, c.reason, now});
  return changed();
}

bool Show::audience_closed(std::string_view round) const noexcept {
  return audience_closed_.find(round) != audience_closed_.end();
}

const Poll* Show::counted_rating_poll(std::string_view round,
                                      std::string_view entry) const noexcept {
  for (auto it = polls_.rbegin(); it != polls_.rend(); ++it) {
    if (it->kind == PollKind::rating && !it->open && it->round == round &&
        it->entries.front() == entry) {
      return &*it;
    }
  }
  return nullptr;
}

bool Show::provisional(std::string_view round, std::string_view entry) const noexcept {
  if (contest_.scoring.audience_mode == AudienceMode::relative) return !audience_closed(round);
  if (const Poll* open = open_poll(); open && open->kind == PollKind::rating &&
                                      open->round == round && open->entries.front() == entry) {
    return true;
  }
  return counted_rating_poll(round, entry) == nullptr;
}

const TokenReissue* Show::token_reissue(std::string_view judge) const noexcept {
  const auto it = reissues_.find(judge);
  return it == reissues_.end() ? nullptr : &it->second;
}

const Ticket* Show::ticket_by_hash(std::string_view hash) const noexcept {
  const auto it = ticket_by_hash_.find(std::string(hash));
  return it == ticket_by_hash_.end() ? nullptr : &tickets_[it->second];
}

const Ticket* Show::ticket_by_id(std::string_view id) const noexcept {
  const auto it = ticket_by_id_.find(std::string(id));
  return it == ticket_by_id_.end() ? nullptr : &tickets_[it->second];
}

// --- queries ------------------------------------------------------------------------------

Phase Show::phase() const noexcept {
  // An open poll comes first: nothing else can move on until the host closes it.
  if (open_poll()) return Phase::poll_open;
  if (!on_stage_) return Phase::idle;
  const auto& [round, entry] = *on_stage_;
  switch (entry_state(round, entry).status) {
    case EntryStatus::revealed:
      return Phase::revealed;
    case EntryStatus::locked:
      return Phase::locked;
    default:
      break;
  }
  for (const auto& poll : polls_) {
    if (poll.round == round && contains(poll.entries, entry)) return Phase::poll_closed;
  }
  return Phase::on_stage;
}

const Poll* Show::open_poll() const noexcept {
  // Polls open one at a time and a new one only when none is open: only the last can be.
  return !polls_.empty() && polls_.back().open ? &polls_.back() : nullptr;
}

const Poll* Show::find_poll(std::string_view id) const noexcept {
  const auto it = poll_index_.find(std::string(id));
  return it == poll_index_.end() ? nullptr : &polls_[it->second];
}

const Ballot* Show::ballot(std::string_view poll_id, std::string_view device) const noexcept {
  const Poll* poll = find_poll(poll_id);
  if (!poll) return nullptr;
  const auto it = poll->ballots.find(std::string(device));
  return it == poll->ballots.end() ? nullptr : &it->second;
}

std::vector<std::string> Show::expired_polls(Millis now) const {
  std::vector<std::string> expired;
  for (const auto& poll : polls_) {
    if (poll.open && poll.closes_at > 0 && now >= poll.closes_at) expired.push_back(poll.id);
  }
  return expired;
}

const EntryState& Show::entry_state(std::string_view round, std::string_view entry) const {
  static const EntryState kNeverStarted{};
  const auto it = entries_.find(entry_key(round, entry));
  return it == entries_.end() ? kNeverStarted : it->second;
}

const Marks* Show::marks(std::string_view judge, std::string_view round,
                         std::string_view entry) const {
  const auto it = marks_.find(marks_key(judge, round, entry));
  if (it == marks_.end() || it->second.empty()) return nullptr;
  return &it->second.back().marks;
}

const std::vector<MarkRevision>& Show::revisions(std::string_view judge, std::string_view round,
                                                 std::string_view entry) const {
  static const std::vector<MarkRevision> kNone;
  const auto it = marks_.find(marks_key(judge, round, entry));
  return it == marks_.end() ? kNone : it->second;
}

std::vector<std::pair<std::string, std::string>> Show::judge_panel(std::string_view round,
                                                                   std::string_view entry) const {
  const Entry* contest_entry = contest_.find_entry(entry);
  std::vector<std::pair<std::string, std::string>> panel;
  panel.reserve(contest_.judges.size());
  for (const auto& judge : contest_.judges) {
    const char* status = "pending";
    if (contest_entry && is_recused(judge, *contest_entry)) {
      status = "recused";
    } else if (marks(judge.id, round, entry)) {
      status = "scored";
    }
    panel.emplace_back(judge.id, status);
  }
  return panel;
}

std::vector<std::string> Show::missing_judges(std::string_view round,
                                              std::string_view entry) const {
  std::vector<std::string> missing;
  for (const auto& [judge, status] : judge_panel(round, entry)) {
    if (status == "pending") missing.push_back(judge);
  }
  return missing;
}

long Show::votes(std::string_view round, std::string_view entry) const {
  long sum = 0;
  for (const auto& poll : polls_) {
    if (poll.round != round) continue;
    for (std::size_t i = 0; i < poll.entries.size(); ++i) {
      if (poll.entries[i] == entry) sum += poll.tally[i];
    }
  }
  return sum;
}

std::vector<EntryResult> Show::results(std::string_view round_id) const {
  const Round* round = contest_.find_round(round_id);
  if (!round) return {};
  std::vector<ResultInput> inputs;
  inputs.reserve(round->entries.size());
  for (const auto& entry_id : round->entries) {
    const Entry* entry = contest_.find_entry(entry_id);
    ResultInput input;
    input.entry = entry_id;
    for (const auto& judge : contest_.judges) {
      if (entry && is_recused(judge, *entry)) continue;
      if (const Marks* m = marks(judge.id, round_id, entry_id)) {
        input.judge_totals.push_back(JudgeTotal{judge.id, judge_total(*m), false});
      }
    }
    if (contest_.scoring.audience_mode == AudienceMode::rating) {
      if (const Poll* poll = counted_rating_poll(round_id, entry_id)) {
        input.votes = poll->tally.front();
        input.rating_sum = poll->rating_sum;
      }
    } else {
      input.votes = votes(round_id, entry_id);
    }
    input.provisional = provisional(round_id, entry_id);
    inputs.push_back(std::move(input));
  }
  return compute_results(contest_.scoring, inputs);
}

std::optional<EntryResult> Show::result(std::string_view round, std::string_view entry) const {
  for (auto& result : results(round)) {
    if (result.entry == entry) return std::move(result);
  }
  return std::nullopt;
}

std::vector<Award> Show::awards(std::string_view round) const {
  // Only revealed entries can win: an entry nobody has scored yet would otherwise share the
  // bottom rank and fall inside a tier. Ranks are renumbered among the revealed entries,
  // keeping the official figures and ties.
  std::vector<EntryResult> revealed;
  int previous_official_rank = 0;
  for (auto& result : results(round)) {
    if (entry_state(round, result.entry).status != EntryStatus::revealed) continue;
    const bool tied = !revealed.empty() && result.rank == previous_official_rank;
    previous_official_rank = result.rank;
    result.rank = tied ? revealed.back().rank : static_cast<int>(revealed.size()) + 1;
    revealed.push_back(std::move(result));
  }
  return compute_awards(contest_.awards, contest_.popularity_award, revealed);
}

const std::vector<std::string>& Show::running_order(std::string_view round_id) const {
  static const std::vector<std::string> kNone;
  const Round* round = contest_.find_round(round_id);
  return round ? round->entries : kNone;
}

// --- screens ------------------------------------------------------------------------------

// Accepted in any state, as a scene change is: the corner only follows the open poll, so
// hiding it while none is open is the host getting ready for the next one.
Result<Outcome> Show::apply_one(const SetJoinCorner& c, Millis) {
  join_corner_ = c.visible;
  return changed();
}

}  // namespace stagevote::core
