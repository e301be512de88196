// The contract's scoring rules as tables: judge component with trimming, audience
// normalisation, weights, tie-breaks and shared ranks.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/scoring.hpp"

using namespace stagevote::core;

namespace {

ScoringScheme scheme(int trim, int trim_min, double judge_weight = 0.9,
                     double audience_weight = 0.1) {
  ScoringScheme s;
  s.criteria = {{"c1", "Content", 60}, {"c2", "Art", 40}};
  s.trim = trim;
  s.trim_min = trim_min;
  s.judge_weight = judge_weight;
  s.audience_weight = audience_weight;
  return s;
}

// Judges j1, j2, ... with the given totals, in that order.
std::vector<JudgeTotal> totals(const std::vector<double>& values) {
  std::vector<JudgeTotal> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    out.push_back(JudgeTotal{"j" + std::to_string(i + 1), values[i], false});
  }
  return out;
}

std::vector<bool> dropped_flags(const std::vector<JudgeTotal>& judged) {
  std::vector<bool> flags;
  for (const auto& t : judged) flags.push_back(t.dropped);
  return flags;
}

std::vector<std::string> entry_order(const std::vector<EntryResult>& results) {
  std::vector<std::string> order;
  for (const auto& r : results) order.push_back(r.entry);
  return order;
}

std::vector<int> ranks(const std::vector<EntryResult>& results) {
  std::vector<int> out;
  for (const auto& r : results) out.push_back(r.rank);
  return out;
}

const EntryResult& find(const std::vector<EntryResult>& results, const std::string& entry) {
  for (const auto& r : results) {
    if (r.entry == entry) return r;
  }
  FAIL("no result for " << entry);
  return results.front();
}

}  // namespace

TEST_CASE("A judge's total is the sum of their marks over all criteria", "[scoring]") {
  CHECK(judge_total(Marks{{"c1", 38.5}, {"c2", 27.25}}) == 65.75);
  CHECK(judge_total(Marks{{"c1", 0}, {"c2", 0}}) == 0);
  CHECK(judge_total(Marks{}) == 0);
  // Binary noise is snapped away: 0.1 + 0.2 is 0.3, and prints as 0.3.
  CHECK(judge_total(Marks{{"c1", 0.1}, {"c2", 0.2}}) == 0.3);
  CHECK(judge_total(Marks{{"a", 33.33}, {"b", 33.33}, {"c", 33.34}}) == 100.0);
}

TEST_CASE("The judge component trims only from trim_min judges on", "[scoring]") {
  struct Case {
    const char* name;
    int trim, trim_min;
    std::vector<double> totals;
    double component;
    std::vector<bool> dropped;
  };
  const auto c = GENERATE(values<Case>({
      {"1 judge: their total", 1, 5, {80}, 80, {false}},
      {"2 judges: plain mean", 1, 5, {80, 90}, 85, {false, false}},
      {"3 judges: plain mean", 1, 5, {70, 90, 80}, 80, {false, false, false}},
      {"4 judges, one below trim_min: plain mean",
       1,
       5,
       {50, 70, 80, 100},
       75,
       {false, false, false, false}},
      {"5 judges, at trim_min: highest and lowest dropped",
       1,
       5,
       {50, 70, 80, 90, 100},
       80,
       {true, false, false, false, true}},
      {"6 judges", 1, 5, {60, 70, 80, 90, 100, 50}, 75, {false, false, false, false, true, true}},
      {"7 judges with decimals",
       1,
       5,
       {91.5, 88.25, 90, 92.75, 85.5, 89, 93},
       90.3,
       {false, false, false, false, true, false, true}},
      {"8 judges",
       1,
       5,
       {81, 82, 83, 84, 85, 86, 87, 88},
       84.5,
       {true, false, false, false, false, false, false, true}},
      {"9 judges",
       1,
       5,
       {10, 20, 30, 40, 50, 60, 70, 80, 90},
       50,
       {true, false, false, false, false, false, false, false, true}},
      {"trim 0 never drops", 0, 1, {50, 70, 80, 90, 100}, 78, {false, false, false, false, false}},
      {"trim 2 from 5 judges keeps the middle one",
       2,
       5,
       {50, 70, 80, 90, 100},
       80,
       {true, true, false, true, true}},
      {"trim 2 from 9 judges",
       2,
       5,
       {10, 20, 30, 40, 50, 60, 70, 80, 90},
       50,
       {true, true, false, false, false, false, false, true, true}},
      {"trim 2 with 4 judges (below trim_min 5)",
       2,
       5,
       {10, 20, 30, 100},
       40,
       {false, false, false, false}},
      {"trimming that would leave nothing is not done",
       2,
       3,
       {10, 20, 30, 100},
       40,
       {false, false, false, false}},
      {"equal totals: the lowest judge id drops low, the highest drops high",
       1,
       5,
       {80, 80, 80, 80, 80},
       80,
       {true, false, false, false, true}},
      {"mean of decimals is exact", 1, 5, {88.88, 77.77, 99.99}, 88.88, {false, false, false}},
      {"0.1 + 0.2 style noise snapped", 0, 1, {0.1, 0.2}, 0.15, {false, false}},
  }));
  CAPTURE(c.name);
  auto judged = totals(c.totals);
  const auto component = judge_component(scheme(c.trim, c.trim_min), judged);
  REQUIRE(component.has_value());
  CHECK(*component == Approx(c.component).margin(1e-9));
  CHECK(dropped_flags(judged) == c.dropped);
}

TEST_CASE("The judge component is null when nobody scored", "[scoring]") {
  std::vector<JudgeTotal> none;
  CHECK_FALSE(judge_component(scheme(1, 5), none).has_value());
}

TEST_CASE("Trimming marks dropped totals afresh each time", "[scoring]") {
  auto judged = totals({50, 70, 80, 90, 100});
  judged[2].dropped = true;  // stale flag from an earlier computation
  CHECK(judge_component(scheme(1, 5), judged) == 80);
  CHECK(dropped_flags(judged) == std::vector<bool>{true, false, false, false, true});
}

TEST_CASE("Results report every judge total, the plain mean and the component", "[scoring]") {
  const auto results = compute_results(scheme(1, 5), {{"a", totals({50, 70, 80, 90, 100}), 0}});
  REQUIRE(results.size() == 1);
  const EntryResult& r = results[0];
  CHECK(r.entry == "a");
  REQUIRE(r.judge_scores.size() == 5);
  CHECK(r.judge_scores[0].judge == "j1");
  CHECK(r.judge_scores[0].dropped);
  CHECK(r.judge_scores[4].dropped);
  CHECK(r.judge_component == 80);
  CHECK(r.plain_mean == 78);
  CHECK(r.final_score == Approx(72).margin(1e-9));
  CHECK(r.rank == 1);
}

TEST_CASE("The audience component is 100 times votes over the round's most votes", "[scoring]") {
  struct Case {
    const char* name;
    std::vector<long> votes;
    std::vector<double> expected;
  };
  const auto c = GENERATE(values<Case>({
      {"no votes at all: zero for everyone", {0, 0, 0}, {0, 0, 0}},
      {"most votes get 100", {10, 5, 0}, {100, 50, 0}},
      {"equal votes both get 100", {7, 7}, {100, 100}},
      {"a single vote", {0, 1}, {0, 100}},
      {"thirds", {3, 1, 2}, {100, 100.0 / 3, 200.0 / 3}},
  }));
  CAPTURE(c.name);
  std::vector<ResultInput> inputs;
  for (std::size_t i = 0; i < c.votes.size(); ++i) {
    inputs.push_back({"e" + std::to_string(i), totals({80}), c.votes[i]});
  }
  const auto results = compute_results(scheme(1, 5), inputs);
  for (std::size_t i = 0; i < c.votes.size(); ++i) {
    const auto& r = find(results, "e" + std::to_string(i));
    CHECK(r.votes == c.votes[i]);
    CHECK(r.audience_component == Approx(c.expected[i]).margin(1e-8));
  }
}

TEST_CASE("The final score weighs the judge and audience components", "[scoring]") {
  struct Case {
    double judge_weight, audience_weight;
    double expected_final;  // judge component 80, audience component 50
  };
  const auto c = GENERATE(values<Case>(
      {{0.9, 0.1, 77}, {1.0, 0.0, 80}, {0.5, 0.5, 65}, {0.0, 1.0, 50}, {0.7, 0.3, 71}}));
  CAPTURE(c.judge_weight, c.audience_weight);
  const auto results = compute_results(scheme(1, 5, c.judge_weight, c.audience_weight),
                                       {{"a", totals({80}), 5}, {"top", {}, 10}});
  CHECK(find(results, "a").final_score == Approx(c.expected_final).margin(1e-9));
  // No judge scored "top": its judge component is null and counts as 0.
  CHECK_FALSE(find(results, "top").judge_component.has_value());
  CHECK(find(results, "top").final_score == Approx(c.audience_weight * 100).margin(1e-9));
}

TEST_CASE("Ranking breaks ties step by step", "[scoring]") {
  SECTION("a higher final ranks first") {
    const auto results =
        compute_results(scheme(1, 5), {{"low", totals({70}), 0}, {"high", totals({90}), 0}});
    CHECK(entry_order(results) == std::vector<std::string>{"high", "low"});
    CHECK(ranks(results) == std::vector<int>{1, 2});
  }
  SECTION("equal final: the higher judge component ranks first") {
    // b: 0.9*70 + 0.1*90 = 72 (binary: 72.00000000000001); a: 0.9*80 + 0 = 72.
    const auto results = compute_results(
        scheme(1, 5), {{"b", totals({70}), 9}, {"a", totals({80}), 0}, {"max", totals({50}), 10}});
    REQUIRE(find(results, "a").final_score == find(results, "b").final_score);
    CHECK(entry_order(results) == std::vector<std::string>{"a", "b", "max"});
    CHECK(ranks(results) == std::vector<int>{1, 2, 3});
  }
  SECTION("equal final and component: the higher plain mean ranks first") {
    // Both components are 80 after trimming; plain means are 76 and 80.
    const auto results = compute_results(scheme(1, 5), {{"b", totals({40, 70, 80, 90, 100}), 0},
                                                        {"a", totals({60, 70, 80, 90, 100}), 0}});
    REQUIRE(find(results, "a").judge_component == find(results, "b").judge_component);
    CHECK(entry_order(results) == std::vector<std::string>{"a", "b"});
    CHECK(ranks(results) == std::vector<int>{1, 2});
  }
  SECTION("equal final, component and mean: more votes rank first") {
    // With no audience weight, votes change only the tie-break.
    const auto results =
        compute_results(scheme(1, 5, 1.0, 0.0), {{"b", totals({80}), 3}, {"a", totals({80}), 5}});
    REQUIRE(find(results, "a").final_score == find(results, "b").final_score);
    CHECK(entry_order(results) == std::vector<std::string>{"a", "b"});
    CHECK(ranks(results) == std::vector<int>{1, 2});
  }
  SECTION("a component of 0 ranks above no component at all") {
    const auto results = compute_results(scheme(1, 5), {{"none", {}, 0}, {"zero", totals({0}), 0}});
    CHECK(entry_order(results) == std::vector<std::string>{"zero", "none"});
    CHECK(ranks(results) == std::vector<int>{1, 2});
  }
}

TEST_CASE("Entries still equal after every tie-break share a rank", "[scoring]") {
  struct Case {
    const char* name;
    std::vector<double> totals;  // one judge each; entries e0, e1, ...
    std::vector<std::string> order;
    std::vector<int> ranks;
  };
  const auto c = GENERATE(values<Case>({
      {"two tied at the top: 1, 1, 3", {80, 80, 70}, {"e0", "e1", "e2"}, {1, 1, 3}},
      {"three tied at the top: 1, 1, 1, 4",
       {80, 80, 80, 70},
       {"e0", "e1", "e2", "e3"},
       {1, 1, 1, 4}},
      {"tied in the middle: 1, 2, 2, 4", {60, 90, 75, 75}, {"e1", "e2", "e3", "e0"}, {1, 2, 2, 4}},
      {"tied at the bottom keep running order", {50, 90, 50}, {"e1", "e0", "e2"}, {1, 2, 2}},
      {"everybody tied", {80, 80, 80}, {"e0", "e1", "e2"}, {1, 1, 1}},
  }));
  CAPTURE(c.name);
  std::vector<ResultInput> inputs;
  for (std::size_t i = 0; i < c.totals.size(); ++i) {
    inputs.push_back({"e" + std::to_string(i), totals({c.totals[i]}), 0});
  }
  const auto results = compute_results(scheme(1, 5), inputs);
  CHECK(entry_order(results) == c.order);
  CHECK(ranks(results) == c.ranks);
}

TEST_CASE("Binary noise does not break a tie", "[scoring]") {
  // 0.1 + 0.2 against 0.3: the same total in decimal, different doubles.
  const double noisy = 0.1 + 0.2;
  REQUIRE(noisy != 0.3);
  const auto results = compute_results(
      scheme(0, 1, 1.0, 0.0), {{"a", {{"j1", noisy, false}}, 0}, {"b", {{"j1", 0.3, false}}, 0}});
  CHECK(ranks(results) == std::vector<int>{1, 1});
  CHECK(entry_order(results) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("A worked example: seven judges, trimming and audience votes", "[scoring]") {
  // The contract's example shape: 0.9 judges + 0.1 audience.
  const auto results = compute_results(
      scheme(1, 5), {{"e1", totals({91.5, 88.25, 90, 92.75, 85.5, 89, 93}), 120},  // component 90.3
                     {"e2", totals({95, 94, 96, 93, 97}), 60},                     // component 95
                     {"e3", totals({70, 72}), 0}});                                // component 71
  REQUIRE(results.size() == 3);
  // e1: 81.27 + 10 = 91.27 beats e2: 85.5 + 5 = 90.5 on the audience votes.
  CHECK(entry_order(results) == std::vector<std::string>{"e1", "e2", "e3"});
  CHECK(find(results, "e1").final_score == Approx(0.9 * 90.3 + 10).margin(1e-9));
  CHECK(find(results, "e2").final_score == Approx(0.9 * 95 + 5).margin(1e-9));
  CHECK(find(results, "e3").final_score == Approx(0.9 * 71).margin(1e-9));
  CHECK(ranks(results) == std::vector<int>{1, 2, 3});
}
