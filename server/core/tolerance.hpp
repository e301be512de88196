#pragma once
// The tolerance review (docs/judging.md, "Tolerance review"): whether one entry's judge totals
// are close enough to go up, as a pure function of the scheme and the totals.
#include <string>
#include <vector>

#include "scoring.hpp"

namespace stagevote::core {

// The scheme's largest possible total: what 10 on the tolerance's 10-point scale stands for.
double scheme_maximum(const ScoringScheme& scheme);

struct ToleranceCheck {
  bool breaks = false;  // the kept gap or the extremes break the table: review
  bool kept_gap_broken = false;
  bool extremes_broken = false;
  // On the scheme's scale (not the 10-point one), for the desk.
  double kept_mean = 0;  // the judge component the band is chosen by
  double kept_min = 0, kept_max = 0;
  double allowed_gap = -1;       // the band's gap scaled to the scheme (-1: no band holds the mean)
  double low = 0, high = 0;      // all totals' extremes
  double allowed_extremes = -1;  // scaled (-1: no extremes rule)
  // The judges whose marks break it: of the ends of a gap too wide (the kept extremes, or all
  // totals' extremes), the one farther from the kept mean, both when equally far; in the
  // order of `totals`.
  std::vector<std::string> judges;
};

// Off (breaks nothing) when the tolerance is off or fewer than two judges scored. The kept
// totals are those trimming keeps (scheme.trim, trim_min). A kept gap breaks the band when
// it is wider than the band's gap; the extremes break when their gap is extremes_gap or more
// (FIG: "a gap of 1.0 or more"). Gaps are compared on the 1e-9 grid the scoring rounds on.
ToleranceCheck check_tolerance(const ScoringScheme& scheme, std::vector<JudgeTotal> totals);

}  // namespace stagevote::core
