#include "judge_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "show.hpp"

namespace stagevote::core {
namespace {

// One judge's total on one entry and the panel's reference for it.
struct Pair {
  double total = 0;
  double reference = 0;
  bool related = false;
};

// Ranks 1..n, ties given their mean rank (as Spearman's ρ with ties asks).
std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double mean_rank = (static_cast<double>(i + j) / 2.0) + 1.0;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = mean_rank;
    i = j + 1;
  }
  return rank;
}

// Pearson's correlation of the ranks; null when either side has no spread.
std::optional<double> spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 2) return std::nullopt;
  const auto rx = ranks(x);
  const auto ry = ranks(y);
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n;
  const double my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  if (sxx <= 0 || syy <= 0) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

Figure mean_of(const std::vector<double>& values) {
  if (values.empty()) return {};
  return {std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size()),
          static_cast<int>(values.size())};
}

// The median of the values (the mean of the middle two for an even count).
double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether the judge's total on the entry was dropped as a highest (true) or a lowest
// (false): the dropped totals ordered as the trimmed mean orders them (total, then judge
// id), the upper half are the highest.
std::optional<bool> dropped_as_high(const ScoredEntry& entry, const std::string& judge) {
  std::vector<const JudgeTotal*> dropped;
  for (const auto& total : entry.totals)
    if (total.dropped) dropped.push_back(&total);
  std::sort(dropped.begin(), dropped.end(), [](const JudgeTotal* a, const JudgeTotal* b) {
    const auto ka = std::llround(a->total * 1e9);
    const auto kb = std::llround(b->total * 1e9);
    return ka != kb ? ka < kb : a->judge < b->judge;
  });
  for (std::size_t i = 0; i < dropped.size(); ++i)
    if (dropped[i]->judge == judge) return i >= dropped.size() / 2;
  return std::nullopt;
}

}  // namespace

RoundStats judge_stats(const ScoringScheme& scheme, const std::vector<Judge>& judges,
                       const std::vector<ScoredEntry>& entries, const StatsThresholds& thresholds) {
  RoundStats round;
  const int min_n = thresholds.min_entries;
  std::vector<double> rms;     // each judge's RMS deviation outside related units (in order)
  std::vector<double> spread;  // ... and the SD of those deviations

  for (const auto& judge : judges) {
    JudgeStats stats;
    stats.judge = judge.id;
    std::vector<Pair> pairs;
    for (const auto& entry : entries) {
      const auto mine = std::find_if(entry.totals.begin(), entry.totals.end(),
                                     [&](const JudgeTotal& t) { return t.judge == judge.id; });
      if (mine == entry.totals.end()) continue;
      ++stats.entries;
      if (mine->dropped) {
        if (const auto high = dropped_as_high(entry, judge.id))
          ++(*high ? stats.dropped_high : stats.dropped_low);
      }
      // The yardstick: the others' totals under the same trim rule. Fewer than two others
      // give no panel to measure against.
      std::vector<JudgeTotal> others;
      for (const auto& total : entry.totals)
        if (total.judge != judge.id) others.push_back(JudgeTotal{total.judge, total.total, false});
      if (others.size() < 2) continue;
      const auto reference = judge_component(scheme, others);
      if (!reference) continue;
      pairs.push_back(Pair{mine->total, *reference, listed(judge.related_units, entry.unit)});
    }

    std::vector<double> other_deviations, related_deviations, totals, references;
    for (const auto& pair : pairs) {
      (pair.related ? related_deviations : other_deviations).push_back(pair.total - pair.reference);
      totals.push_back(pair.total);
      references.push_back(pair.reference);
    }
    stats.bias = mean_of(other_deviations);
    double around_mean = 0;
    for (double d : other_deviations)
      around_mean += (d - *stats.bias.value) * (d - *stats.bias.value);
    spread.push_back(
        other_deviations.size() < 2
            ? 0.0
            : std::sqrt(around_mean / static_cast<double>(other_deviations.size() - 1)));
    double squares = 0;
    for (double d : other_deviations) squares += d * d;
    rms.push_back(other_deviations.empty()
                      ? 0.0
                      : std::sqrt(squares / static_cast<double>(other_deviations.size())));
    stats.spearman = {spearman(totals, references), static_cast<int>(pairs.size())};
    stats.related = mean_of(related_deviations);
    if (stats.related.value) {
      stats.affinity = {*stats.related.value - stats.bias.value.value_or(0.0), stats.related.n};
    }
    round.judges.push_back(std::move(stats));
  }

  // σ: the typical judge's RMS deviation, the median over the judges with enough entries
  // (over all who have any when none has), so that a few judges marking badly do not
  // stretch the yardstick they are measured with.
  std::vector<double> typical, biases, spreads;
  for (int pass = 0; pass < 2 && typical.empty(); ++pass) {
    for (std::size_t i = 0; i < round.judges.size(); ++i) {
      const Figure& bias = round.judges[i].bias;
      if (bias.n < (pass == 0 ? min_n : 1)) continue;
      typical.push_back(rms[i]);
      biases.push_back(*bias.value);
      spreads.push_back(spread[i]);
    }
  }
  if (!typical.empty()) {
    round.sigma = {median(typical), static_cast<int>(typical.size())};
    round.typical_scatter = {median(spreads), static_cast<int>(spreads.size())};
    // The lean the whole panel shares (a judge always trimmed from one side pulls every
    // other judge's reference the same way): the median bias, over the same judges.
    round.panel_bias = {median(biases), static_cast<int>(biases.size())};
  }
  const std::optional<double> sigma =
      round.sigma.value && *round.sigma.value > 0 ? round.sigma.value : std::nullopt;

  for (std::size_t i = 0; i < round.judges.size(); ++i) {
    JudgeStats& stats = round.judges[i];
    if (sigma && stats.bias.n > 0) stats.marking_score = {rms[i] / *sigma, stats.bias.n};
    const double typical_scatter = round.typical_scatter.value.value_or(0.0);
    if (typical_scatter > 0 && stats.bias.n > 1)
      stats.scatter = {spread[i] / typical_scatter, stats.bias.n};
    // Reversed input explains any bias and noise it shows: one flag, the cause.
    const bool reversed = stats.spearman.n >= min_n && stats.spearman.value &&
                          *stats.spearman.value <= thresholds.reversed;
    if (reversed) {
      stats.flags.push_back("reversed");
    } else if (sigma) {
      // Apart from the panel's lean by thresholds.bias σ, and by 3 standard errors of the
      // judge's own mean, so that a noisy judge's chance lean is not called a bias.
      if (stats.bias.n >= min_n) {
        const double apart = std::fabs(*stats.bias.value - round.panel_bias.value.value_or(0.0));
        const double error = spread[i] / std::sqrt(static_cast<double>(stats.bias.n));
        if (apart / *sigma >= thresholds.bias && apart >= thresholds.bias_errors * error)
          stats.flags.push_back("bias");
      }
      // Noise is scatter around the judge's own lean: a steady lean is a bias, not noise.
      if (stats.scatter.n >= min_n && *stats.scatter.value >= thresholds.noisy)
        stats.flags.push_back("noisy");
      if (stats.affinity.n >= min_n && stats.bias.n >= min_n &&
          std::fabs(*stats.affinity.value) / *sigma >= thresholds.affinity)
        stats.flags.push_back("affinity");
    }
  }
  return round;
}

std::vector<ScoredEntry> scored_entries(const Show& show, std::string_view round) {
  std::vector<ScoredEntry> entries;
  for (auto& result : show.results(round)) {
    if (result.judge_scores.empty()) continue;
    const Entry* entry = show.contest().find_entry(result.entry);
    entries.push_back(ScoredEntry{result.entry, entry ? entry->unit : std::string(),
                                  std::move(result.judge_scores)});
  }
  return entries;
}

}  // namespace stagevote::core
