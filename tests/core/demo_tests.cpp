// The bundled demo contest must be a valid, show-ready contest that exercises every feature
// the pages display: both rounds, recusal, all forms and themes, the article's own titles.
#include <algorithm>
#include <numeric>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "core/demo.hpp"

using stagevote::core::Contest;
using stagevote::core::demo_contest;

namespace {

bool any_judge_recused_in_round(const Contest& contest, const std::string& round_id) {
  const auto* round = contest.find_round(round_id);
  if (round == nullptr) return false;
  for (const auto& judge : contest.judges) {
    for (const auto& entry_id : round->entries) {
      const auto* entry = contest.find_entry(entry_id);
      if (entry != nullptr && stagevote::core::is_recused(judge, *entry)) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("The demo contest passes validation once the server has given its judges tokens",
          "[demo]") {
  Contest contest = demo_contest();
  SECTION("the demo leaves tokens to the server, so no two installations share a secret") {
    for (const auto& judge : contest.judges) CHECK(judge.token.empty());
  }
  SECTION("with distinct tokens filled in, as the server does on --demo, it is valid") {
    for (auto& judge : contest.judges) judge.token = "test-token-" + judge.id;
    const auto status = stagevote::core::validate(contest);
    INFO((status ? status->message : std::string{}));
    CHECK_FALSE(status.has_value());
  }
}

TEST_CASE("The demo contest is the same every time it is built", "[demo]") {
  const Contest first = demo_contest();
  const Contest second = demo_contest();
  REQUIRE(first.entries.size() == second.entries.size());
  for (std::size_t i = 0; i < first.entries.size(); ++i) {
    CHECK(first.entries[i].id == second.entries[i].id);
    CHECK(first.entries[i].title == second.entries[i].title);
  }
  REQUIRE(first.rounds.size() == second.rounds.size());
  for (std::size_t i = 0; i < first.rounds.size(); ++i) {
    CHECK(first.rounds[i].entries == second.rounds[i].entries);
  }
}

TEST_CASE("The demo contest is large enough for a real show", "[demo]") {
  const Contest contest = demo_contest();
  CHECK(contest.id == "yeshu-cup");
  CHECK(contest.entries.size() >= 40);
  CHECK(contest.judges.size() >= 7);

  const auto* prelim = contest.find_round("prelim");
  REQUIRE(prelim != nullptr);
  CHECK(prelim->entries.size() >= 12);

  const auto* final_round = contest.find_round("final");
  REQUIRE(final_round != nullptr);
  CHECK(final_round->entries.size() == 12);
}

TEST_CASE("The demo scoring criteria sum to 100", "[demo]") {
  const Contest contest = demo_contest();
  const double total =
      std::accumulate(contest.scoring.criteria.begin(), contest.scoring.criteria.end(), 0.0,
                      [](double sum, const auto& criterion) { return sum + criterion.max; });
  CHECK(total == Approx(100.0));
  CHECK(contest.scoring.judge_weight + contest.scoring.audience_weight == Approx(1.0));
}

TEST_CASE("Some judge is recused from an entry in each round of the demo", "[demo]") {
  const Contest contest = demo_contest();
  const auto round_id = GENERATE(as<std::string>{}, "prelim", "final");
  CAPTURE(round_id);
  CHECK(any_judge_recused_in_round(contest, round_id));
}

TEST_CASE("The demo uses all four forms and all five themes", "[demo]") {
  const Contest contest = demo_contest();
  CHECK(contest.forms.size() == 4);
  CHECK(contest.themes.size() == 5);

  std::set<std::string> used_forms;
  std::set<std::string> used_themes;
  for (const auto& entry : contest.entries) {
    used_forms.insert(entry.form);
    used_themes.insert(entry.theme);
  }
  CHECK(used_forms == std::set<std::string>(contest.forms.begin(), contest.forms.end()));
  CHECK(used_themes == std::set<std::string>(contest.themes.begin(), contest.themes.end()));
}

TEST_CASE("The demo carries the titles the article quotes, in both rounds", "[demo]") {
  const Contest contest = demo_contest();
  using Quoted = std::pair<std::string, std::string>;  // title, unit
  const auto [title, unit] =
      GENERATE(Quoted{"党旗代代传 融合促发展 打造自贸港对党忠诚的护法铁军", "省高级人民法院"},
               Quoted{"把支部建在组上 党心不临时 巡视亮利剑", "省纪委监委"});
  CAPTURE(title);

  const auto it = std::find_if(contest.entries.begin(), contest.entries.end(),
                               [&](const auto& entry) { return entry.title == title; });
  REQUIRE(it != contest.entries.end());
  CHECK(it->unit == unit);

  for (const char* round_id : {"prelim", "final"}) {
    const auto* round = contest.find_round(round_id);
    REQUIRE(round != nullptr);
    CHECK(std::count(round->entries.begin(), round->entries.end(), it->id) == 1);
  }
}
