// Advancement (晋级): the top of a played round joins the next round, a tie at the cut waits
// for the host, and the ledger replays to the same line-up.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/codec.hpp"
#include "core/show.hpp"
#include "support.hpp"

using namespace stagevote::core;
using stagevote::core::test::fingerprint;
using stagevote::core::test::marks;
using stagevote::core::test::small_contest;

namespace {

using Ids = std::vector<std::string>;

// The small contest with ten entries in a preliminary "pre" (p01..p10) and a final "fin"
// imported with no entries, as an organiser's file for a contest that advances.
Contest two_round_contest() {
  Contest c = small_contest();
  Round pre{"pre", "初赛", {}};
  for (int i = 1; i <= 10; ++i) {
    const std::string id = (i < 10 ? "p0" : "p") + std::to_string(i);
    c.entries.push_back({id, "Entry " + id, "U3", "drama", "service"});
    pre.entries.push_back(id);
  }
  c.rounds.push_back(std::move(pre));
  c.rounds.push_back({"fin", "决赛", {}});
  REQUIRE_FALSE(validate(c));
  return c;
}

// Applies a command that must succeed, at increasing times.
struct Stage {
  Show show{two_round_contest()};
  Millis now = 1'700'000'000'000;
  std::vector<std::pair<Millis, Command>> ledger;  // what succeeded, for replay

  Result<Outcome> apply(const Command& command) {
    auto result = show.apply(command, now += 1000);
    if (result) ledger.emplace_back(now, command);
    return result;
  }
  void ok(const Command& command) {
    auto result = apply(command);
    INFO(command_kind(command) << ": " << (result ? "ok" : result.error().message));
    REQUIRE(result.ok());
  }
  // An entry performs: three judges give it `total` (35 + x, x the first criterion), locked and
  // revealed. With no votes the final is 0.9 * total.
  void perform(const std::string& round, const std::string& entry, double total) {
    ok(StartEntry{round, entry});
    for (const char* judge : {"j3", "j4", "j5"}) {
      ok(Score{judge, round, entry, marks(total - 35, 20, 10, 5)});
    }
    ok(LockScores{round, entry, "not every judge scored in this test"});
    ok(Reveal{round, entry});
  }
  // Every entry of "pre" performs; p01 best, p10 worst, unless `totals` says otherwise. Then
  // the round's audience vote is closed (relative mode: its results are final), unless
  // `close_audience` is false.
  void play_pre(const std::vector<double>& totals, bool close_audience = true) {
    for (std::size_t i = 0; i < totals.size(); ++i) {
      perform("pre", show.running_order("pre")[i], totals[i]);
    }
    if (close_audience) ok(CloseAudience{"pre"});
  }
};

const std::vector<double> kDistinct{75, 74, 73, 72, 71, 70, 69, 68, 67, 66};
// p06 and p07 share rank 6; p05 is 5th, p08 8th.
const std::vector<double> kTiedAtSix{75, 74, 73, 72, 71, 70, 70, 68, 67, 66};

ErrorCode code_of(const Result<Outcome>& result) {
  REQUIRE_FALSE(result.ok());
  return result.error().code;
}

}  // namespace

TEST_CASE("The top six of a played round advance into an empty final", "[advance]") {
  Stage s;
  s.play_pre(kDistinct);
  CHECK(s.show.running_order("fin").empty());

  const auto version = s.show.version();
  s.ok(Advance{"pre", "fin", 6});
  CHECK(s.show.version() == version + 1);
  CHECK(s.show.running_order("fin") == Ids{"p01", "p02", "p03", "p04", "p05", "p06"});
  REQUIRE(s.show.advanced("fin").size() == 1);
  CHECK(s.show.advanced("fin")[0].from == "pre");
  CHECK(s.show.advanced("fin")[0].reason.empty());
  // The preliminary stays as it was played.
  CHECK(s.show.running_order("pre").size() == 10);
  CHECK(s.show.entry_state("pre", "p01").status == EntryStatus::revealed);

  // The final is a round like any other: drawn, then played from the start.
  s.ok(DrawOrder{"fin", 42});
  Ids drawn = s.show.running_order("fin");
  CHECK(drawn == draw_order({"p01", "p02", "p03", "p04", "p05", "p06"}, 42));
  CHECK(s.show.entry_state("fin", drawn[0]).status == EntryStatus::pending);
  s.perform("fin", drawn[0], 60);
  CHECK(s.show.entry_state("fin", drawn[0]).status == EntryStatus::revealed);
  CHECK(s.show.results("fin").size() == 6);
}

TEST_CASE("An advance replaces the imported line-up of a round that has not started", "[advance]") {
  Stage s;
  s.play_pre(kDistinct);
  // r2 was imported with e5, e6, e1: the advance replaces them.
  s.ok(Advance{"pre", "r2", 3});
  CHECK(s.show.running_order("r2") == Ids{"p01", "p02", "p03"});
  // Advancing again from the same round before the draw corrects the count.
  s.ok(Advance{"pre", "r2", 4});
  CHECK(s.show.running_order("r2") == Ids{"p01", "p02", "p03", "p04"});
  CHECK(s.show.advanced("r2").size() == 1);
}

TEST_CASE("Entries never performed do not advance", "[advance]") {
  Stage s;
  // p10 withdrew: it never went on stage. The round is finished without it.
  for (std::size_t i = 0; i < 9; ++i) s.perform("pre", s.show.running_order("pre")[i], 60 + i);
  s.ok(CloseAudience{"pre"});
  s.ok(Advance{"pre", "fin", 9});
  const Ids final_order = s.show.running_order("fin");
  CHECK(final_order.size() == 9);
  CHECK(std::find(final_order.begin(), final_order.end(), "p10") == final_order.end());
  CHECK(final_order.front() == "p09");  // the best total
}

TEST_CASE("A tie at the cut waits for the host, who resolves it with a reason", "[advance]") {
  Stage s;
  s.play_pre(kTiedAtSix);
  const auto version = s.show.version();

  auto refused = s.apply(Advance{"pre", "fin", 6});
  REQUIRE(code_of(refused) == ErrorCode::tie_at_cut);
  CHECK(refused.error().entries == Ids{"p06", "p07"});
  CHECK(std::string(to_string(ErrorCode::tie_at_cut)) == "tie_at_cut");
  CHECK(error_code_from_string("tie_at_cut") == ErrorCode::tie_at_cut);
  INFO(refused.error().message);
  CHECK(refused.error().message.find("p06, p07") != std::string::npos);
  // Nothing changed.
  CHECK(s.show.version() == version);
  CHECK(s.show.running_order("fin").empty());

  SECTION("include without a reason is refused") {
    CHECK(code_of(s.apply(Advance{"pre", "fin", 6, {"p07"}, ""})) == ErrorCode::bad_request);
  }
  SECTION("include of an entry that is not tied is refused") {
    CHECK(code_of(s.apply(Advance{"pre", "fin", 6, {"p08"}, "why not"})) == ErrorCode::bad_request);
    CHECK(code_of(s.apply(Advance{"pre", "fin", 6, {"p05"}, "why not"})) == ErrorCode::bad_request);
  }
  SECTION("include must fill the places left, or take every tied entry") {
    CHECK(code_of(s.apply(Advance{"pre", "fin", 5, {"p06"}, "5 places"})) ==
          ErrorCode::bad_request);  // no tie at 5
    CHECK(code_of(s.apply(Advance{"pre", "fin", 6, {"p06", "p06"}, "twice"})) ==
          ErrorCode::bad_request);
  }
  SECTION("one of the tied entries goes through") {
    s.ok(Advance{"pre", "fin", 6, {"p07"}, "评审组复议：p07 现场效果更好"});
    CHECK(s.show.running_order("fin") == Ids{"p01", "p02", "p03", "p04", "p05", "p07"});
    REQUIRE(s.show.advanced("fin").size() == 1);
    CHECK(s.show.advanced("fin")[0].reason == "评审组复议：p07 现场效果更好");
  }
  SECTION("the host takes every tied entry, one more than the count") {
    s.ok(Advance{"pre", "fin", 6, {"p06", "p07"}, "并列第六，均晋级"});
    CHECK(s.show.running_order("fin") == Ids{"p01", "p02", "p03", "p04", "p05", "p06", "p07"});
  }
  SECTION("a tie inside the advancing set is no tie at the cut") {
    CHECK(s.apply(Advance{"pre", "fin", 7}).ok());
    CHECK(s.show.running_order("fin").size() == 7);
  }
}

TEST_CASE("Replaying the ledger of an advance gives the same final", "[advance][replay]") {
  Stage s;
  s.play_pre(kTiedAtSix);
  REQUIRE_FALSE(s.apply(Advance{"pre", "fin", 6}).ok());  // refused: never written
  s.ok(Advance{"pre", "fin", 6, {"p06"}, "抽签决定"});
  s.ok(DrawOrder{"fin", 7});
  s.perform("fin", s.show.running_order("fin")[0], 70);

  Show restored(two_round_contest());
  for (const auto& [at, command] : s.ledger) {
    const auto payload = nlohmann::json::parse(command_to_json(command).dump());
    const auto read = command_from_json(command_kind(command), payload);
    REQUIRE(read.ok());
    REQUIRE(restored.apply(read.value(), at).ok());
  }
  CHECK(restored.running_order("fin") == s.show.running_order("fin"));
  CHECK(restored.advanced("fin")[0].reason == "抽签决定");
  CHECK(fingerprint(restored) == fingerprint(s.show));
}

TEST_CASE("Advance is refused, changing nothing, when the rounds are not ready", "[advance]") {
  Stage s;
  SECTION("unknown rounds") {
    s.play_pre(kDistinct);
    CHECK(code_of(s.apply(Advance{"nope", "fin", 3})) == ErrorCode::not_found);
    CHECK(code_of(s.apply(Advance{"pre", "nope", 3})) == ErrorCode::not_found);
    CHECK(code_of(s.apply(Advance{"pre", "pre", 3})) == ErrorCode::bad_request);
  }
  SECTION("count out of range") {
    s.play_pre(kDistinct);
    CHECK(code_of(s.apply(Advance{"pre", "fin", 0})) == ErrorCode::out_of_range);
    CHECK(code_of(s.apply(Advance{"pre", "fin", -1})) == ErrorCode::out_of_range);
    CHECK(code_of(s.apply(Advance{"pre", "fin", 11})) == ErrorCode::out_of_range);
    CHECK(s.apply(Advance{"pre", "fin", 10}).ok());
  }
  SECTION("from not finished: an entry on stage, or locked and not revealed") {
    s.play_pre({75, 74, 73});
    s.ok(StartEntry{"pre", s.show.running_order("pre")[3]});
    CHECK(code_of(s.apply(Advance{"pre", "fin", 2})) == ErrorCode::invalid_state);
    s.ok(LockScores{"pre", s.show.running_order("pre")[3], "not every judge scored in this test"});
    CHECK(code_of(s.apply(Advance{"pre", "fin", 2})) == ErrorCode::invalid_state);
  }
  SECTION("from with a poll still open") {
    s.play_pre(kDistinct, false);
    s.ok(OpenPoll{"pre", {"p01", "p02"}, 0});
    CHECK(code_of(s.apply(Advance{"pre", "fin", 2})) == ErrorCode::invalid_state);
  }
  SECTION("from's audience vote still open: its results are provisional (relative mode)") {
    s.play_pre(kDistinct, false);
    CHECK(s.show.results("pre").front().provisional);
    CHECK(code_of(s.apply(Advance{"pre", "fin", 2})) == ErrorCode::invalid_state);
    s.ok(CloseAudience{"pre"});
    CHECK_FALSE(s.show.results("pre").front().provisional);
    CHECK(s.apply(Advance{"pre", "fin", 2}).ok());
  }
  SECTION("from with nothing revealed") {
    CHECK(code_of(s.apply(Advance{"pre", "fin", 2})) == ErrorCode::invalid_state);
  }
  SECTION("to already started") {
    s.play_pre(kDistinct);
    s.ok(Advance{"pre", "fin", 6});
    s.ok(StartEntry{"fin", "p03"});
    CHECK(code_of(s.apply(Advance{"pre", "fin", 5})) == ErrorCode::invalid_state);
    CHECK(s.show.running_order("fin").size() == 6);
  }
  SECTION("to already drawn") {
    s.play_pre(kDistinct);
    s.ok(Advance{"pre", "fin", 6});
    s.ok(DrawOrder{"fin", 1});
    CHECK(code_of(s.apply(Advance{"pre", "fin", 5})) == ErrorCode::invalid_state);
  }
  SECTION("to with a poll") {
    s.play_pre(kDistinct);
    // r2 holds its imported entries and has had a poll.
    s.ok(OpenPoll{"r2", {"e5"}, 0});
    s.ok(ClosePoll{"p1"});
    CHECK(code_of(s.apply(Advance{"pre", "r2", 3})) == ErrorCode::invalid_state);
  }
}

TEST_CASE("An advance's ledger record reads back as written", "[advance][codec]") {
  const Command command = Advance{"pre", "fin", 6, {"p06"}, "并列"};
  const auto payload = command_to_json(command);
  CHECK(
      payload ==
      nlohmann::json{
          {"from", "pre"}, {"to", "fin"}, {"count", 6}, {"include", {"p06"}}, {"reason", "并列"}});
  CHECK(std::string(command_kind(command)) == "advance");
  const auto read = command_from_json("advance", payload);
  REQUIRE(read.ok());
  const auto& advance = std::get<Advance>(read.value());
  CHECK(advance.include == Ids{"p06"});
  CHECK(advance.reason == "并列");

  CHECK(command_to_json(Advance{"pre", "fin", 6}) ==
        nlohmann::json{{"from", "pre"}, {"to", "fin"}, {"count", 6}});
  CHECK(command_from_json(
            "advance",
            {{"from", "pre"}, {"to", "fin"}, {"count", 6}, {"include", nlohmann::json::array()}})
            .ok());
  CHECK(command_from_json("advance", {{"from", "pre"}, {"to", "fin"}}).error().code ==
        ErrorCode::bad_request);
  CHECK(
      command_from_json("advance", {{"from", "pre"}, {"to", "fin"}, {"count", "6"}}).error().code ==
      ErrorCode::bad_request);
  CHECK(command_from_json("advance",
                          {{"from", "pre"}, {"to", "fin"}, {"count", 6}, {"include", "p06"}})
            .error()
            .code == ErrorCode::bad_request);
}
