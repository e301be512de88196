#pragma once
// The scoring rulebook of ../shared/contract.md, as pure functions.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model.hpp"

namespace stagevote::core {

// One judge's marks for one entry: criterion id -> mark.
using Marks = std::map<std::string, double>;

// Every criterion present, each 0..max with at most scheme.decimals decimals, no unknown
// criteria. Errors: bad_request (missing/unknown criterion), out_of_range.
Status validate_marks(const ScoringScheme& scheme, const Marks& marks);

// Sum of the marks over all criteria.
double judge_total(const Marks& marks);

struct JudgeTotal {
  std::string judge;
  double total = 0;
  bool dropped = false;
};

struct ResultInput {
  std::string entry;
  std::vector<JudgeTotal> judge_totals;  // only judges who scored (not recused, not missing)
  long votes = 0;                        // audience votes for this entry in this round
};

struct EntryResult {
  std::string entry;
  std::vector<JudgeTotal> judge_scores;   // with `dropped` set by trimming
  std::optional<double> judge_component;  // null until a judge scored
  double plain_mean = 0;                  // mean of all judge totals (tie-break 2)
  long votes = 0;
  double audience_component = 0;          // 100 * votes / max votes in round (0 if none)
  double final_score = 0;                 // judge_weight*jc + audience_weight*ac (jc=0 if null)
  int rank = 0;                           // 1 = best; ties after tie-breaks share a rank
};

// Marks trimmed totals and returns the judge component (nullopt when nobody scored).
std::optional<double> judge_component(const ScoringScheme& scheme,
                                      std::vector<JudgeTotal>& totals);

// Results of a round, in rank order (ties keep running order).
std::vector<EntryResult> compute_results(const ScoringScheme& scheme,
                                         const std::vector<ResultInput>& inputs);

struct Award {
  std::string award;  // tier id, or "popularity"
  std::string name;
  std::string entry;
};

// Tiers by rank: an entry whose rank is within the first tier's count gets the first tier,
// and so on (shared ranks may widen a tier). Popularity: the most votes (ties share), only
// if anyone voted.
std::vector<Award> compute_awards(const std::vector<AwardTier>& tiers,
                                  const std::string& popularity_name,
                                  const std::vector<EntryResult>& results);

}  // namespace stagevote::core
