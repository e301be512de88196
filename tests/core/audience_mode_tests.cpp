// Issue 15: a revealed score stays as revealed, or says it may move. Relative mode marks
// results provisional until the host closes the round's audience vote; rating mode counts
// each entry's own 1..10 ratings, final once its rating poll is closed.
#include <catch2/catch.hpp>

#include "core/codec.hpp"
#include "core/show.hpp"
#include "support.hpp"

using namespace stagevote::core;
using nlohmann::json;
using stagevote::core::test::fingerprint;
using stagevote::core::test::marks;
using stagevote::core::test::small_contest;

namespace {

Outcome apply_ok(Show& show, const Command& command, Millis now) {
  auto result = show.apply(command, now);
  INFO(command_kind(command) << ": " << (result ? "ok" : result.error().message));
  REQUIRE(result.ok());
  return result.value();
}

// Refused with `code`, and nothing observable changed.
void refused(Show& show, const Command& command, ErrorCode code, Millis now = 1'000'000) {
  const std::string before = fingerprint(show);
  auto result = show.apply(command, now);
  INFO(command_kind(command));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == code);
  CHECK(fingerprint(show) == before);
}

EntryResult result_of(const Show& show, const std::string& round, const std::string& entry) {
  auto result = show.result(round, entry);
  REQUIRE(result);
  return *result;
}

// Scores from j3..j7 (no unit: never recused) and locks the entry.
void judge(Show& show, const std::string& round, const std::string& entry, double c1, Millis& t) {
  for (const char* j : {"j3", "j4", "j5", "j6", "j7"}) {
    apply_ok(show, Score{j, round, entry, marks(c1, 25, 15, 8)}, t += 10);
  }
  apply_ok(show, LockScores{round, entry, "not every judge scored in this test"}, t += 10);
}

Contest rating_contest(int min_ratings = 3) {
  Contest contest = small_contest();
  contest.scoring.audience_mode = AudienceMode::rating;
  contest.scoring.min_ratings = min_ratings;
  return contest;
}

}  // namespace

TEST_CASE("Relative mode: results are provisional until the round's audience vote closes",
          "[audience]") {
  Show show(small_contest());
  Millis t = 1000;
  for (const auto& result : show.results("r1")) CHECK(result.provisional);

  apply_ok(show, StartEntry{"r1", "e1"}, t += 10);
  const std::string poll = apply_ok(show, OpenPoll{"r1", {"e1", "e2"}, 0}, t += 10).poll;
  apply_ok(show, Vote{"phone-1", poll, "e1"}, t += 10);
  refused(show, CloseAudience{"r1"}, ErrorCode::invalid_state);  // its poll is still open
  apply_ok(show, ClosePoll{poll}, t += 10);
  judge(show, "r1", "e1", 35, t);
  apply_ok(show, Reveal{"r1", "e1"}, t += 10);
  CHECK(result_of(show, "r1", "e1").provisional);
  CHECK(results_to_json("r1", show.results("r1"))["entries"][0]["provisional"] == true);

  refused(show, CloseAudience{"r9"}, ErrorCode::not_found);
  apply_ok(show, CloseAudience{"r1"}, t += 10);
  CHECK(show.audience_closed("r1"));
  CHECK_FALSE(show.audience_closed("r2"));
  for (const auto& result : show.results("r1")) CHECK_FALSE(result.provisional);
  for (const auto& result : show.results("r2")) CHECK(result.provisional);
  CHECK(results_to_json("r1", show.results("r1"))["entries"][0]["provisional"] == false);

  // Closed for good: no second close, no new poll in the round; other rounds go on.
  refused(show, CloseAudience{"r1"}, ErrorCode::invalid_state);
  refused(show, OpenPoll{"r1", {"e2"}, 0}, ErrorCode::invalid_state);
  apply_ok(show, OpenPoll{"r2", {"e5"}, 0}, t += 10);
}

TEST_CASE("Relative mode: a revealed final moves only while it was shown as provisional",
          "[audience]") {
  // The evening: e1 is revealed before anyone else has votes, later entries get
  // votes and e1's audience component (100 * votes / most) drops.
  Show show(small_contest());
  Millis t = 1000;
  std::map<std::string, std::pair<std::string, bool>> at_reveal;  // entry -> (final, provisional)
  const auto check_revealed = [&] {
    for (const auto& [entry, revealed] : at_reveal) {
      const EntryResult now = result_of(show, "r1", entry);
      if (now.published.final_score.text() != revealed.first) {
        INFO(entry << " moved from " << revealed.first << " to "
                   << now.published.final_score.text());
        CHECK(revealed.second);  // it said 暂计 when it was shown
      }
    }
  };
  const auto perform = [&](const std::string& entry, int votes, double c1, bool close_after) {
    apply_ok(show, StartEntry{"r1", entry}, t += 10);
    const std::string poll = apply_ok(show, OpenPoll{"r1", {entry}, 0}, t += 10).poll;
    for (int v = 0; v < votes; ++v) {
      apply_ok(show, Vote{entry + "-phone-" + std::to_string(v), poll, entry}, t += 10);
      check_revealed();
    }
    apply_ok(show, ClosePoll{poll}, t += 10);
    judge(show, "r1", entry, c1, t);
    if (close_after) apply_ok(show, CloseAudience{"r1"}, t += 10);
    apply_ok(show, Reveal{"r1", entry}, t += 10);
    const EntryResult shown = result_of(show, "r1", entry);
    at_reveal[entry] = {shown.published.final_score.text(), shown.provisional};
    check_revealed();
  };
  perform("e1", 3, 36, false);
  const std::string e1_first = at_reveal["e1"].first;
  perform("e2", 9, 30, false);
  perform("e3", 4, 33, false);
  CHECK(result_of(show, "r1", "e1").published.final_score.text() != e1_first);  // it moved ...
  CHECK(at_reveal["e1"].second);                                                // ... as said
  perform("e4", 2, 31, true);  // closed before its reveal: shown final
  CHECK_FALSE(at_reveal["e4"].second);
  // Nothing can move it any more.
  refused(show, OpenPoll{"r1", {"e1", "e2", "e3", "e4"}, 0}, ErrorCode::invalid_state);
  apply_ok(show, ShowScene{"leaderboard", {{"round", "r1"}}}, t += 10);
  check_revealed();
}

TEST_CASE("Rating mode: the audience component is 10 times the mean rating", "[audience]") {
  Show show(rating_contest(3));
  Millis t = 1000;
  apply_ok(show, StartEntry{"r1", "e3"}, t += 10);
  // A rating poll rates one entry; choice polls belong to the relative mode.
  refused(show, OpenPoll{"r1", {"e3", "e4"}, 0, PollKind::rating}, ErrorCode::bad_request);
  refused(show, OpenPoll{"r1", {"e3"}, 0}, ErrorCode::invalid_state);
  const std::string poll =
      apply_ok(show, OpenPoll{"r1", {"e3"}, 0, PollKind::rating}, t += 10).poll;
  REQUIRE(show.open_poll());
  CHECK(show.open_poll()->kind == PollKind::rating);

  // Bad ratings and choice votes are refused and change nothing.
  refused(show, Vote{"phone-x", poll, "", {}, 0}, ErrorCode::bad_request);
  refused(show, Vote{"phone-x", poll, "", {}, 11}, ErrorCode::bad_request);
  refused(show, Vote{"phone-x", poll, "", {}, -3}, ErrorCode::bad_request);
  refused(show, Vote{"phone-x", poll, "e3"}, ErrorCode::bad_request);
  refused(show, Vote{"phone-x", poll, "e4", {}, 5}, ErrorCode::invalid_choice);

  CHECK(apply_ok(show, Vote{"phone-1", poll, "", {}, 8}, t += 10).counted);
  CHECK(apply_ok(show, Vote{"phone-2", poll, "e3", {}, 9}, t += 10).counted);
  // Once per voter: the first rating stands.
  CHECK_FALSE(apply_ok(show, Vote{"phone-1", poll, "", {}, 1}, t += 10).counted);
  REQUIRE(show.ballot(poll, "phone-1"));
  CHECK(show.ballot(poll, "phone-1")->rating == 8);
  // Open: provisional, and nothing counted yet.
  CHECK(result_of(show, "r1", "e3").provisional);
  CHECK(result_of(show, "r1", "e3").audience_component == 0);

  judge(show, "r1", "e3", 36, t);                               // judge component 84
  refused(show, Reveal{"r1", "e3"}, ErrorCode::invalid_state);  // the rating poll is open
  apply_ok(show, ClosePoll{poll}, t += 10);
  // Two ratings, three needed: component 0, marked.
  EntryResult result = result_of(show, "r1", "e3");
  CHECK_FALSE(result.provisional);
  CHECK(result.rated);
  CHECK(result.votes == 2);
  CHECK(result.too_few_ratings);
  CHECK(result.mean_rating == Approx(8.5));
  CHECK(result.audience_component == 0);
  const json shown = result_to_json(result);
  CHECK(shown["too_few_ratings"] == true);
  CHECK(shown["ratings"] == 2);
  CHECK(shown["provisional"] == false);

  // Enough ratings (min 2): 10 * mean 8.5 = 85; final 0.9 * 84 + 0.1 * 85 = 84.1.
  Show enough(rating_contest(2));
  t = 1000;
  apply_ok(enough, StartEntry{"r1", "e3"}, t += 10);
  const std::string p = apply_ok(enough, OpenPoll{"r1", {"e3"}, 0, PollKind::rating}, t += 10).poll;
  apply_ok(enough, Vote{"phone-1", p, "", {}, 8}, t += 10);
  apply_ok(enough, Vote{"phone-2", p, "", {}, 9}, t += 10);
  apply_ok(enough, ClosePoll{p}, t += 10);
  judge(enough, "r1", "e3", 36, t);
  result = result_of(enough, "r1", "e3");
  CHECK_FALSE(result.too_few_ratings);
  CHECK(result.judge_component == Approx(84));
  CHECK(result.audience_component == Approx(85));
  CHECK(result.published.final_score.text() == "84.100");
  CHECK_FALSE(result.provisional);

  // The reveal is final: the same after the round has played on, and no new rating poll.
  apply_ok(enough, Reveal{"r1", "e3"}, t += 10);
  refused(enough, OpenPoll{"r1", {"e3"}, 0, PollKind::rating}, ErrorCode::invalid_state);
  apply_ok(enough, StartEntry{"r1", "e4"}, t += 10);
  const std::string q = apply_ok(enough, OpenPoll{"r1", {"e4"}, 0, PollKind::rating}, t += 10).poll;
  for (int v = 0; v < 12; ++v) {
    apply_ok(enough, Vote{"phone-" + std::to_string(v), q, "", {}, 10}, t += 10);
  }
  apply_ok(enough, ClosePoll{q}, t += 10);
  CHECK(result_of(enough, "r1", "e3").published.final_score.text() == "84.100");
  // close_audience is the relative mode's.
  refused(enough, CloseAudience{"r1"}, ErrorCode::invalid_state);
}

TEST_CASE("Rating mode: the last closed rating poll of an entry counts", "[audience]") {
  Show show(rating_contest(1));
  Millis t = 1000;
  apply_ok(show, StartEntry{"r1", "e2"}, t += 10);
  const std::string first =
      apply_ok(show, OpenPoll{"r1", {"e2"}, 0, PollKind::rating}, t += 10).poll;
  apply_ok(show, Vote{"phone-1", first, "", {}, 2}, t += 10);
  apply_ok(show, ClosePoll{first}, t += 10);
  CHECK(result_of(show, "r1", "e2").audience_component == Approx(20));
  // Opened again (before the reveal): provisional while open, then the new one counts.
  const std::string again =
      apply_ok(show, OpenPoll{"r1", {"e2"}, 0, PollKind::rating}, t += 10).poll;
  CHECK(result_of(show, "r1", "e2").provisional);
  apply_ok(show, Vote{"phone-1", again, "", {}, 6}, t += 10);
  apply_ok(show, Vote{"phone-2", again, "", {}, 7}, t += 10);
  apply_ok(show, ClosePoll{again}, t += 10);
  CHECK_FALSE(result_of(show, "r1", "e2").provisional);
  CHECK(result_of(show, "r1", "e2").audience_component == Approx(65));
  CHECK(result_of(show, "r1", "e2").votes == 2);
}

TEST_CASE("Relative mode refuses rating polls and rating votes", "[audience]") {
  Show show(small_contest());
  apply_ok(show, StartEntry{"r1", "e1"}, 1000);
  refused(show, OpenPoll{"r1", {"e1"}, 0, PollKind::rating}, ErrorCode::invalid_state);
  const std::string poll = apply_ok(show, OpenPoll{"r1", {"e1", "e2"}, 0}, 1100).poll;
  refused(show, Vote{"phone-1", poll, "e1", {}, 7}, ErrorCode::bad_request);
}

TEST_CASE("A rating evening replays from its ledger payloads identically", "[audience][replay]") {
  const Contest contest = rating_contest(2);
  Show live(contest);
  struct Line {
    Millis at;
    std::string kind, payload;
  };
  std::vector<Line> ledger;
  Millis t = 1'700'000'000'000;
  const auto step = [&](const Command& command) {
    t += 500;
    if (live.apply(command, t)) {
      ledger.push_back({t, command_kind(command), command_payload(command)});
    }
  };
  for (const char* entry : {"e1", "e2", "e3"}) {
    step(StartEntry{"r1", entry});
    step(OpenPoll{"r1", {entry}, 0, PollKind::rating});
    const std::string poll = live.polls().back().id;
    for (int v = 0; v < 7; ++v) {
      step(Vote{"phone-" + std::to_string(v), poll, "", {}, 1 + (v * 3 + entry[1]) % 10});
    }
    step(Vote{"phone-1", poll, "", {}, 3});   // a repeat: not a new ballot
    step(Vote{"phone-9", poll, "", {}, 12});  // refused
    step(ClosePoll{poll});
    for (const char* j : {"j3", "j4", "j5", "j6", "j7"}) {
      step(Score{j, "r1", entry, marks(30 + j[1] - '0', 20.5, 15.25, 8)});
    }
    step(LockScores{"r1", entry, "not every judge scored in this test"});
    step(Reveal{"r1", entry});
  }
  step(ShowScene{"awards", {{"round", "r1"}}});

  Show replayed(contest);
  for (const auto& line : ledger) {
    auto command = command_from_json(line.kind, nlohmann::json::parse(line.payload));
    REQUIRE(command.ok());
    REQUIRE(replayed.apply(command.value(), line.at).ok());
  }
  CHECK(fingerprint(replayed) == fingerprint(live));
  for (const auto& result : live.results("r1")) {
    if (result.entry == "e4") continue;
    CHECK(result.rated);
    CHECK_FALSE(result.provisional);
    CHECK(result.votes == 7);
  }
}
