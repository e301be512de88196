// The show in order: stage, poll, scores, lock, reveal; the phase after each step, the
// scene on the big screen, the judges' panel and the results the show computes.
#include <catch2/catch.hpp>

#include "core/show.hpp"
#include "support.hpp"

using namespace stagevote::core;
using stagevote::core::test::marks;
using stagevote::core::test::run;
using stagevote::core::test::small_contest;

namespace {

using Params = std::map<std::string, std::string>;
using Panel = std::vector<std::pair<std::string, std::string>>;

Outcome apply_ok(Show& show, const Command& command, Millis now) {
  auto result = show.apply(command, now);
  INFO(command_kind(command) << ": " << (result ? "ok" : result.error().message));
  REQUIRE(result.ok());
  return result.value();
}

}  // namespace

TEST_CASE("An entry goes from the stage through a poll and scores to its reveal", "[show]") {
  Show show(small_contest());
  CHECK(show.phase() == Phase::idle);
  CHECK(show.scene().name == "standby");
  CHECK(show.version() == 0);
  CHECK(show.entry_state("r1", "e2").status == EntryStatus::pending);

  auto outcome = apply_ok(show, StartEntry{"r1", "e2"}, 1000);
  CHECK(outcome.state_changed);
  CHECK(show.phase() == Phase::on_stage);
  CHECK(show.on_stage() == std::make_pair(std::string("r1"), std::string("e2")));
  CHECK(show.scene().name == "stage");
  CHECK(show.scene().params == Params{{"round", "r1"}, {"entry", "e2"}});
  CHECK(show.entry_state("r1", "e2").status == EntryStatus::on_stage);
  CHECK(show.entry_state("r1", "e2").started_at == 1000);
  CHECK(show.version() == 1);

  outcome = apply_ok(show, OpenPoll{"r1", {"e2"}, 0}, 2000);
  CHECK(outcome.poll == "p1");
  CHECK(show.phase() == Phase::poll_open);
  CHECK(show.scene().name == "poll");
  CHECK(show.scene().params == Params{{"poll", "p1"}});
  REQUIRE(show.open_poll());
  CHECK(show.open_poll()->entries == std::vector<std::string>{"e2"});
  CHECK(show.open_poll()->opened_at == 2000);
  CHECK(show.open_poll()->closes_at == 0);

  CHECK(apply_ok(show, Vote{"phone-1", "p1", "e2"}, 2100).counted);
  CHECK(apply_ok(show, Vote{"phone-2", "p1", "e2"}, 2200).counted);

  apply_ok(show, Score{"j3", "r1", "e2", marks(36, 27, 18, 9)}, 2300);
  CHECK(show.judge_panel("r1", "e2") == Panel{{"j1", "pending"},
                                              {"j2", "recused"},
                                              {"j3", "scored"},
                                              {"j4", "pending"},
                                              {"j5", "pending"},
                                              {"j6", "pending"},
                                              {"j7", "pending"}});

  apply_ok(show, ClosePoll{"p1"}, 3000);
  CHECK(show.phase() == Phase::poll_closed);
  CHECK(show.scene().name == "poll");  // closing keeps the screen
  CHECK(show.open_poll() == nullptr);
  CHECK(show.find_poll("p1")->closed_at == 3000);
  CHECK(show.votes("r1", "e2") == 2);

  apply_ok(show, LockScores{"r1", "e2", "not every judge scored in this test"}, 4000);
  CHECK(show.phase() == Phase::locked);
  CHECK(show.entry_state("r1", "e2").locked_at == 4000);

  apply_ok(show, Reveal{"r1", "e2"}, 5000);
  CHECK(show.phase() == Phase::revealed);
  CHECK(show.scene().name == "reveal");
  CHECK(show.scene().params == Params{{"round", "r1"}, {"entry", "e2"}});
  CHECK(show.entry_state("r1", "e2").status == EntryStatus::revealed);
  CHECK(show.entry_state("r1", "e2").revealed_at == 5000);
  CHECK(show.version() == 8);

  const auto result = show.result("r1", "e2");
  REQUIRE(result);
  CHECK(result->judge_component == 90);
  CHECK(result->votes == 2);
  CHECK(result->audience_component == 100);
  CHECK(result->final_score == Approx(91).margin(1e-9));
  CHECK(result->rank == 1);
}

TEST_CASE("Starting the entry already on stage again is accepted", "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e1"}, ShowScene{"leaderboard", {{"round", "r1"}}}});
  apply_ok(show, StartEntry{"r1", "e1"}, 9000);
  CHECK(show.scene().name == "stage");
  CHECK(show.entry_state("r1", "e1").started_at == 1000);  // the first start is kept
  CHECK(show.phase() == Phase::on_stage);
}

TEST_CASE("The host may go back to an entry that was on stage but not yet locked", "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e1"}, StartEntry{"r1", "e2"}, StartEntry{"r1", "e1"}});
  CHECK(show.on_stage()->second == "e1");
  CHECK(show.entry_state("r1", "e2").status == EntryStatus::on_stage);
  SECTION("and judges may still score the one that left the stage") {
    apply_ok(show, Score{"j3", "r1", "e2", marks(1, 2, 3, 4)}, 9000);
    CHECK(show.marks("j3", "r1", "e2"));
  }
}

TEST_CASE("Scores are locked while a poll is open, and revealed once it closes", "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e1"}, OpenPoll{"r1", {"e1", "e2"}, 0},
             LockScores{"r1", "e1", "not every judge scored in this test"}});
  CHECK(show.entry_state("r1", "e1").status == EntryStatus::locked);
  CHECK(show.phase() == Phase::poll_open);
  CHECK_FALSE(show.apply(Reveal{"r1", "e1"}, 9000).ok());
  run(show, {ClosePoll{"p1"}, Reveal{"r1", "e1"}}, 10000);
  CHECK(show.phase() == Phase::revealed);
}

TEST_CASE("An entry outside the open poll can be revealed during it", "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e1"}, LockScores{"r1", "e1", "not every judge scored in this test"},
             OpenPoll{"r1", {"e2", "e3"}, 0}});
  apply_ok(show, Reveal{"r1", "e1"}, 9000);
  CHECK(show.entry_state("r1", "e1").status == EntryStatus::revealed);
  CHECK(show.phase() == Phase::poll_open);  // the open poll still comes first
}

TEST_CASE("A judge may revise until the lock and the last revision counts", "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e3"}});
  apply_ok(show, Score{"j1", "r1", "e3", marks(30, 20, 10, 5)}, 2000);
  apply_ok(show, Score{"j1", "r1", "e3", marks(31, 21, 11, 6)}, 3000);
  const auto& revisions = show.revisions("j1", "r1", "e3");
  REQUIRE(revisions.size() == 2);
  CHECK(revisions[0].at == 2000);
  CHECK(revisions[0].marks == marks(30, 20, 10, 5));
  CHECK(revisions[1].at == 3000);
  CHECK_FALSE(revisions[1].correction);
  CHECK(*show.marks("j1", "r1", "e3") == marks(31, 21, 11, 6));
  CHECK(show.result("r1", "e3")->judge_component == 69);
  CHECK(show.marks("j2", "r1", "e3") == nullptr);
  CHECK(show.revisions("j2", "r1", "e3").empty());
}

TEST_CASE("Unlocking with a reason reopens scoring until the next lock", "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e3"}, Score{"j3", "r1", "e3", marks(30, 20, 10, 5)},
             LockScores{"r1", "e3", "not every judge scored in this test"}});
  apply_ok(show, UnlockScores{"r1", "e3", "judge 4 had no signal"}, 9000);
  CHECK(show.entry_state("r1", "e3").status == EntryStatus::on_stage);
  CHECK(show.entry_state("r1", "e3").unlocks == 1);
  CHECK(show.entry_state("r1", "e3").unlock_reason == "judge 4 had no signal");
  apply_ok(show, Score{"j4", "r1", "e3", marks(40, 30, 20, 10)}, 9500);
  apply_ok(show, LockScores{"r1", "e3", "not every judge scored in this test"}, 9600);
  CHECK(show.result("r1", "e3")->judge_component == 82.5);
}

TEST_CASE("A correction after lock replaces the judge's marks and marks the entry amended",
          "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e3"}, Score{"j3", "r1", "e3", marks(30, 20, 10, 5)},
             Score{"j4", "r1", "e3", marks(30, 20, 10, 5)},
             LockScores{"r1", "e3", "not every judge scored in this test"}});
  SECTION("before reveal") {
    apply_ok(show, CorrectScore{"j3", "r1", "e3", marks(35, 20, 10, 5), "typo on 思想内容"}, 9000);
  }
  SECTION("after reveal") {
    run(show, {Reveal{"r1", "e3"}}, 8000);
    apply_ok(show, CorrectScore{"j3", "r1", "e3", marks(35, 20, 10, 5), "typo on 思想内容"}, 9000);
    CHECK(show.entry_state("r1", "e3").status == EntryStatus::revealed);
  }
  CHECK(show.entry_state("r1", "e3").amended);
  const auto& revisions = show.revisions("j3", "r1", "e3");
  REQUIRE(revisions.size() == 2);
  CHECK(revisions[1].correction);
  CHECK(revisions[1].reason == "typo on 思想内容");
  CHECK(revisions[1].at == 9000);
  CHECK(show.result("r1", "e3")->judge_component == 67.5);
}

TEST_CASE("A judge who never scored an entry can be given marks by correction", "[show]") {
  Show show(small_contest());
  run(show, {StartEntry{"r1", "e3"}, LockScores{"r1", "e3", "not every judge scored in this test"},
             CorrectScore{"j5", "r1", "e3", marks(10, 10, 10, 10), "scored on paper"}});
  CHECK(show.result("r1", "e3")->judge_component == 40);
}

TEST_CASE("Results of a round use current marks of non-recused judges and all its votes",
          "[show]") {
  Show show(small_contest());
  // e1 (unit U1): j1 is recused. Five judges score it: trimming applies.
  run(show,
      {StartEntry{"r1", "e1"}, Score{"j2", "r1", "e1", marks(40, 30, 20, 10)},  // 100: dropped high
       Score{"j3", "r1", "e1", marks(30, 20, 10, 5)},                           // 65: dropped low
       Score{"j4", "r1", "e1", marks(35, 25, 15, 5)},                           // 80
       Score{"j5", "r1", "e1", marks(36, 26, 16, 6)},                           // 84
       Score{"j6", "r1", "e1", marks(34, 24, 14, 4)},                           // 76
       LockScores{"r1", "e1", "not every judge scored in this test"}, StartEntry{"r1", "e2"},
       Score{"j3", "r1", "e2", marks(38, 28, 18, 8)},  // 92
       OpenPoll{"r1", {"e1", "e2"}, 0}, Vote{"a", "p1", "e1"}, Vote{"b", "p1", "e2"},
       Vote{"c", "p1", "e2"}, ClosePoll{"p1"}, OpenPoll{"r1", {"e1"}, 0},
       Vote{"a", "p2", "e1"},  // a new poll: the same phone votes again
       Vote{"d", "p2", "e1"}, ClosePoll{"p2"}});
  CHECK(show.votes("r1", "e1") == 3);
  CHECK(show.votes("r1", "e2") == 2);
  CHECK(show.votes("r2", "e1") == 0);  // the same entry in another round has its own votes

  const auto results = show.results("r1");
  REQUIRE(results.size() == 4);
  const EntryResult& first = results[0];
  CHECK(first.entry == "e2");
  CHECK(first.judge_component == 92);
  CHECK(first.audience_component == Approx(200.0 / 3).margin(1e-8));
  const EntryResult& second = results[1];
  CHECK(second.entry == "e1");
  REQUIRE(second.judge_scores.size() == 5);  // j1 recused, j7 missing
  CHECK(second.judge_scores[0].judge == "j2");
  CHECK(second.judge_scores[0].dropped);
  CHECK(second.judge_scores[1].dropped);
  CHECK(second.judge_component == 80);
  CHECK(second.plain_mean == 81);
  CHECK(second.audience_component == 100);
  CHECK(second.final_score == Approx(82).margin(1e-9));
  // e3 and e4: nobody scored, nobody voted: tied, in running order.
  CHECK(results[2].entry == "e3");
  CHECK(results[3].entry == "e4");
  CHECK(results[2].rank == 3);
  CHECK(results[3].rank == 3);
  CHECK_FALSE(results[2].judge_component.has_value());

  CHECK(show.results("nope").empty());
  CHECK_FALSE(show.result("r1", "e5").has_value());

  // Awards go to revealed entries only: nothing is revealed yet.
  CHECK(show.awards("r1").empty());
  run(show, {LockScores{"r1", "e2", "not every judge scored in this test"}, Reveal{"r1", "e1"},
             Reveal{"r1", "e2"}});
  const auto awards = show.awards("r1");
  REQUIRE(awards.size() == 3);
  CHECK(awards[0].award == "first");
  CHECK(awards[0].entry == "e2");
  CHECK(awards[1].award == "second");  // rank 2 among the revealed entries: one first prize
  CHECK(awards[1].entry == "e1");
  CHECK(awards.back().award == "popularity");
  CHECK(awards.back().entry == "e1");
  for (const auto& award : awards) CHECK((award.entry == "e1" || award.entry == "e2"));
}

TEST_CASE("A poll with a duration closes at its deadline", "[show]") {
  Show show(small_contest());
  run(show, {OpenPoll{"r2", {"e5", "e6", "e1"}, 30000}}, 5000);
  const Poll* poll = show.open_poll();
  REQUIRE(poll);
  CHECK(poll->closes_at == 35000);
  CHECK(show.expired_polls(34999).empty());
  CHECK(show.expired_polls(35000) == std::vector<std::string>{"p1"});
  run(show, {ClosePoll{"p1"}}, 35000);
  CHECK(show.expired_polls(40000).empty());
}

TEST_CASE("Polls are numbered in opening order", "[show]") {
  Show show(small_contest());
  run(show,
      {OpenPoll{"r1", {"e1"}, 0}, ClosePoll{"p1"}, OpenPoll{"r2", {"e5"}, 0}, ClosePoll{"p2"}});
  CHECK(apply_ok(show, OpenPoll{"r1", {"e2"}, 0}, 9000).poll == "p3");
  REQUIRE(show.polls().size() == 3);
  CHECK(show.find_poll("p2")->round == "r2");
  CHECK(show.find_poll("p4") == nullptr);
}

TEST_CASE("The host may put any known scene on the screen with its params", "[show]") {
  const auto scene = GENERATE(as<std::string>{}, "standby", "order", "stage", "poll", "reveal",
                              "leaderboard", "awards", "commentary", "message", "blackout");
  Show show(small_contest());
  const Params params{{"text", "欢迎"}, {"round", "r1"}};
  apply_ok(show, ShowScene{scene, params}, 1000);
  CHECK(show.scene().name == scene);
  CHECK(show.scene().params == params);
  CHECK(show.version() == 1);
}

TEST_CASE("Drawing the order reorders a round before it starts", "[show][draw]") {
  Show show(small_contest());
  apply_ok(show, DrawOrder{"r1", 7}, 1000);
  const auto drawn = show.running_order("r1");
  CHECK(drawn == draw_order({"e1", "e2", "e3", "e4"}, 7));
  CHECK(show.contest().find_round("r1")->entries == drawn);
  CHECK(show.scene().name == "order");
  CHECK(show.scene().params == Params{{"round", "r1"}});
  SECTION("drawing again with the same seed gives the same order") {
    apply_ok(show, DrawOrder{"r1", 7}, 2000);
    CHECK(show.running_order("r1") == drawn);
  }
  SECTION("results follow the drawn order for ties") {
    const auto results = show.results("r1");
    REQUIRE(results.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) CHECK(results[i].entry == drawn[i]);
  }
  SECTION("the other round is untouched") {
    CHECK(show.running_order("r2") == std::vector<std::string>{"e5", "e6", "e1"});
  }
  CHECK(show.running_order("nope").empty());
}

TEST_CASE("The phase follows the entry on stage", "[show]") {
  Show show(small_contest());
  CHECK(show.phase() == Phase::idle);
  SECTION("a poll opened with nothing on stage is still the host's next step") {
    run(show, {OpenPoll{"r1", {"e1", "e2"}, 0}});
    CHECK(show.phase() == Phase::poll_open);
    run(show, {ClosePoll{"p1"}}, 5000);
    CHECK(show.phase() == Phase::idle);
  }
  SECTION("a closed poll over another entry does not count for the one on stage") {
    run(show, {OpenPoll{"r1", {"e2"}, 0}, ClosePoll{"p1"}, StartEntry{"r1", "e1"}});
    CHECK(show.phase() == Phase::on_stage);
  }
  SECTION("a closed poll of another round does not count either") {
    run(show, {OpenPoll{"r2", {"e1"}, 0}, ClosePoll{"p1"}, StartEntry{"r1", "e1"}});
    CHECK(show.phase() == Phase::on_stage);
  }
  SECTION("phase names") {
    CHECK(std::string(to_string(Phase::poll_closed)) == "poll_closed");
    CHECK(std::string(to_string(EntryStatus::on_stage)) == "on_stage");
  }
}

TEST_CASE("Unknown ids read as nothing happened", "[show]") {
  Show show(small_contest());
  CHECK(show.entry_state("r9", "e9").status == EntryStatus::pending);
  CHECK(show.votes("r9", "e1") == 0);
  CHECK(show.marks("j9", "r1", "e1") == nullptr);
  CHECK(show.find_poll("p1") == nullptr);
  CHECK(show.judge_panel("r1", "e9").size() == 7);
}

TEST_CASE("A judge's reissued token is the latest hash, at any point of the show", "[show]") {
  Show show(small_contest());
  CHECK(show.token_reissue("j3") == nullptr);
  const std::string first(64, 'a'), second(64, 'b');
  run(show, {StartEntry{"r1", "e1"}, ReissueJudgeToken{"j3", first}}, 1000);
  REQUIRE(show.token_reissue("j3"));
  CHECK(show.token_reissue("j3")->token_sha256 == first);
  CHECK(show.token_reissue("j3")->count == 1);
  run(show,
      {LockScores{"r1", "e1", "not every judge scored in this test"},
       ReissueJudgeToken{"j3", second}},
      5000);
  CHECK(show.token_reissue("j3")->token_sha256 == second);
  CHECK(show.token_reissue("j3")->count == 2);
  CHECK(show.token_reissue("j3")->at == 6000);
  CHECK(show.token_reissue("j4") == nullptr);
  // The judge's marks and standing are the judge's, whatever the card.
  CHECK(show.judge_panel("r1", "e1").size() == 7);
  CHECK(show.version() == 4);
}
