#include "scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <tuple>

namespace stagevote::core {
namespace {

// Scores are decimals; binary doubles add noise (0.1 + 0.2 != 0.3). Every computed figure
// is snapped to the nearest billionth, and comparisons use the same integer grid, so
// equal results compare equal and print cleanly (91.5, not 91.49999999999999).
constexpr int kGridDecimals = 9;
constexpr double kGrid = 1e9;  // 10^kGridDecimals

double snap(double value) {
  return std::round(value * kGrid) / kGrid;
}

std::int64_t grid_key(double value) {
  return std::llround(value * kGrid);
}

constexpr std::int64_t power_of_ten(int exponent) {
  std::int64_t power = 1;
  for (int i = 0; i < exponent; ++i) power *= 10;
  return power;
}

double mean(double sum, std::size_t count) {
  return count == 0 ? 0.0 : sum / static_cast<double>(count);
}

Published publish_figures(const EntryResult& result, int decimals) {
  Published published;
  if (result.judge_component)
    published.judge_component = publish(*result.judge_component, decimals);
  published.audience_component = publish(result.audience_component, decimals);
  published.final_score = publish(result.final_score, decimals);
  published.plain_mean = publish(result.plain_mean, decimals);
  return published;
}

// The ranking keys of one result, best first under the contract's tie-breaks, all on the
// published figures: final, then judge component (none ranks below any score), then the
// plain mean of all judge totals, then votes. Equal keys share a rank, so two entries shown
// with the same figures are never ranked apart by digits nobody sees.
struct RankKey {
  std::int64_t final_score;
  std::int64_t judge_component;
  std::int64_t plain_mean;
  long votes;

  auto tie() const { return std::tie(final_score, judge_component, plain_mean, votes); }
  bool operator==(const RankKey& other) const { return tie() == other.tie(); }
  bool ranks_above(const RankKey& other) const { return tie() > other.tie(); }
};

RankKey rank_key(const EntryResult& result) {
  const Published& published = result.published;
  return RankKey{published.final_score.scaled,
                 published.judge_component ? published.judge_component->scaled
                                           : std::numeric_limits<std::int64_t>::min(),
                 published.plain_mean.scaled, result.votes};
}

std::string format_mark(double value) {
  std::string text = std::to_string(value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

std::string Decimal::text() const {
  // Digits of the magnitude, zero-padded so that there is one before the point.
  const std::uint64_t magnitude =
      scaled < 0 ? 0 - static_cast<std::uint64_t>(scaled) : static_cast<std::uint64_t>(scaled);
  std::string digits = std::to_string(magnitude);
  const auto fraction = static_cast<std::size_t>(decimals);
  if (digits.size() <= fraction) digits.insert(0, fraction + 1 - digits.size(), '0');
  if (fraction > 0) digits.insert(digits.size() - fraction, ".");
  return scaled < 0 ? "-" + digits : digits;
}

double Decimal::value() const {
  // Both operands are exact doubles and IEEE division rounds correctly: the nearest double.
  return static_cast<double>(scaled) / static_cast<double>(power_of_ten(decimals));
}

Decimal publish(double figure, int decimals) {
  const std::int64_t key = grid_key(figure);
  const std::int64_t step = power_of_ten(kGridDecimals - decimals);
  // Integer division truncates toward zero and the remainder keeps the key's sign: a
  // remainder of at least half a step moves one step further from zero.
  std::int64_t scaled = key / step;
  const std::int64_t remainder = key % step;
  if (2 * (remainder < 0 ? -remainder : remainder) >= step) scaled += key < 0 ? -1 : 1;
  return Decimal{scaled, decimals};
}

Status validate_marks(const ScoringScheme& scheme, const Marks& marks) {
  for (const auto& criterion : scheme.criteria) {
    if (!marks.count(criterion.id)) {
      return make_error(ErrorCode::bad_request, "missing mark for criterion " + criterion.id);
    }
  }
  const double scale = std::pow(10.0, scheme.decimals);
  for (const auto& [criterion_id, mark] : marks) {
    const auto it = std::find_if(scheme.criteria.begin(), scheme.criteria.end(),
                                 [&id = criterion_id](const Criterion& c) { return c.id == id; });
    if (it == scheme.criteria.end()) {
      return make_error(ErrorCode::bad_request, "unknown criterion " + criterion_id);
    }
    if (!std::isfinite(mark)) {
      return make_error(ErrorCode::out_of_range, criterion_id + ": mark is not a number");
    }
    if (mark < 0 || mark > it->max) {
      return make_error(ErrorCode::out_of_range, criterion_id + ": mark " + format_mark(mark) +
                                                     " is outside 0.." + format_mark(it->max));
    }
    // 38.55 is 38.549999... in binary: count decimals with a tolerance, not exactly.
    const double scaled = mark * scale;
    if (std::fabs(scaled - std::round(scaled)) >= 1e-6) {
      return make_error(
          ErrorCode::out_of_range,
          criterion_id + ": at most " + std::to_string(scheme.decimals) + " decimals allowed");
    }
  }
  return std::nullopt;
}

double judge_total(const Marks& marks) {
  double sum = 0;
  for (const auto& [criterion, mark] : marks) sum += mark;
  return snap(sum);
}

std::optional<double> judge_component(const ScoringScheme& scheme,
                                      std::vector<JudgeTotal>& totals) {
  for (auto& total : totals) total.dropped = false;
  if (totals.empty()) return std::nullopt;

  const std::size_t count = totals.size();
  const auto trim = static_cast<std::size_t>(std::max(scheme.trim, 0));
  const bool trimming =
      trim > 0 && count >= static_cast<std::size_t>(scheme.trim_min) && count > 2 * trim;
  if (trimming) {
    // Lowest first; equal totals are ordered by judge id so the same judge is dropped
    // every time the results are computed.
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const auto ka = grid_key(totals[a].total);
      const auto kb = grid_key(totals[b].total);
      return ka != kb ? ka < kb : totals[a].judge < totals[b].judge;
    });
    for (std::size_t i = 0; i < trim; ++i) {
      totals[order[i]].dropped = true;
      totals[order[count - 1 - i]].dropped = true;
    }
  }
  double sum = 0;
  std::size_t kept = 0;
  for (const auto& total : totals) {
    if (total.dropped) continue;
    sum += total.total;
    ++kept;
  }
  return snap(mean(sum, kept));
}

std::vector<EntryResult> compute_results(const ScoringScheme& scheme,
                                         const std::vector<ResultInput>& inputs) {
  long most_votes = 0;
  for (const auto& input : inputs) most_votes = std::max(most_votes, input.votes);

  std::vector<EntryResult> results;
  results.reserve(inputs.size());
  for (const auto& input : inputs) {
    EntryResult result;
    result.entry = input.entry;
    result.judge_scores = input.judge_totals;
    result.judge_component = judge_component(scheme, result.judge_scores);
    double sum = 0;
    for (const auto& total : result.judge_scores) sum += total.total;
    result.plain_mean = snap(mean(sum, result.judge_scores.size()));
    result.votes = input.votes;
    result.provisional = input.provisional;
    if (scheme.audience_mode == AudienceMode::rating) {
      // Out of 100 like the judges' component: ten times the mean of 1..10 ratings. Too few
      // ratings (or none) count as no audience at all rather than as a handful's opinion.
      result.rated = true;
      result.mean_rating =
          input.votes > 0
              ? snap(static_cast<double>(input.rating_sum) / static_cast<double>(input.votes))
              : 0.0;
      result.too_few_ratings = input.votes < std::max<long>(scheme.min_ratings, 1);
      result.audience_component = result.too_few_ratings
                                      ? 0.0
                                      : snap(10.0 * static_cast<double>(input.rating_sum) /
                                             static_cast<double>(input.votes));
    } else {
      result.audience_component =
          most_votes > 0
              ? snap(100.0 * static_cast<double>(input.votes) / static_cast<double>(most_votes))
              : 0.0;
    }
    result.final_score = snap(scheme.judge_weight * result.judge_component.value_or(0.0) +
                              scheme.audience_weight * result.audience_component);
    // Each figure is rounded on its own: the published final is the unrounded final
    // rounded, not a sum of rounded components.
    result.published = publish_figures(result, scheme.result_decimals);
    results.push_back(std::move(result));
  }

  // Stable: entries that stay equal after every tie-break keep their running order.
  std::vector<RankKey> keys;
  keys.reserve(results.size());
  for (const auto& result : results) keys.push_back(rank_key(result));
  std::vector<std::size_t> order(results.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a].ranks_above(keys[b]); });

  // Competition ranking: 1, 1, 3.
  std::vector<EntryResult> ranked;
  ranked.reserve(results.size());
  for (std::size_t position = 0; position < order.size(); ++position) {
    EntryResult& result = results[order[position]];
    const bool shares_rank = position > 0 && keys[order[position]] == keys[order[position - 1]];
    result.rank = shares_rank ? ranked.back().rank : static_cast<int>(position) + 1;
    ranked.push_back(std::move(result));
  }
  return ranked;
}

std::vector<Award> compute_awards(const std::vector<AwardTier>& tiers,
                                  const std::string& popularity_name,
                                  const std::vector<EntryResult>& results) {
  std::vector<Award> awards;
  // Results are in rank order; an entry gets the first tier whose cumulative count reaches
  // its rank, so a shared rank at a tier's edge widens that tier.
  for (const auto& result : results) {
    int cumulative = 0;
    for (const auto& tier : tiers) {
      cumulative += tier.count;
      if (tier.count > 0 && result.rank <= cumulative) {
        awards.push_back(Award{tier.id, tier.name, result.entry});
        break;
      }
    }
  }
  // Rating mode: the best rated (by the published component), not the most rated.
  const bool rated = !results.empty() && results.front().rated;
  const auto measure = [rated](const EntryResult& result) -> std::int64_t {
    return rated ? result.published.audience_component.scaled : result.votes;
  };
  std::int64_t best = 0;
  for (const auto& result : results) best = std::max(best, measure(result));
  if (best > 0) {
    for (const auto& result : results) {
      if (measure(result) == best) {
        awards.push_back(Award{"popularity", popularity_name, result.entry});
      }
    }
  }
  return awards;
}

}  // namespace stagevote::core
