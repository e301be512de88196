#include "tolerance.hpp"

#include <algorithm>
#include <cmath>

namespace stagevote::core {
namespace {

// Totals are sums of decimal marks held in doubles: 8.3 - 8.0 is 0.30000000000000071. On the
// scoring's 1e-9 grid that is 0.3, as the judges wrote it.
long long on_grid(double value) {
  return std::llround(value * 1e9);
}

}  // namespace

double scheme_maximum(const ScoringScheme& scheme) {
  double maximum = 0;
  for (const auto& criterion : scheme.criteria) maximum += criterion.max;
  return maximum;
}

ToleranceCheck check_tolerance(const ScoringScheme& scheme, std::vector<JudgeTotal> totals) {
  ToleranceCheck check;
  const Tolerance& table = scheme.tolerance;
  if (!table.enabled() || totals.size() < 2) return check;
  const double maximum = scheme_maximum(scheme);
  if (!(maximum > 0)) return check;
  const double scale = maximum / 10;  // scheme points per point of the 10-point scale

  check.kept_mean = judge_component(scheme, totals).value_or(0);
  bool first_kept = true;
  for (const auto& total : totals) {
    if (total.dropped) continue;
    check.kept_min = first_kept ? total.total : std::min(check.kept_min, total.total);
    check.kept_max = first_kept ? total.total : std::max(check.kept_max, total.total);
    first_kept = false;
  }
  const auto [low, high] = std::minmax_element(
      totals.begin(), totals.end(),
      [](const JudgeTotal& a, const JudgeTotal& b) { return a.total < b.total; });
  check.low = low->total;
  check.high = high->total;

  // The band whose `from` is the highest at or below the kept mean (10-point scale).
  const long long mean10 = on_grid(check.kept_mean / scale);
  const ToleranceBand* band = nullptr;
  for (const auto& candidate : table.bands) {
    if (on_grid(candidate.from) <= mean10 && (!band || candidate.from > band->from)) {
      band = &candidate;
    }
  }
  if (band) {
    check.allowed_gap = band->gap * scale;
    check.kept_gap_broken = on_grid(check.kept_max - check.kept_min) > on_grid(check.allowed_gap);
  }
  if (table.extremes_gap > 0) {
    check.allowed_extremes = table.extremes_gap * scale;
    check.extremes_broken = on_grid(check.high - check.low) >= on_grid(check.allowed_extremes);
  }
  check.breaks = check.kept_gap_broken || check.extremes_broken;
  // The marks that break it: of the two ends of a gap too wide, the one farther from the kept
  // mean (both when equally far): the outlier, not the judges who agree with the panel.
  const auto far_end = [&](double low_end, double high_end, double value) {
    const long long below = on_grid(check.kept_mean - low_end);
    const long long above = on_grid(high_end - check.kept_mean);
    return (value == low_end && below >= above) || (value == high_end && above >= below);
  };
  for (const auto& total : totals) {
    const bool kept_outlier = check.kept_gap_broken && !total.dropped &&
                              far_end(check.kept_min, check.kept_max, total.total);
    const bool extreme_outlier =
        check.extremes_broken && far_end(check.low, check.high, total.total);
    if (kept_outlier || extreme_outlier) check.judges.push_back(total.judge);
  }
  return check;
}

}  // namespace stagevote::core
