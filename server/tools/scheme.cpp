#include "tools/scheme.hpp"

#include <cmath>
#include <initializer_list>
#include <set>

#include "core/commands.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

using nlohmann::json;

// What the criteria's maxima add up to: the judges' component is then out of 100, like the
// audience's.
constexpr double kScaleTotal = 100;

// The keys of the scheme's top level (read_scheme).
constexpr const char* kTopLevelKeys[] = {"contest",  "scoring", "units",  "forms",
                                         "themes",   "rounds",  "awards", "popularity_award",
                                         "audience", "entries", "judges", "publication"};

std::string type_name(const json& value) {
  if (value.is_string()) return "text \"" + value.get<std::string>() + "\"";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_null()) return "null";
  if (value.is_array()) return "a list";
  if (value.is_object()) return "a table";
  return value.dump();
}

// One object of the document: typed reads that report problems with the value's line.
class Fields {
 public:
  Fields(const Document& doc, const json& object, std::string pointer, std::string path,
         Problems& problems)
      : doc_(doc),
        object_(object),
        pointer_(std::move(pointer)),
        path_(std::move(path)),
        problems_(problems) {}

  std::string path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  std::string pointer(const std::string& key) const { return pointer_ + "/" + key; }
  int line(const std::string& key) const { return doc_.line_of(pointer(key)); }
  int own_line() const { return doc_.line_of(pointer_); }
  bool has(const std::string& key) const { return object_.contains(key); }
  const json& get(const std::string& key) const { return object_.at(key); }

  void problem(const std::string& key, const std::string& reason) const {
    problems_.push_back({doc_.file, line(key), path(key) + " " + reason});
  }
  void problem_here(const std::string& reason) const {
    problems_.push_back(
        {doc_.file, own_line(), (path_.empty() ? "the scheme " : path_ + " ") + reason});
  }

  std::optional<std::string> text(const std::string& key, bool required) const {
    if (!has(key)) {
      if (required) problem_here("is missing " + key);
      return std::nullopt;
    }
    const json& value = get(key);
    if (!value.is_string()) {
      problem(key, "must be text, not " + type_name(value));
      return std::nullopt;
    }
    std::string text = value.get<std::string>();
    if (required && text.empty()) {
      problem(key, "must not be empty");
      return std::nullopt;
    }
    return text;
  }

  std::optional<double> number(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const json& value = get(key);
    if (!value.is_number()) {
      problem(key, "must be a number, not " + type_name(value));
      return std::nullopt;
    }
    return value.get<double>();
  }

  std::optional<int> integer(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const json& value = get(key);
    if (!value.is_number_integer() || value.get<std::int64_t>() < -1000000 ||
        value.get<std::int64_t>() > 1000000) {
      problem(key, "must be a whole number, not " + type_name(value));
      return std::nullopt;
    }
    return static_cast<int>(value.get<std::int64_t>());
  }

  // A list of non-empty, distinct texts.
  std::optional<std::vector<std::string>> texts(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const json& value = get(key);
    if (!value.is_array()) {
      problem(key, "must be a list of names, not " + type_name(value));
      return std::nullopt;
    }
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string at = pointer(key) + "/" + std::to_string(i);
      const std::string where = path(key) + "[" + std::to_string(i + 1) + "]";
      if (!value[i].is_string() || value[i].get<std::string>().empty()) {
        problems_.push_back({doc_.file, doc_.line_of(at),
                             where + " must be a non-empty name, not " + type_name(value[i])});
        continue;
      }
      std::string name = value[i].get<std::string>();
      if (!seen.insert(name).second) {
        problems_.push_back({doc_.file, doc_.line_of(at), where + " repeats \"" + name + "\""});
        continue;
      }
      out.push_back(std::move(name));
    }
    return out;
  }

  // Calls `visit` with Fields for each object of the list `key`.
  template <class Visit>
  void objects(const std::string& key, Visit visit) const {
    if (!has(key)) return;
    const json& value = get(key);
    if (!value.is_array()) {
      problem(key, "must be a list of tables, not " + type_name(value));
      return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      Fields item(doc_, value[i], pointer(key) + "/" + std::to_string(i),
                  path(key) + "[" + std::to_string(i + 1) + "]", problems_);
      if (!value[i].is_object()) {
        item.problem_here("must be a table, not " + type_name(value[i]));
        continue;
      }
      visit(item);
    }
  }

  // Unknown keys are typos more often than not ("trim_mini"): say so. A top-level key inside
  // a table most often landed there in TOML, where every key after a [table] header belongs to
  // that table: say that instead.
  void reject_unknown(std::initializer_list<const char*> known) const {
    for (const auto& [key, value] : object_.items()) {
      bool ok = false;
      for (const char* name : known) ok = ok || key == name;
      if (ok) continue;
      if (!path_.empty() && is_top_level_key(key)) {
        problem(key, misplaced_top_level_key(key));
      } else {
        problem(key, "is not a known key here (known: " + join(known) + ")");
      }
    }
  }

  const Document& doc() const { return doc_; }

 private:
  static bool is_top_level_key(const std::string& key) {
    for (const char* name : kTopLevelKeys)
      if (key == name) return true;
    return false;
  }

  // "[[awards]]" for "awards[2]", "[scoring]" for "scoring": this table as TOML heads it.
  std::string toml_header() const {
    std::string name;
    bool array = false;
    for (std::size_t i = 0; i < path_.size(); ++i) {
      if (path_[i] == '[') {
        array = true;
        i = path_.find(']', i);
        if (i == std::string::npos) break;
        continue;
      }
      name += path_[i];
    }
    return array ? "[[" + name + "]]" : "[" + name + "]";
  }

  std::string misplaced_top_level_key(const std::string& key) const {
    if (extension_of(doc_.file) != "toml")
      return "是顶层键，不能写在 " + path_ + " 里 / is a top-level key: move it out of " + path_ +
             " to the top level of the scheme";
    const std::string header = toml_header();
    return "是顶层键：在 TOML 中须写在第一个 " + header +
           " 表之前（写在文件开头、任何 [表] 之前；写在表头之后的键都属于该表） / " + key +
           " is a top-level key; in TOML it must come before the first " + header +
           " table (at the top of the file, before any [table]: every key after a table's "
           "header belongs to that table)";
  }

  static std::string join(std::initializer_list<const char*> names) {
    std::string text;
    for (const char* name : names) text += (text.empty() ? "" : ", ") + std::string(name);
    return text;
  }

  const Document& doc_;
  const json& object_;
  std::string pointer_;
  std::string path_;
  Problems& problems_;
};

void read_head(const Fields& top, core::Contest& contest, Problems& problems) {
  if (!top.has("contest")) {
    top.problem_here("is missing the [contest] table (id, name)");
    return;
  }
  if (!top.get("contest").is_object()) {
    top.problem("contest", "must be a table with id and name");
    return;
  }
  Fields head(top.doc(), top.get("contest"), "/contest", "contest", problems);
  head.reject_unknown({"id", "name", "subtitle"});
  if (auto id = head.text("id", true)) contest.id = *id;
  if (auto name = head.text("name", true)) contest.name = *name;
  if (auto subtitle = head.text("subtitle", false)) contest.subtitle = *subtitle;
}

// The criteria's maxima add up to 100 (the contract's "Scale"): the audience component is out
// of 100, so criteria adding up to 10 would let 10 % of audience outweigh 90 % of judges.
// Checked only when every criterion was read: a criterion reported already would make the sum
// wrong twice.
void check_scale(const Fields& s, const std::vector<core::Criterion>& criteria) {
  if (!s.has("criteria") || !s.get("criteria").is_array() || criteria.empty() ||
      criteria.size() != s.get("criteria").size())
    return;
  double total = 0;
  std::string terms;
  for (const auto& criterion : criteria) {
    total += criterion.max;
    terms += (terms.empty() ? "" : " + ") + criterion.id + " " + format_number(criterion.max);
  }
  // Maxima such as 33.3 + 33.3 + 33.4 do not add up to exactly 100 in binary.
  if (std::fabs(total - kScaleTotal) < 1e-6) return;
  const std::string sum = format_number(std::round(total * 1e6) / 1e6);
  s.problem("criteria", "各评分项满分之和须为 100，现为 " + sum + "（" + terms +
                            "） / the criteria's max values must add up to 100 (the audience "
                            "component is out of 100), not " +
                            sum + " (" + terms + ")");
}

// [scoring.tolerance]: the review table on a 10-point scale (docs/data.md). Off when absent.
void read_tolerance(const Fields& s, core::Tolerance& tolerance, Problems& problems) {
  if (!s.has("tolerance")) return;
  if (!s.get("tolerance").is_object()) return s.problem("tolerance", "must be a table");
  Fields t(s.doc(), s.get("tolerance"), s.pointer("tolerance"), s.path("tolerance"), problems);
  t.reject_unknown({"bands", "extremes_gap"});
  std::set<double> froms;
  t.objects("bands", [&](const Fields& b) {
    b.reject_unknown({"from", "gap"});
    const auto from = b.number("from");
    const auto gap = b.number("gap");
    if (!b.has("from") || !b.has("gap")) {
      return b.problem_here("needs from (the band's lowest score, 0..10) and gap");
    }
    if (from && (*from < 0 || *from > 10)) {
      return b.problem("from", "must be between 0 and 10 (the table is on a 10-point scale)");
    }
    if (gap && !(*gap > 0 && *gap <= 10)) {
      return b.problem("gap", "must be more than 0 and at most 10");
    }
    if (from && !froms.insert(*from).second) return b.problem("from", "repeats another band's");
    if (from && gap) tolerance.bands.push_back({*from, *gap});
  });
  if (auto extremes = t.number("extremes_gap")) {
    if (*extremes < 0 || *extremes > 10) {
      t.problem("extremes_gap", "must be between 0 and 10 (0: no extremes rule)");
    } else {
      tolerance.extremes_gap = *extremes;
    }
  }
}

void read_scoring(const Fields& top, core::ScoringScheme& scoring, Problems& problems) {
  if (!top.has("scoring") || !top.get("scoring").is_object()) {
    if (top.has("scoring")) {
      top.problem("scoring", "must be a table");
    } else {
      top.problem_here("is missing the [scoring] table (criteria, weights)");
    }
    return;
  }
  Fields s(top.doc(), top.get("scoring"), "/scoring", "scoring", problems);
  s.reject_unknown({"criteria", "decimals", "result_decimals", "trim", "trim_min", "judge_weight",
                    "audience_weight", "audience_mode", "min_ratings", "tolerance"});

  std::set<std::string> ids;
  s.objects("criteria", [&](const Fields& c) {
    c.reject_unknown({"id", "name", "max"});
    core::Criterion criterion;
    auto id = c.text("id", true);
    if (id && !ids.insert(*id).second) {
      c.problem("id", "repeats criterion id \"" + *id + "\"");
      id.reset();
    }
    criterion.name = c.text("name", false).value_or(id.value_or(""));
    auto max = c.number("max");
    if (!c.has("max")) c.problem_here("is missing max (the highest mark)");
    if (max && !(*max > 0)) {
      c.problem("max", "must be more than 0");
      max.reset();
    }
    if (id && max) {
      criterion.id = *id;
      criterion.max = *max;
      scoring.criteria.push_back(std::move(criterion));
    }
  });
  if (!s.has("criteria") || (s.get("criteria").is_array() && s.get("criteria").empty()))
    s.problem_here("needs at least one criterion ([[scoring.criteria]] with id, name, max)");
  check_scale(s, scoring.criteria);

  for (auto [key, target] : {std::pair{"decimals", &scoring.decimals},
                             std::pair{"result_decimals", &scoring.result_decimals}}) {
    if (auto decimals = s.integer(key)) {
      if (*decimals < 0 || *decimals > 6) {
        s.problem(key, "must be between 0 and 6");
      } else {
        *target = *decimals;
      }
    }
  }
  if (auto trim = s.integer("trim")) {
    if (*trim < 0) {
      s.problem("trim", "must not be negative");
    } else {
      scoring.trim = *trim;
    }
  }
  if (auto trim_min = s.integer("trim_min")) {
    if (*trim_min < 2 * scoring.trim + 1) {
      s.problem("trim_min",
                "must be at least 2 * trim + 1 = " + std::to_string(2 * scoring.trim + 1) +
                    " (someone must be left after trimming)");
    } else {
      scoring.trim_min = *trim_min;
    }
  } else if (scoring.trim_min < 2 * scoring.trim + 1) {
    s.problem("trim", "needs trim_min of at least " + std::to_string(2 * scoring.trim + 1));
  }
  bool weights_ok = true;
  for (auto [key, target] : {std::pair{"judge_weight", &scoring.judge_weight},
                             std::pair{"audience_weight", &scoring.audience_weight}}) {
    if (auto weight = s.number(key)) {
      if (*weight < 0 || *weight > 1) {
        s.problem(key, "must be between 0 and 1");
        weights_ok = false;
      } else {
        *target = *weight;
      }
    } else if (s.has(key)) {
      weights_ok = false;
    }
  }
  if (weights_ok && std::fabs(scoring.judge_weight + scoring.audience_weight - 1.0) > 1e-9) {
    s.problem(s.has("audience_weight") ? "audience_weight" : "judge_weight",
              "and the other weight must add up to 1 (judge_weight " +
                  std::to_string(scoring.judge_weight) + " + audience_weight " +
                  std::to_string(scoring.audience_weight) + ")");
  }
  if (auto mode = s.text("audience_mode", false)) {
    if (auto audience_mode = core::audience_mode_from_string(*mode)) {
      scoring.audience_mode = *audience_mode;
    } else {
      s.problem("audience_mode",
                "must be \"relative\" (votes against the round's most) or "
                "\"rating\" (each entry rated 1..10), not \"" +
                    *mode + "\"");
    }
  }
  if (auto min_ratings = s.integer("min_ratings")) {
    if (*min_ratings < 0) {
      s.problem("min_ratings", "must not be negative");
    } else {
      scoring.min_ratings = *min_ratings;
    }
  }
  read_tolerance(s, scoring.tolerance, problems);
}

void read_rounds(const Fields& top, Draft& draft, Problems& problems) {
  std::set<std::string> ids;
  top.objects("rounds", [&](const Fields& r) {
    r.reject_unknown({"id", "name", "entries"});
    auto id = r.text("id", true);
    if (!id) return;
    if (!ids.insert(*id).second) {
      r.problem("id", "repeats round id \"" + *id + "\"");
      return;
    }
    core::Round round{*id, r.text("name", false).value_or(*id), {}};
    std::vector<Origin> entry_lines;
    bool lists = false;
    if (auto entries = r.texts("entries")) {
      lists = true;
      round.entries = *entries;
      for (std::size_t i = 0; i < r.get("entries").size(); ++i)
        entry_lines.push_back(
            {r.doc().file, r.doc().line_of(r.pointer("entries") + "/" + std::to_string(i))});
    }
    draft.contest.rounds.push_back(std::move(round));
    draft.round_origin.push_back({r.doc().file, r.own_line()});
    draft.round_lists_entries.push_back(lists);
    draft.round_entry_origin.push_back(std::move(entry_lines));
  });
  if (!top.has("rounds") || (top.get("rounds").is_array() && top.get("rounds").empty()))
    top.problem_here("needs at least one round ([[rounds]] with id and name)");
}

void read_awards(const Fields& top, core::Contest& contest) {
  std::set<std::string> ids;
  top.objects("awards", [&](const Fields& a) {
    a.reject_unknown({"id", "name", "count"});
    auto id = a.text("id", true);
    const std::optional<int> given = a.integer("count");
    // -1 when absent or not an integer (reported either way). A plain int: GCC 12 warns that
    // an optional<int> tested and then read "may be used uninitialized".
    const int count = given.value_or(-1);
    if (!a.has("count")) a.problem_here("is missing count (how many ranks get this award)");
    if (given.has_value() && count < 0) a.problem("count", "must not be negative");
    if (id && !ids.insert(*id).second) {
      a.problem("id", "repeats award id \"" + *id + "\"");
      id.reset();
    }
    if (id && count >= 0)
      contest.awards.push_back({*id, a.text("name", false).value_or(*id), count});
  });
}

// [audience]: who may vote (docs/data.md). Ranges are checked by core::validate with the rest.
void read_audience(const Fields& top, core::AudiencePolicy& audience, Problems& problems) {
  if (!top.has("audience")) return;
  if (!top.get("audience").is_object()) return top.problem("audience", "must be a table");
  Fields a(top.doc(), top.get("audience"), "/audience", "audience", problems);
  a.reject_unknown({"admission", "identities_per_address", "identity_window_s",
                    "connections_per_address", "code_digits", "code_period_s", "code_grace_s",
                    "alert_identities_per_minute", "alert_votes_per_minute"});
  if (auto mode = a.text("admission", false)) {
    if (auto admission = core::admission_from_string(*mode)) {
      audience.admission = *admission;
    } else {
      a.problem("admission", "must be open, code or ticket, not \"" + *mode + "\"");
    }
  }
  for (auto [key, field] :
       {std::pair{"identities_per_address", &audience.identities_per_address},
        std::pair{"identity_window_s", &audience.identity_window_s},
        std::pair{"connections_per_address", &audience.connections_per_address},
        std::pair{"code_digits", &audience.code_digits},
        std::pair{"code_period_s", &audience.code_period_s},
        std::pair{"code_grace_s", &audience.code_grace_s},
        std::pair{"alert_identities_per_minute", &audience.alert_identities_per_minute},
        std::pair{"alert_votes_per_minute", &audience.alert_votes_per_minute}}) {
    if (auto value = a.integer(key)) *field = *value;
  }
}

// [publication]: what the 公示 prints in its head (docs/data.md).
void read_publication(const Fields& top, core::Publication& publication, Problems& problems) {
  if (!top.has("publication")) return;
  if (!top.get("publication").is_object()) return top.problem("publication", "must be a table");
  Fields p(top.doc(), top.get("publication"), "/publication", "publication", problems);
  p.reject_unknown({"date", "venue", "period", "phone"});
  for (auto [key, field] :
       {std::pair{"date", &publication.date}, std::pair{"venue", &publication.venue},
        std::pair{"period", &publication.period}, std::pair{"phone", &publication.phone}}) {
    auto text = p.text(key, false);
    if (!text) continue;
    if (text->size() > core::kMaxNameLength) {
      p.problem(key, "is too long (at most " + std::to_string(core::kMaxNameLength) + " bytes)");
      continue;
    }
    *field = *text;
  }
}

std::vector<EntryRow> read_inline_entries(const Fields& top) {
  std::vector<EntryRow> rows;
  top.objects("entries", [&](const Fields& e) {
    e.reject_unknown({"id", "title", "unit", "form", "theme"});
    EntryRow row;
    row.origin = {e.doc().file, e.own_line()};
    row.entry.id = e.text("id", true).value_or("");
    row.entry.title = e.text("title", false).value_or("");
    row.entry.unit = e.text("unit", false).value_or("");
    row.entry.form = e.text("form", false).value_or("");
    row.entry.theme = e.text("theme", false).value_or("");
    if (!row.entry.id.empty()) rows.push_back(std::move(row));
  });
  return rows;
}

std::vector<JudgeRow> read_inline_judges(const Fields& top) {
  std::vector<JudgeRow> rows;
  top.objects("judges", [&](const Fields& j) {
    j.reject_unknown({"id", "name", "unit", "title", "token", "chief"});
    JudgeRow row;
    row.origin = {j.doc().file, j.own_line()};
    row.judge.id = j.text("id", true).value_or("");
    row.judge.name = j.text("name", false).value_or(row.judge.id);
    if (j.has("unit") && !j.get("unit").is_null()) {
      if (auto unit = j.text("unit", false); unit && !unit->empty()) row.judge.unit = *unit;
    }
    row.judge.title = j.text("title", false).value_or("");
    row.judge.token = j.text("token", false).value_or("");
    // As GET /api/contest writes it: "chief": true on the chief judge (评审组长) only.
    if (j.has("chief")) {
      if (j.get("chief").is_boolean()) {
        row.judge.chief = j.get("chief").get<bool>();
      } else {
        j.problem("chief", "must be true or false, not " + type_name(j.get("chief")));
      }
    }
    if (!row.judge.id.empty()) rows.push_back(std::move(row));
  });
  return rows;
}

}  // namespace

SchemeRosters read_scheme(const Document& doc, Draft& draft, Problems& problems) {
  draft.scheme = {doc.file, 0};
  if (!doc.root.is_object()) {
    problems.push_back({doc.file, doc.line_of(""), "the scheme must be a table (a JSON object)"});
    return {};
  }
  Fields top(doc, doc.root, "", "", problems);
  top.reject_unknown({"contest", "scoring", "units", "forms", "themes", "rounds", "awards",
                      "popularity_award", "audience", "entries", "judges", "publication"});
  core::Contest& contest = draft.contest;
  read_head(top, contest, problems);
  read_scoring(top, contest.scoring, problems);
  if (auto units = top.texts("units")) {
    contest.units = *units;
    draft.units_declared = true;
  }
  if (auto forms = top.texts("forms")) {
    contest.forms = *forms;
    draft.forms_declared = true;
  }
  if (auto themes = top.texts("themes")) {
    contest.themes = *themes;
    draft.themes_declared = true;
  }
  read_rounds(top, draft, problems);
  read_awards(top, contest);
  if (auto name = top.text("popularity_award", false)) contest.popularity_award = *name;
  read_audience(top, contest.audience, problems);
  read_publication(top, contest.publication, problems);
  return {read_inline_entries(top), read_inline_judges(top)};
}

}  // namespace stagevote::tools
