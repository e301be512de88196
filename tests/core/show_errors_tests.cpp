// Every step out of order, or naming what does not exist, gets its typed error and leaves
// the show exactly as it was: same version, same everything observable.
#include <catch2/catch.hpp>
#include <functional>
#include <limits>

#include "core/show.hpp"
#include "support.hpp"

using namespace stagevote::core;
using stagevote::core::test::fingerprint;
using stagevote::core::test::marks;
using stagevote::core::test::run;
using stagevote::core::test::small_contest;

namespace {

struct Case {
  const char* name;
  std::function<void(Show&)> setup;  // brings the show to the state under test
  Command command;                   // the step that must fail
  ErrorCode code;
};

void none(Show&) {}
void started(Show& s) {
  run(s, {StartEntry{"r1", "e1"}});
}
void scored(Show& s) {
  run(s, {StartEntry{"r1", "e1"}, Score{"j3", "r1", "e1", marks(1, 1, 1, 1)}});
}
void locked(Show& s) {
  run(s, {StartEntry{"r1", "e1"}, LockScores{"r1", "e1", "not every judge scored in this test"}});
}
void revealed(Show& s) {
  run(s, {StartEntry{"r1", "e1"}, LockScores{"r1", "e1", "not every judge scored in this test"},
          Reveal{"r1", "e1"}});
}
void polling(Show& s) {
  run(s, {StartEntry{"r1", "e1"}, OpenPoll{"r1", {"e1", "e2"}, 0}});
}
void polled(Show& s) {
  run(s, {StartEntry{"r1", "e1"}, OpenPoll{"r1", {"e1", "e2"}, 0}, ClosePoll{"p1"}});
}
void timed_poll(Show& s) {
  run(s, {OpenPoll{"r1", {"e1", "e2"}, 5000}}, 1000);
}  // closes 6000
void locked_polling(Show& s) {
  run(s, {StartEntry{"r1", "e1"}, LockScores{"r1", "e1", "not every judge scored in this test"},
          OpenPoll{"r1", {"e1", "e2"}, 0}});
}

const Marks kGood = marks(30, 20, 10, 5);

}  // namespace

TEST_CASE("A step out of order is refused with its code and changes nothing", "[show][errors]") {
  const auto k = GENERATE_COPY(values<Case>({
      // start_entry
      {"start: unknown round", none, StartEntry{"r9", "e1"}, ErrorCode::not_found},
      {"start: unknown entry", none, StartEntry{"r1", "e9"}, ErrorCode::not_found},
      {"start: entry of another round", none, StartEntry{"r1", "e5"}, ErrorCode::not_found},
      {"start: while a poll is open", polling, StartEntry{"r1", "e2"}, ErrorCode::invalid_state},
      {"start: a locked entry", locked, StartEntry{"r1", "e1"}, ErrorCode::invalid_state},
      {"start: a revealed entry", revealed, StartEntry{"r1", "e1"}, ErrorCode::invalid_state},
      // open_poll
      {"poll: unknown round", none, OpenPoll{"r9", {"e1"}, 0}, ErrorCode::not_found},
      {"poll: no entries", none, OpenPoll{"r1", {}, 0}, ErrorCode::bad_request},
      {"poll: an entry twice", none, OpenPoll{"r1", {"e1", "e2", "e1"}, 0}, ErrorCode::bad_request},
      {"poll: entry of another round", none, OpenPoll{"r1", {"e1", "e5"}, 0}, ErrorCode::not_found},
      {"poll: unknown entry", none, OpenPoll{"r1", {"e9"}, 0}, ErrorCode::not_found},
      {"poll: negative duration", none, OpenPoll{"r1", {"e1"}, -1}, ErrorCode::bad_request},
      {"poll: another still open", polling, OpenPoll{"r1", {"e3"}, 0}, ErrorCode::invalid_state},
      {"poll: another open past its deadline", timed_poll, OpenPoll{"r1", {"e3"}, 0},
       ErrorCode::invalid_state},
      // close_poll
      {"close: unknown poll", none, ClosePoll{"p1"}, ErrorCode::not_found},
      {"close: already closed", polled, ClosePoll{"p1"}, ErrorCode::invalid_state},
      // vote
      {"vote: unknown poll", polling, Vote{"d1", "p9", "e1"}, ErrorCode::poll_closed},
      {"vote: no poll ever", none, Vote{"d1", "p1", "e1"}, ErrorCode::poll_closed},
      {"vote: closed poll", polled, Vote{"d1", "p1", "e1"}, ErrorCode::poll_closed},
      {"vote: at the deadline", timed_poll, Vote{"d1", "p1", "e1"}, ErrorCode::poll_closed},
      {"vote: entry not in the poll", polling, Vote{"d1", "p1", "e3"}, ErrorCode::invalid_choice},
      {"vote: unknown entry", polling, Vote{"d1", "p1", "e9"}, ErrorCode::invalid_choice},
      {"vote: no device", polling, Vote{"", "p1", "e1"}, ErrorCode::bad_request},
      // score
      {"score: unknown judge", started, Score{"j9", "r1", "e1", kGood}, ErrorCode::not_found},
      {"score: unknown round", started, Score{"j3", "r9", "e1", kGood}, ErrorCode::not_found},
      {"score: entry not in round", started, Score{"j3", "r1", "e5", kGood}, ErrorCode::not_found},
      {"score: recused judge", started, Score{"j1", "r1", "e1", kGood}, ErrorCode::recused},
      {"score: locked entry", locked, Score{"j3", "r1", "e1", kGood}, ErrorCode::locked},
      {"score: revealed entry", revealed, Score{"j3", "r1", "e1", kGood}, ErrorCode::locked},
      {"score: entry never on stage", started, Score{"j3", "r1", "e2", kGood},
       ErrorCode::invalid_state},
      {"score: mark above max", started, Score{"j3", "r1", "e1", marks(41, 20, 10, 5)},
       ErrorCode::out_of_range},
      {"score: negative mark", scored, Score{"j3", "r1", "e1", marks(30, -1, 10, 5)},
       ErrorCode::out_of_range},
      {"score: too many decimals", started, Score{"j3", "r1", "e1", marks(30, 20.125, 10, 5)},
       ErrorCode::out_of_range},
      {"score: NaN", started,
       Score{"j3", "r1", "e1", marks(std::numeric_limits<double>::quiet_NaN(), 20, 10, 5)},
       ErrorCode::out_of_range},
      {"score: missing criterion", started, Score{"j3", "r1", "e1", {{"c1", 30}}},
       ErrorCode::bad_request},
      {"score: unknown criterion", started,
       Score{"j3", "r1", "e1", {{"c1", 1}, {"c2", 1}, {"c3", 1}, {"c4", 1}, {"c5", 1}}},
       ErrorCode::bad_request},
      // lock_scores
      {"lock: never on stage", none, LockScores{"r1", "e1", "not every judge scored in this test"},
       ErrorCode::invalid_state},
      {"lock: already locked", locked,
       LockScores{"r1", "e1", "not every judge scored in this test"}, ErrorCode::invalid_state},
      {"lock: revealed", revealed, LockScores{"r1", "e1", "not every judge scored in this test"},
       ErrorCode::invalid_state},
      {"lock: unknown entry", started,
       LockScores{"r1", "e9", "not every judge scored in this test"}, ErrorCode::not_found},
      {"lock: unknown round", started,
       LockScores{"r9", "e1", "not every judge scored in this test"}, ErrorCode::not_found},
      // unlock_scores
      {"unlock: not locked", started, UnlockScores{"r1", "e1", "why"}, ErrorCode::invalid_state},
      {"unlock: never on stage", none, UnlockScores{"r1", "e1", "why"}, ErrorCode::invalid_state},
      {"unlock: after reveal", revealed, UnlockScores{"r1", "e1", "why"}, ErrorCode::invalid_state},
      {"unlock: no reason", locked, UnlockScores{"r1", "e1", ""}, ErrorCode::bad_request},
      {"unlock: unknown entry", locked, UnlockScores{"r1", "e9", "why"}, ErrorCode::not_found},
      // reveal
      {"reveal: never on stage", none, Reveal{"r1", "e1"}, ErrorCode::invalid_state},
      {"reveal: not locked", scored, Reveal{"r1", "e1"}, ErrorCode::invalid_state},
      {"reveal: twice", revealed, Reveal{"r1", "e1"}, ErrorCode::invalid_state},
      {"reveal: its poll is open", locked_polling, Reveal{"r1", "e1"}, ErrorCode::invalid_state},
      {"reveal: unknown entry", locked, Reveal{"r1", "e9"}, ErrorCode::not_found},
      {"reveal: unknown round", locked, Reveal{"r9", "e1"}, ErrorCode::not_found},
      // show
      {"show: unknown scene", none, ShowScene{"fireworks", {}}, ErrorCode::bad_request},
      {"show: empty scene", started, ShowScene{"", {}}, ErrorCode::bad_request},
      {"show: scene names are exact", none, ShowScene{"Stage", {}}, ErrorCode::bad_request},
      // reissue_judge_token
      {"reissue: unknown judge", none, ReissueJudgeToken{"j9", std::string(64, 'a')},
       ErrorCode::not_found},
      {"reissue: no hash (the engine makes the token)", none, ReissueJudgeToken{"j3"},
       ErrorCode::bad_request},
      {"reissue: a hash in capitals", none, ReissueJudgeToken{"j3", std::string(64, 'A')},
       ErrorCode::bad_request},
      {"reissue: a short hash", started, ReissueJudgeToken{"j3", std::string(63, 'a')},
       ErrorCode::bad_request},
      // draw_order
      {"draw: unknown round", none, DrawOrder{"r9", 1}, ErrorCode::not_found},
      {"draw: no seed (the engine draws one)", none, DrawOrder{"r1", std::nullopt},
       ErrorCode::bad_request},
      {"draw: round has started", started, DrawOrder{"r1", 1}, ErrorCode::invalid_state},
      {"draw: an entry was locked", locked, DrawOrder{"r1", 1}, ErrorCode::invalid_state},
      // correct_score
      {"correct: before lock", scored, CorrectScore{"j3", "r1", "e1", kGood, "typo"},
       ErrorCode::invalid_state},
      {"correct: never on stage", none, CorrectScore{"j3", "r1", "e1", kGood, "typo"},
       ErrorCode::invalid_state},
      {"correct: no reason", locked, CorrectScore{"j3", "r1", "e1", kGood, ""},
       ErrorCode::bad_request},
      {"correct: recused judge", locked, CorrectScore{"j1", "r1", "e1", kGood, "typo"},
       ErrorCode::recused},
      {"correct: bad marks", locked, CorrectScore{"j3", "r1", "e1", marks(30, 20, 10, 11), "typo"},
       ErrorCode::out_of_range},
      {"correct: unknown judge", locked, CorrectScore{"j9", "r1", "e1", kGood, "typo"},
       ErrorCode::not_found},
      {"correct: unknown entry", locked, CorrectScore{"j3", "r1", "e9", kGood, "typo"},
       ErrorCode::not_found},
  }));
  CAPTURE(k.name);
  Show show(small_contest());
  k.setup(show);
  const std::string before = fingerprint(show);
  const std::uint64_t version = show.version();

  const auto result = show.apply(k.command, 50000);
  REQUIRE_FALSE(result.ok());
  CHECK(to_string(result.error().code) == std::string(to_string(k.code)));
  CHECK_FALSE(result.error().message.empty());
  CHECK(show.version() == version);
  CHECK(fingerprint(show) == before);
}
