// One rounding rule (issue 12): components and finals are published rounded half away from
// zero to the scheme's result_decimals, exactly in decimal, and ranks are decided on the
// published figures, so equal figures on screen are a visible tie.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/scoring.hpp"

using namespace stagevote::core;

namespace {

ScoringScheme scheme(double judge_weight, double audience_weight, int result_decimals = 2) {
  ScoringScheme s;
  s.criteria = {{"c1", "Content", 60}, {"c2", "Art", 40}};
  s.trim = 1;
  s.trim_min = 5;
  s.judge_weight = judge_weight;
  s.audience_weight = audience_weight;
  s.result_decimals = result_decimals;
  return s;
}

// Judges j1, j2, ... with the given totals.
std::vector<JudgeTotal> totals(const std::vector<double>& values) {
  std::vector<JudgeTotal> out;
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(JudgeTotal{"j" + std::to_string(i + 1), values[i], false});
  return out;
}

const EntryResult& find(const std::vector<EntryResult>& results, const std::string& entry) {
  for (const auto& r : results)
    if (r.entry == entry) return r;
  FAIL("no result for " << entry);
  return results.front();
}

// "entry:rank" in the order given.
std::vector<std::string> standings(const std::vector<EntryResult>& results) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(r.entry + ":" + std::to_string(r.rank));
  return out;
}

std::optional<std::string> text(const std::optional<Decimal>& figure) {
  if (!figure) return std::nullopt;
  return figure->text();
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("A figure is published rounded half away from zero, exactly in decimal", "[rounding]") {
  struct Case {
    const char* name;
    double figure;
    int decimals;
    const char* text;
  };
  const auto c = GENERATE(values<Case>({
      {"0 decimals: a half goes up", 0.5, 0, "1"},
      {"0 decimals: 2.5 goes up too (not to even)", 2.5, 0, "3"},
      {"0 decimals: just below a half, on the grid", 2.499999999, 0, "2"},
      {"0 decimals: zero", 0, 0, "0"},
      {"0 decimals: a whole number", 100, 0, "100"},
      {"1 decimal: x.x5 goes up", 91.25, 1, "91.3"},
      {"1 decimal: x.x5 goes up, not to even", 91.45, 1, "91.5"},
      {"1 decimal: just below x.x5", 91.249999999, 1, "91.2"},
      {"1 decimal: just below 0.05", 0.049999999, 1, "0.0"},
      {"1 decimal: 0.1 + 0.2", 0.1 + 0.2, 1, "0.3"},
      // The doubles nearest to 2.675 and 1.005 lie below them: binary rounding says 2.67, 1.00.
      {"2 decimals: 2.675 on the grid", 2.675, 2, "2.68"},
      {"2 decimals: 1.005 on the grid", 1.005, 2, "1.01"},
      {"2 decimals: just below x.xx5", 2.674999999, 2, "2.67"},
      {"2 decimals: the contract's final", 91.225, 2, "91.23"},
      {"2 decimals: the 公示 sheet's 59.2905", 59.2905, 2, "59.29"},
      {"2 decimals: x.xx5 goes up, not to even", 2.665, 2, "2.67"},
      {"2 decimals: trailing zeros are kept", 100, 2, "100.00"},
      {"2 decimals: zero", 0, 2, "0.00"},
      {"2 decimals: the smallest half", 0.005, 2, "0.01"},
      {"2 decimals: a third", 100.0 / 3, 2, "33.33"},
      {"2 decimals: two thirds", 200.0 / 3, 2, "66.67"},
      {"3 decimals: x.xxx5", 1.0005, 3, "1.001"},
      {"3 decimals: just below x.xxx5", 1.000499999, 3, "1.000"},
      {"3 decimals: 59.2905", 59.2905, 3, "59.291"},
      {"3 decimals: leading zeros after the point", 0.0625, 3, "0.063"},
      {"6 decimals: the most there are", 0.0000005, 6, "0.000001"},
      // Figures are never negative; half away from zero still holds below it.
      {"below zero: away from zero", -2.675, 2, "-2.68"},
      {"below zero: rounding to zero prints no sign", -0.004, 2, "0.00"},
  }));
  CAPTURE(c.name, c.figure, c.decimals);
  const Decimal published = publish(c.figure, c.decimals);
  CHECK(published.decimals == c.decimals);
  CHECK(published.text() == c.text);
  // The double a spreadsheet gets is the one nearest to the published digits.
  CHECK(published.value() == std::stod(c.text));
}

TEST_CASE("Every figure of a result is published with the scheme's result_decimals", "[rounding]") {
  // Components 90.3 and 100/3; final 0.9 * 90.3 + 0.1 * 100/3 = 84.603333...
  const std::vector<ResultInput> inputs{
      {"e1", totals({91.5, 88.25, 90, 92.75, 85.5, 89, 93}), 1},
      {"e2", {}, 3},
  };
  struct Case {
    int decimals;
    std::optional<std::string> judge_component;
    std::string audience_component, final_score, plain_mean;
  };
  const auto c = GENERATE(values<Case>({
      {0, "90", "33", "85", "90"},
      {1, "90.3", "33.3", "84.6", "90.0"},
      {2, "90.30", "33.33", "84.60", "90.00"},
      {3, "90.300", "33.333", "84.603", "90.000"},
  }));
  CAPTURE(c.decimals);
  const auto results = compute_results(scheme(0.9, 0.1, c.decimals), inputs);
  const Published& e1 = find(results, "e1").published;
  CHECK(text(e1.judge_component) == c.judge_component);
  CHECK(e1.audience_component.text() == c.audience_component);
  CHECK(e1.final_score.text() == c.final_score);
  CHECK(e1.plain_mean.text() == c.plain_mean);
  // Nobody scored e2: its judge component publishes as null, like the unrounded one.
  const Published& e2 = find(results, "e2").published;
  CHECK_FALSE(e2.judge_component.has_value());
  CHECK(e2.audience_component.text() == publish(100, c.decimals).text());
  // The unrounded figures stay as they were.
  CHECK(find(results, "e1").final_score == Approx(0.9 * 90.3 + 10.0 / 3).margin(1e-9));
}

TEST_CASE("Finals equal when published are ranked by the published tie-breaks", "[rounding]") {
  SECTION("the higher judge component ranks first, not the higher unrounded final") {
    // b: 0.9 * 80 + 0.1 * 100 = 82; a: 0.9 * 87.405 + 0.1 * 100/3 = 81.997833...
    // Both publish as 82.00; a's judge component (87.41) beats b's (80.00).
    const auto results = compute_results(
        scheme(0.9, 0.1), {{"b", totals({80}), 3}, {"a", totals({87.40, 87.41}), 1}});
    REQUIRE(find(results, "b").final_score > find(results, "a").final_score);
    CHECK(find(results, "a").published.final_score.text() == "82.00");
    CHECK(find(results, "b").published.final_score.text() == "82.00");
    CHECK(standings(results) == Strings{"a:1", "b:2"});
  }
  SECTION("a judge component equal when published goes on to the plain mean") {
    // Judges only, so final = judge component. d keeps 80, 80, 80.01 (80.003333...), c keeps
    // 80, 80, 80 (80): both publish 80.00. Plain means: d 80.002, c 82.
    const auto results = compute_results(
        scheme(1.0, 0.0),
        {{"d", totals({80, 80, 80.01, 60, 100}), 0}, {"c", totals({80, 80, 80, 70, 100}), 0}});
    REQUIRE(find(results, "d").final_score > find(results, "c").final_score);
    CHECK(find(results, "d").published.judge_component->text() == "80.00");
    CHECK(find(results, "c").published.plain_mean.text() == "82.00");
    CHECK(standings(results) == Strings{"c:1", "d:2"});
  }
  SECTION("figures equal when published and equal votes share a rank, in running order") {
    // 80.003333... and 80: every published figure is 80.00, nobody voted.
    const auto results = compute_results(scheme(1.0, 0.0), {{"b", totals({80, 80, 80}), 0},
                                                            {"a", totals({80, 80, 80.01}), 0},
                                                            {"c", totals({79.99}), 0}});
    REQUIRE(find(results, "a").final_score > find(results, "b").final_score);
    CHECK(standings(results) == Strings{"b:1", "a:1", "c:3"});
    SECTION("and the awards follow the shared rank") {
      const auto awards = compute_awards({{"first", "一等奖", 1}}, "最佳人气奖", results);
      REQUIRE(awards.size() == 2);
      CHECK(awards[0].entry == "b");
      CHECK(awards[1].entry == "a");
    }
  }
  SECTION("with more decimals the same finals are ranked apart") {
    const auto results = compute_results(
        scheme(1.0, 0.0, 3), {{"b", totals({80, 80, 80}), 0}, {"a", totals({80, 80, 80.01}), 0}});
    CHECK(find(results, "a").published.final_score.text() == "80.003");
    CHECK(standings(results) == Strings{"a:1", "b:2"});
  }
}
