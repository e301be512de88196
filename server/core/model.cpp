#include "model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string_view>
#include <utility>

namespace stagevote::core {
namespace {

template <class T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) noexcept {
  for (const auto& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

Error invalid(std::string message) {
  return make_error(ErrorCode::bad_request, std::move(message));
}

// Ids of one kind must be non-empty and unique; `what` names the field in messages.
template <class T>
Status check_ids(const std::vector<T>& items, const std::string& what) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& id = items[i].id;
    if (id.empty()) return invalid(what + "[" + std::to_string(i) + "].id: must not be empty");
    if (!seen.insert(id).second) return invalid(what + ": duplicate id \"" + id + "\"");
  }
  return std::nullopt;
}

Status check_names(const std::vector<std::string>& names, const std::string& what) {
  std::set<std::string_view> seen;
  for (const auto& name : names) {
    if (name.empty()) return invalid(what + ": names must not be empty");
    if (!seen.insert(name).second) return invalid(what + ": duplicate \"" + name + "\"");
  }
  return std::nullopt;
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_weight(double w) {
  return std::isfinite(w) && w >= 0.0 && w <= 1.0;
}

Status validate_scoring(const ScoringScheme& scoring) {
  if (scoring.criteria.empty()) return invalid("scoring.criteria: at least one criterion");
  if (auto e = check_ids(scoring.criteria, "scoring.criteria")) return e;
  for (const auto& criterion : scoring.criteria) {
    if (!std::isfinite(criterion.max) || criterion.max <= 0) {
      return invalid("scoring.criteria." + criterion.id + ".max: must be a positive number");
    }
  }
  if (scoring.decimals < 0 || scoring.decimals > 6) {
    return invalid("scoring.decimals: must be 0..6");
  }
  // As for marks, 0..6: the scoring's 1e-9 grid then keeps three decimals to round on.
  if (scoring.result_decimals < 0 || scoring.result_decimals > 6) {
    return invalid("scoring.result_decimals: must be 0..6");
  }
  if (scoring.trim < 0) return invalid("scoring.trim: must not be negative");
  // Trimming must always leave at least one total to average.
  if (scoring.trim_min < 1 || scoring.trim_min < 2 * scoring.trim + 1) {
    return invalid("scoring.trim_min: must be at least 2 * trim + 1");
  }
  if (!is_weight(scoring.judge_weight)) return invalid("scoring.judge_weight: must be 0..1");
  if (!is_weight(scoring.audience_weight)) return invalid("scoring.audience_weight: must be 0..1");
  if (scoring.min_ratings < 0 || scoring.min_ratings > 1'000'000) {
    return invalid("scoring.min_ratings: must be 0..1000000");
  }
  // The tolerance is on a 10-point scale (scaled to the scheme's maximum).
  const Tolerance& tolerance = scoring.tolerance;
  if (tolerance.bands.size() > 100) return invalid("scoring.tolerance.bands: at most 100");
  std::set<double> froms;
  for (const auto& band : tolerance.bands) {
    if (!std::isfinite(band.from) || band.from < 0 || band.from > 10) {
      return invalid("scoring.tolerance.bands.from: must be 0..10 (a 10-point scale)");
    }
    if (!std::isfinite(band.gap) || band.gap <= 0 || band.gap > 10) {
      return invalid("scoring.tolerance.bands.gap: must be more than 0 and at most 10");
    }
    if (!froms.insert(band.from).second) {
      return invalid("scoring.tolerance.bands: two bands from " + std::to_string(band.from));
    }
  }
  if (!std::isfinite(tolerance.extremes_gap) || tolerance.extremes_gap < 0 ||
      tolerance.extremes_gap > 10) {
    return invalid("scoring.tolerance.extremes_gap: must be 0..10 (0: no extremes rule)");
  }
  return std::nullopt;
}

Status validate_audience(const AudiencePolicy& audience) {
  const auto within = [](int value, int low, int high) { return value >= low && value <= high; };
  if (!within(audience.identities_per_address, 0, 1'000'000)) {
    return invalid("audience.identities_per_address: must be 0 (no cap) or more");
  }
  if (!within(audience.identity_window_s, 1, 86'400)) {
    return invalid("audience.identity_window_s: must be 1..86400 seconds");
  }
  if (!within(audience.connections_per_address, 0, 1'000'000)) {
    return invalid("audience.connections_per_address: must be 0 (no cap) or more");
  }
  if (!within(audience.code_digits, 4, 6)) return invalid("audience.code_digits: must be 4..6");
  if (!within(audience.code_period_s, 10, 86'400)) {
    return invalid("audience.code_period_s: must be 10..86400 seconds");
  }
  if (!within(audience.code_grace_s, 0, 86'400)) {
    return invalid("audience.code_grace_s: must be 0..86400 seconds");
  }
  if (audience.alert_identities_per_minute < 1 || audience.alert_votes_per_minute < 1) {
    return invalid("audience.alert_*_per_minute: must be at least 1");
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(Admission admission) noexcept {
  switch (admission) {
    case Admission::open:
      return "open";
    case Admission::code:
      return "code";
    case Admission::ticket:
      return "ticket";
  }
  return "open";
}

std::optional<Admission> admission_from_string(std::string_view name) noexcept {
  for (const auto admission : {Admission::open, Admission::code, Admission::ticket}) {
    if (name == to_string(admission)) return admission;
  }
  return std::nullopt;
}

const char* to_string(AudienceMode mode) noexcept {
  return mode == AudienceMode::rating ? "rating" : "relative";
}

std::optional<AudienceMode> audience_mode_from_string(std::string_view name) noexcept {
  for (const auto mode : {AudienceMode::relative, AudienceMode::rating}) {
    if (name == to_string(mode)) return mode;
  }
  return std::nullopt;
}

const Entry* Contest::find_entry(std::string_view entry_id) const noexcept {
  return find_by_id(entries, entry_id);
}
const Round* Contest::find_round(std::string_view round_id) const noexcept {
  return find_by_id(rounds, round_id);
}
const Judge* Contest::find_judge(std::string_view judge_id) const noexcept {
  return find_by_id(judges, judge_id);
}
const Criterion* Contest::find_criterion(std::string_view criterion_id) const noexcept {
  return find_by_id(scoring.criteria, criterion_id);
}

const Judge* Contest::chief() const noexcept {
  for (const auto& judge : judges) {
    if (judge.chief) return &judge;
  }
  return nullptr;
}

const Judge* Contest::find_judge_by_token(std::string_view token) const noexcept {
  if (token.empty()) return nullptr;  // an empty token never opens a judge's phone
  for (const auto& judge : judges) {
    if (judge.token == token) return &judge;
  }
  return nullptr;
}

Status validate(const Contest& contest) {
  if (contest.id.empty()) return invalid("contest.id: must not be empty");
  if (contest.name.empty()) return invalid("contest.name: must not be empty");
  if (auto e = validate_scoring(contest.scoring)) return e;
  if (auto e = validate_audience(contest.audience)) return e;
  if (auto e = check_names(contest.units, "units")) return e;
  if (auto e = check_names(contest.forms, "forms")) return e;
  if (auto e = check_names(contest.themes, "themes")) return e;

  if (auto e = check_ids(contest.entries, "entries")) return e;
  for (const auto& entry : contest.entries) {
    const std::string where = "entries." + entry.id;
    if (!entry.unit.empty() && !listed(contest.units, entry.unit)) {
      return invalid(where + ".unit: \"" + entry.unit + "\" is not in units");
    }
    if (!entry.form.empty() && !contest.forms.empty() && !listed(contest.forms, entry.form)) {
      return invalid(where + ".form: \"" + entry.form + "\" is not in forms");
    }
    if (!entry.theme.empty() && !contest.themes.empty() && !listed(contest.themes, entry.theme)) {
      return invalid(where + ".theme: \"" + entry.theme + "\" is not in themes");
    }
  }

  if (auto e = check_ids(contest.rounds, "rounds")) return e;
  for (const auto& round : contest.rounds) {
    std::set<std::string_view> seen;
    for (const auto& entry_id : round.entries) {
      if (!contest.find_entry(entry_id)) {
        return invalid("rounds." + round.id + ".entries: unknown entry \"" + entry_id + "\"");
      }
      if (!seen.insert(entry_id).second) {
        return invalid("rounds." + round.id + ".entries: \"" + entry_id + "\" listed twice");
      }
    }
  }

  if (auto e = check_ids(contest.judges, "judges")) return e;
  if (std::count_if(contest.judges.begin(), contest.judges.end(),
                    [](const Judge& judge) { return judge.chief; }) > 1) {
    return invalid("judges: at most one chief judge (评审组长)");
  }
  std::set<std::string_view> tokens;
  for (const auto& judge : contest.judges) {
    const std::string where = "judges." + judge.id;
    // A judge's unit need not be an entry's: an outside judge (党校, 大学, 报社) is recused
    // from nothing, and `units` stays the entries' units.
    if (judge.unit && judge.unit->empty()) return invalid(where + ".unit: must not be empty");
    if (judge.token.empty()) return invalid(where + ".token: must not be empty");
    if (!tokens.insert(judge.token).second) return invalid(where + ".token: not unique");
  }

  if (auto e = check_ids(contest.awards, "awards")) return e;
  for (const auto& tier : contest.awards) {
    if (tier.count < 0) return invalid("awards." + tier.id + ".count: must not be negative");
  }
  return std::nullopt;
}

bool is_recused(const Judge& judge, const Entry& entry) noexcept {
  return judge.unit.has_value() && !entry.unit.empty() && *judge.unit == entry.unit;
}

std::vector<std::string> draw_order(std::vector<std::string> entries, std::uint64_t seed) {
  // std::shuffle and the std distributions differ between standard libraries; the engine's
  // output does not. So: Fisher-Yates by hand with an unbiased bounded draw (rejection of
  // the 2^64 mod bound lowest outputs), identical everywhere for the same seed.
  std::mt19937_64 engine(seed);
  for (std::size_t i = entries.size(); i > 1; --i) {
    const std::uint64_t bound = i;
    const std::uint64_t reject_below = (0 - bound) % bound;
    std::uint64_t draw = engine();
    while (draw < reject_below) draw = engine();
    std::swap(entries[i - 1], entries[static_cast<std::size_t>(draw % bound)]);
  }
  return entries;
}

}  // namespace stagevote::core
