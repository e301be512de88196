// The server restores a show by replaying its ledger: the same commands applied to a fresh
// Show, after a round trip through the ledger's JSON payloads, must rebuild it exactly.
#include <catch2/catch.hpp>

#include "core/codec.hpp"
#include "core/show.hpp"
#include "support.hpp"

using namespace stagevote::core;
using stagevote::core::test::fingerprint;
using stagevote::core::test::marks;
using stagevote::core::test::small_contest;

namespace {

struct LedgerLine {
  Millis at;
  std::string kind;
  std::string payload;  // JSON text, as stored
};

// A whole evening, with refused steps and repeated ballots mixed in as the real thing has.
std::vector<std::pair<Millis, Command>> evening() {
  std::vector<std::pair<Millis, Command>> script;
  Millis t = 1'700'000'000'000;
  auto at = [&](Command c) { script.emplace_back(t += 750, std::move(c)); };
  at(ShowScene{"standby", {{"text", "欢迎"}}});
  at(DrawOrder{"r1", 20240601});
  at(DrawOrder{"r1", 20240602});  // redrawn before the start
  at(StartEntry{"r1", "e1"});
  at(OpenPoll{"r1", {"e1"}, 60000});
  for (int i = 0; i < 40; ++i) at(Vote{"phone" + std::to_string(i % 25), "p1", "e1"});
  at(Reveal{"r1", "e1"});  // refused: not locked
  for (const char* j : {"j2", "j3", "j4", "j5", "j6", "j7"}) {
    at(Score{j, "r1", "e1", marks(30 + j[1] - '0', 20.5, 15.25, 8)});
  }
  at(Score{"j1", "r1", "e1", marks(40, 30, 20, 10)});  // refused: recused
  at(Score{"j4", "r1", "e1", marks(39, 29, 19, 9)});   // a revision
  at(ClosePoll{"p1"});
  at(LockScores{"r1", "e1", "not every judge scored in this test"});
  at(UnlockScores{"r1", "e1", "j7 pressed the wrong key"});
  at(Score{"j7", "r1", "e1", marks(35, 25, 15, 5)});
  at(LockScores{"r1", "e1", "not every judge scored in this test"});
  at(Reveal{"r1", "e1"});
  at(CorrectScore{"j3", "r1", "e1", marks(33, 20.5, 15.25, 8), "paper sheet differs"});
  at(StartEntry{"r1", "e2"});
  at(Score{"j3", "r1", "e2", marks(38.75, 28, 18, 9.5)});
  at(OpenPoll{"r1", {"e1", "e2", "e3", "e4"}, 0});
  for (int i = 0; i < 60; ++i) {
    at(Vote{"phone" + std::to_string(i % 45), "p2", i % 4 == 0 ? "e2" : "e4"});
  }
  at(Vote{"phone1", "p1", "e1"});  // refused: p1 closed
  at(ClosePoll{"p2"});
  at(LockScores{"r1", "e2", "not every judge scored in this test"});
  at(Reveal{"r1", "e2"});
  at(ShowScene{"leaderboard", {{"round", "r1"}}});
  at(ShowScene{"awards", {{"round", "r1"}}});
  return script;
}

}  // namespace

TEST_CASE("Replaying the ledger of a show rebuilds it exactly", "[replay]") {
  Show live(small_contest());
  std::vector<LedgerLine> ledger;
  int refused = 0, repeated = 0;
  for (const auto& [at, command] : evening()) {
    const auto result = live.apply(command, at);
    if (!result) {
      ++refused;
      continue;  // a refused command is never written
    }
    if (std::holds_alternative<Vote>(command) && !result.value().counted) ++repeated;
    ledger.push_back({at, command_kind(command), command_to_json(command).dump()});
  }
  REQUIRE(refused == 3);
  REQUIRE(repeated > 0);
  REQUIRE(live.version() == ledger.size() - repeated);

  SECTION("from the ledger's JSON payloads") {
    Show restored(small_contest());
    for (const auto& line : ledger) {
      const auto command = command_from_json(line.kind, nlohmann::json::parse(line.payload));
      REQUIRE(command.ok());
      REQUIRE(restored.apply(command.value(), line.at).ok());
    }
    CHECK(fingerprint(restored) == fingerprint(live));
    CHECK(results_to_json("r1", restored.results("r1")) ==
          results_to_json("r1", live.results("r1")));
  }
  SECTION("twice, giving the same show both times") {
    Show once(small_contest()), twice(small_contest());
    for (auto* show : {&once, &twice}) {
      for (const auto& line : ledger) {
        show->apply(command_from_json(line.kind, nlohmann::json::parse(line.payload)).value(),
                    line.at);
      }
    }
    CHECK(fingerprint(once) == fingerprint(twice));
  }
  SECTION("over the contest as the live show holds it, with the draw already applied") {
    Show restored(live.contest());
    for (const auto& line : ledger) {
      restored.apply(command_from_json(line.kind, nlohmann::json::parse(line.payload)).value(),
                     line.at);
    }
    CHECK(fingerprint(restored) == fingerprint(live));
  }
  SECTION("the evening itself is what the fingerprint says") {
    CHECK(live.entry_state("r1", "e1").status == EntryStatus::revealed);
    CHECK(live.entry_state("r1", "e1").amended);
    CHECK(live.votes("r1", "e1") == 25);
    CHECK(live.scene().name == "awards");
    CHECK(live.running_order("r1") == draw_order({"e1", "e2", "e3", "e4"}, 20240602));
  }
}
