// Judges' marking statistics (core/judge_stats.hpp): the worked example of docs/judging.md
// and a seeded simulation with planted judges.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <sstream>

#include "core/codec.hpp"
#include "core/judge_stats.hpp"

using namespace stagevote::core;

namespace {

// A judge known by id and name only (no unit, token or title).
Judge panel_judge(std::string id, std::string name) {
  Judge judge;
  judge.id = std::move(id);
  judge.name = std::move(name);
  return judge;
}

ScoringScheme hundred_point_scheme() {
  ScoringScheme scheme;
  scheme.criteria = {Criterion{"total", "总分", 100}};
  scheme.decimals = 1;
  scheme.trim = 1;
  scheme.trim_min = 5;
  return scheme;
}

// Sets `dropped` as the results would.
ScoredEntry scored(const ScoringScheme& scheme, std::string entry, std::string unit,
                   std::vector<JudgeTotal> totals) {
  judge_component(scheme, totals);
  return ScoredEntry{std::move(entry), std::move(unit), std::move(totals)};
}

const JudgeStats& of(const RoundStats& stats, const std::string& judge) {
  for (const auto& s : stats.judges)
    if (s.judge == judge) return s;
  FAIL("no stats for " << judge);
  throw;
}

// A standard normal draw of our own (Box–Muller), so that a seed gives the same marks with
// any standard library.
double normal(std::mt19937_64& rng) {
  constexpr double kTwoPi = 6.283185307179586;
  // 53 random bits in (0, 1]: log() never sees 0.
  const double u1 = (static_cast<double>(rng() >> 11) + 1.0) / 9007199254740992.0;
  const double u2 = static_cast<double>(rng() >> 11) / 9007199254740992.0;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double uniform(std::mt19937_64& rng, double low, double high) {
  return low + (high - low) * (static_cast<double>(rng() >> 11) / 9007199254740992.0);
}

// A mark as a judge's phone takes it: one decimal, within 0..100.
double as_mark(double value) {
  return std::clamp(std::round(value * 10.0) / 10.0, 0.0, 100.0);
}

struct Simulated {
  std::vector<Judge> judges;
  std::vector<ScoredEntry> entries;
};

// 24 entries from 8 units (3 each), true quality 60..92; 9 judges with σ = 2: J1–J6 honest
// (J2 and J4 name related units, J3 is recused from U3's entries), J7 adds +8 to the
// entries of its three related units, J8 marks in reverse (100 − x), J9 is noisy (σ = 6).
Simulated simulate(std::uint64_t seed) {
  const ScoringScheme scheme = hundred_point_scheme();
  std::mt19937_64 rng(seed);
  constexpr double kSigma = 2.0;
  Simulated sim;
  for (int j = 1; j <= 9; ++j) sim.judges.push_back(panel_judge("J" + std::to_string(j), "评委"));
  sim.judges[1].related_units = {"U1", "U2"};
  sim.judges[3].related_units = {"U5"};
  sim.judges[2].unit = "U3";
  sim.judges[6].related_units = {"U4", "U6", "U7"};
  for (int e = 0; e < 24; ++e) {
    const std::string unit = "U" + std::to_string(e % 8 + 1);
    const double quality = uniform(rng, 60.0, 92.0);
    std::vector<JudgeTotal> totals;
    for (const auto& judge : sim.judges) {
      if (judge.unit == unit) continue;  // recused
      double mark = quality + kSigma * normal(rng);
      if (judge.id == "J7" &&
          std::count(judge.related_units.begin(), judge.related_units.end(), unit))
        mark += 8.0;
      if (judge.id == "J8") mark = 100.0 - mark;
      if (judge.id == "J9") mark = quality + 3.0 * kSigma * normal(rng);
      totals.push_back(JudgeTotal{judge.id, as_mark(mark), false});
    }
    sim.entries.push_back(scored(scheme, "E" + std::to_string(e + 1), unit, std::move(totals)));
  }
  return sim;
}

std::string describe(const RoundStats& stats) {
  std::ostringstream out;
  out << "sigma " << stats.sigma.value.value_or(-1) << "\n";
  for (const auto& s : stats.judges) {
    out << s.judge << " n=" << s.entries << " bias=" << s.bias.value.value_or(0) << "/" << s.bias.n
        << " marking=" << s.marking_score.value.value_or(0)
        << " rho=" << s.spearman.value.value_or(0) << " affinity=" << s.affinity.value.value_or(0)
        << "/" << s.affinity.n << " high=" << s.dropped_high << " low=" << s.dropped_low
        << " flags=";
    for (const auto& f : s.flags) out << f << ",";
    out << "\n";
  }
  return out.str();
}

}  // namespace

TEST_CASE(
    "Marking statistics: the planted judges are flagged, each with its flag, and no honest "
    "judge, across 20 seeds",
    "[judge_stats][simulation]") {
  const ScoringScheme scheme = hundred_point_scheme();
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Simulated sim = simulate(seed);
    const RoundStats stats = judge_stats(scheme, sim.judges, sim.entries);
    INFO("seed " << seed << "\n" << describe(stats));
    REQUIRE(stats.judges.size() == 9);
    for (const auto& s : stats.judges) {
      if (s.judge == "J7") {
        CHECK(s.flags == std::vector<std::string>{"affinity"});
      } else if (s.judge == "J8") {
        CHECK(s.flags == std::vector<std::string>{"reversed"});
      } else if (s.judge == "J9") {
        CHECK(s.flags == std::vector<std::string>{"noisy"});
      } else {
        CHECK(s.flags.empty());
      }
    }
    // The figures' N: J3 is recused from U3's three entries; J7's related entries are 9.
    CHECK(of(stats, "J3").entries == 21);
    CHECK(of(stats, "J1").entries == 24);
    CHECK(of(stats, "J7").affinity.n == 9);
    CHECK(of(stats, "J7").bias.n == 15);
    // The reversed judge is always the lowest total, and dropped as such.
    CHECK(of(stats, "J8").dropped_low == 24);
    CHECK(of(stats, "J8").dropped_high == 0);
  }
}

TEST_CASE("Marking statistics: a judge marking 5 points high throughout is flagged bias",
          "[judge_stats]") {
  const ScoringScheme scheme = hundred_point_scheme();
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Simulated sim = simulate(seed);
    // J1 becomes the generous one; the planted three stay as they are.
    for (auto& entry : sim.entries) {
      for (auto& total : entry.totals)
        if (total.judge == "J1") total.total = as_mark(total.total + 5.0);
      judge_component(scheme, entry.totals);
    }
    const RoundStats stats = judge_stats(scheme, sim.judges, sim.entries);
    INFO("seed " << seed << "\n" << describe(stats));
    CHECK(of(stats, "J1").flags == std::vector<std::string>{"bias"});
    CHECK(*of(stats, "J1").bias.value > 3.5);
  }
}

TEST_CASE("Marking statistics: nothing is flagged on fewer than 5 entries", "[judge_stats]") {
  const ScoringScheme scheme = hundred_point_scheme();
  const Simulated sim = simulate(7);
  // The first four entries only: the reversed judge is as reversed, but on 4 entries.
  const std::vector<ScoredEntry> four(sim.entries.begin(), sim.entries.begin() + 4);
  const RoundStats stats = judge_stats(scheme, sim.judges, four);
  INFO(describe(stats));
  for (const auto& s : stats.judges) CHECK(s.flags.empty());
  CHECK(of(stats, "J8").spearman.n == 4);
  CHECK(*of(stats, "J8").spearman.value < 0);
}

// docs/judging.md, "Worked example": five judges, five entries (the numbers there).
TEST_CASE("Marking statistics: the worked example of docs/judging.md", "[judge_stats]") {
  const ScoringScheme scheme = hundred_point_scheme();
  std::vector<Judge> judges = {panel_judge("A", "A"), panel_judge("B", "B"), panel_judge("C", "C"),
                               panel_judge("D", "D"), panel_judge("E", "E")};
  judges[4].related_units = {"U4", "U5"};
  const auto row = [&](std::string entry, std::string unit, double a, double b, double c, double d,
                       double e) {
    return scored(
        scheme, std::move(entry), std::move(unit),
        {{"A", a, false}, {"B", b, false}, {"C", c, false}, {"D", d, false}, {"E", e, false}});
  };
  const std::vector<ScoredEntry> entries = {
      row("E1", "U1", 81, 80, 82, 78, 80), row("E2", "U2", 76, 75, 74, 77, 74),
      row("E3", "U3", 88, 90, 91, 89, 90), row("E4", "U4", 70, 72, 71, 69, 76),
      row("E5", "U5", 85, 84, 86, 83, 91)};
  const RoundStats stats = judge_stats(scheme, judges, entries);
  INFO(describe(stats));
  // σ: the median RMS deviation of A, B, C, D (E has 3 entries outside related units).
  CHECK(stats.sigma.n == 4);
  CHECK(*stats.sigma.value == Approx(std::sqrt(2.2)));
  CHECK(*stats.panel_bias.value == Approx(-0.475));
  // A against the mean of the four others (four are too few to trim): +1, +1, −2, −2, −1.
  const JudgeStats& a = of(stats, "A");
  CHECK(a.entries == 5);
  CHECK(*a.bias.value == Approx(-0.6));
  CHECK(a.bias.n == 5);
  CHECK(*a.marking_score.value == Approx(1.0));
  CHECK(*a.spearman.value == Approx(1.0));
  CHECK(a.dropped_high == 0);
  CHECK(a.dropped_low == 1);
  CHECK(a.flags.empty());
  // C's 74 on E2 ties E's: the trimmed mean drops C's (the lower judge id) as the lowest.
  const JudgeStats& c = of(stats, "C");
  CHECK(c.dropped_high == 2);
  CHECK(c.dropped_low == 1);
  // D is the least consistent, but within the thresholds.
  const JudgeStats& d = of(stats, "D");
  CHECK(*d.bias.value == Approx(-1.6));
  CHECK(*d.marking_score.value == Approx(std::sqrt(7.2 / 2.2)));
  CHECK(d.flags.empty());
  // E: +5.5 and +6.5 on its related units' entries, −0.42 on the others: an affinity of
  // 6.42 on 2 entries, too few to flag.
  const JudgeStats& e = of(stats, "E");
  CHECK(*e.related.value == Approx(6.0));
  CHECK(e.related.n == 2);
  CHECK(*e.bias.value == Approx(-1.25 / 3));
  CHECK(e.bias.n == 3);
  CHECK(*e.affinity.value == Approx(6.0 + 1.25 / 3));
  CHECK(e.affinity.n == 2);
  CHECK(e.flags.empty());
}

TEST_CASE("A judge's related units are in the contest record, and only when named",
          "[judge_stats][codec]") {
  Contest contest;
  contest.id = "c";
  contest.name = "c";
  contest.scoring = hundred_point_scheme();
  contest.judges = {panel_judge("j1", "王建华"), panel_judge("j2", "李明")};
  contest.judges[0].token = "token-j1-0123456789";
  contest.judges[1].token = "token-j2-0123456789";
  contest.judges[1].related_units = {"省税务局", "省委宣传部"};
  const nlohmann::json json = contest_to_json(contest, true);
  // A record without them keeps the bytes it had: the chain's hashes do not move.
  CHECK_FALSE(json.at("judges").at(0).contains("related_units"));
  CHECK(json.at("judges").at(1).at("related_units") ==
        nlohmann::json::array({"省税务局", "省委宣传部"}));
  const auto back = contest_from_json(json);
  INFO((back.ok() ? std::string() : back.error().message));
  REQUIRE(back.ok());
  CHECK(back.value().judges.at(0).related_units.empty());
  CHECK(back.value().judges.at(1).related_units ==
        std::vector<std::string>{"省税务局", "省委宣传部"});

  nlohmann::json bad = json;
  bad["judges"][1]["related_units"] = "省税务局";
  CHECK_FALSE(contest_from_json(bad).ok());
}
