#pragma once
// Judges' marking measured against the panel over one round (docs/judging.md, "Marking
// statistics"). Pure: the caller gives the round's scored entries and the judges.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"
#include "scoring.hpp"

namespace stagevote::core {

class Show;

// One entry of the round as the statistics need it: whose totals, which were dropped.
struct ScoredEntry {
  std::string entry;
  std::string unit;
  std::vector<JudgeTotal> totals;  // judges who scored it, `dropped` as the trimmed mean set it
};

// When a figure raises a flag (docs/judging.md, "Flags"). Deviations are measured in units
// of the round's spread σ, so the same thresholds serve a 10-point and a 100-point scheme.
struct StatsThresholds {
  int min_entries = 5;       // no flag from a figure with fewer entries behind it
  double bias = 1.0;         // |bias − panel's| / σ at or above ...
  double bias_errors = 3.5;  // ... and as many standard errors of the judge's mean: `bias`
  double noisy = 1.6;        // scatter at or above: `noisy`
  double reversed = -0.5;    // Spearman's ρ at or below: `reversed`
  double affinity = 1.5;     // |related − other mean deviation| / σ at or above
};

// A figure and the number of entries behind it (value null: no entry, or undefined).
struct Figure {
  std::optional<double> value;
  int n = 0;
};

struct JudgeStats {
  std::string judge;
  int entries = 0;                 // entries of the round the judge scored
  Figure bias;                     // mean signed deviation, entries outside related units
  Figure marking_score;            // RMS deviation / σ, entries outside related units
  Figure scatter;                  // SD of those deviations / the panel's typical SD
  int dropped_high = 0;            // times the judge's total was dropped as a highest ...
  int dropped_low = 0;             // ... and as a lowest (out of `entries`)
  Figure spearman;                 // ρ between the judge's totals and the references
  Figure related;                  // mean deviation on entries of the judge's related units
  Figure affinity;                 // related mean deviation − bias (n: related entries)
  std::vector<std::string> flags;  // of "bias", "reversed", "noisy", "affinity"
};

struct RoundStats {
  // σ: the typical judge's RMS deviation, the median over the judges (n: judges behind it).
  Figure sigma;
  Figure panel_bias;               // the median of the judges' biases (n: judges behind it)
  Figure typical_scatter;          // the median of the SDs of the judges' deviations
  std::vector<JudgeStats> judges;  // in the contest's judge order
};

// The reference for a judge on an entry is the trimmed mean of the OTHER judges' totals
// (the scheme's trim rule applied to them), so that a judge never pulls their own yardstick.
RoundStats judge_stats(const ScoringScheme& scheme, const std::vector<Judge>& judges,
                       const std::vector<ScoredEntry>& entries,
                       const StatsThresholds& thresholds = {});

// The round's scored entries as the show holds them now (results with `dropped` set).
std::vector<ScoredEntry> scored_entries(const Show& show, std::string_view round);

}  // namespace stagevote::core
