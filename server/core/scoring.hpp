#pragma once
// The scoring rulebook of ../shared/contract.md, as pure functions.
#include <cstdint>
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
  // Rating mode: `votes` counts the ratings of the entry's counted rating poll, this sums them.
  long rating_sum = 0;
  bool provisional = false;  // the audience component may still move (the show decides)
};

// A decimal figure held exactly: `scaled` units of 10^-decimals (9123 at 2 decimals is
// 91.23). Published figures are these, so that what is shown, printed and ranked is one
// decimal value rather than a double that each reader rounds in its own way.
struct Decimal {
  std::int64_t scaled = 0;
  int decimals = 0;

  // Exactly `decimals` digits after the point: "91.23", "100.00"; "7" at 0 decimals.
  std::string text() const;
  // The double nearest to the figure, for spreadsheets (formatted with `decimals` decimals,
  // it shows text()).
  double value() const;
};

// `figure` rounded half away from zero to `decimals` (0..6) decimals. The rounding is done
// in integers on the figure's 1e-9 grid point, where the scoring puts every figure it
// computes: 2.675 publishes as 2.68 although the double nearest to 2.675 lies below it.
Decimal publish(double figure, int decimals);

// A result's figures as published: each rounded by publish() to the scheme's
// result_decimals. Whatever shows a result prints these (the exports do; clients get them as
// the results JSON's "published"), never a rounding of its own; ranks are decided on them.
struct Published {
  std::optional<Decimal> judge_component;  // null while the judge component is
  Decimal audience_component;
  Decimal final_score;
  Decimal plain_mean;
};

struct EntryResult {
  std::string entry;
  std::vector<JudgeTotal> judge_scores;   // with `dropped` set by trimming
  std::optional<double> judge_component;  // null until a judge scored
  double plain_mean = 0;                  // mean of all judge totals (tie-break 2)
  long votes = 0;
  double audience_component = 0;  // 100 * votes / max votes in round (0 if none)
  double final_score = 0;         // judge_weight*jc + audience_weight*ac (jc=0 if null)
  Published published;            // the four figures above, rounded
  int rank = 0;  // 1 = best by the published figures; ties after tie-breaks share a rank
  bool provisional = false;  // the final may still move (暂计): the audience vote is not over
  // Rating mode only (rated): audience_component is 10 * mean_rating of `votes` ratings, or 0
  // with too_few_ratings when there are fewer than scoring.min_ratings (or none).
  bool rated = false;
  bool too_few_ratings = false;
  double mean_rating = 0;
};

// Marks trimmed totals and returns the judge component (nullopt when nobody scored).
std::optional<double> judge_component(const ScoringScheme& scheme, std::vector<JudgeTotal>& totals);

// Results of a round, in rank order (ties keep running order). Ranked by the published
// final, then the published judge component (none ranks below any), the published plain
// mean, and votes: entries equal in all of these share a rank (1, 1, 3).
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
// In rating mode (results rated) popularity goes to the highest audience component instead.
std::vector<Award> compute_awards(const std::vector<AwardTier>& tiers,
                                  const std::string& popularity_name,
                                  const std::vector<EntryResult>& results);

}  // namespace stagevote::core
