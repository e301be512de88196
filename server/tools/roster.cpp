#include "tools/roster.hpp"

#include <algorithm>
#include <set>

#include "tools/headers.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// "(first on line 4)" within one file, "(first at entries.csv:4)" across files.
std::string first_seen(const Origin& first, const Origin& now) {
  if (first.file == now.file) return "(first on line " + std::to_string(first.line) + ")";
  return "(first at " + first.file + ":" + std::to_string(first.line) + ")";
}

void report(Problems& problems, const Origin& at, std::string reason) {
  problems.push_back({at.file, at.line, std::move(reason)});
}

// Splits "prelim；final" / "初赛、决赛" into trimmed names.
std::vector<std::string> split_names(const std::string& cell) {
  static const std::vector<std::string> kSeparators = {",",
                                                       ";",
                                                       "|",
                                                       "/",
                                                       "\n",
                                                       "\xEF\xBC\x8C",   // ，
                                                       "\xEF\xBC\x9B",   // ；
                                                       "\xE3\x80\x81"};  // 、
  std::vector<std::string> parts{cell};
  for (const auto& sep : kSeparators) {
    std::vector<std::string> next;
    for (const auto& part : parts) {
      std::string::size_type start = 0, at;
      while ((at = part.find(sep, start)) != std::string::npos) {
        next.push_back(part.substr(start, at - start));
        start = at + sep.size();
      }
      next.push_back(part.substr(start));
    }
    parts = std::move(next);
  }
  std::vector<std::string> names;
  for (auto& part : parts)
    if (auto name = trim(part); !name.empty()) names.push_back(name);
  return names;
}

bool is_url_safe(const std::string& token) {
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
  });
}

// Whether an entry of the contest comes from `unit` (recusal matches by unit name).
bool entry_unit(const core::Contest& contest, const std::string& unit) {
  return std::any_of(contest.entries.begin(), contest.entries.end(),
                     [&](const core::Entry& entry) { return entry.unit == unit; });
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// " (did you mean \"决赛\"?)" when `name` is a character or two from a known name, else "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known) {
  auto near = closest_name(name, known);
  return near ? " (did you mean " + quoted(*near) + "?)" : "";
}

// Says that rows above the header were taken for titles and skipped.
void note_title_rows(const Table& table, const ColumnMap& columns,
                     std::vector<std::string>& notes) {
  if (columns.header_index == 0) return;
  notes.push_back(table.file + ": the header is on line " + std::to_string(columns.header_line) +
                  "; " + std::to_string(columns.header_index) +
                  (columns.header_index == 1 ? " title row" : " title rows") + " above it skipped");
}

}  // namespace

bool is_valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::none_of(id.begin(), id.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F || c == '"' || c == '\\' || c == '/';
  });
}

std::vector<EntryRow> entry_rows_from_table(const Table& table, Problems& problems,
                                            std::vector<std::string>& notes) {
  std::vector<EntryRow> rows;
  ColumnMap columns;
  if (!map_headers(table, entry_fields(), columns, problems)) return rows;
  note_title_rows(table, columns, notes);
  const auto first = table.rows.begin() + static_cast<std::ptrdiff_t>(columns.header_index) + 1;
  for (auto row = first; row != table.rows.end(); ++row) {
    EntryRow entry;
    entry.origin = {table.file, row->line};
    entry.entry.id = columns.cell(*row, "id");
    entry.entry.title = columns.cell(*row, "title");
    entry.entry.unit = columns.cell(*row, "unit");
    entry.entry.form = columns.cell(*row, "form");
    entry.entry.theme = columns.cell(*row, "theme");
    entry.rounds_given = columns.has("round");
    entry.rounds = split_names(columns.cell(*row, "round"));
    bool ok = true;
    if (columns.has("order")) {
      entry.order_text = columns.cell(*row, "order");
      entry.order = parse_int(entry.order_text);
      if (!entry.order || *entry.order < 1) {
        report(problems, entry.origin,
               "顺序/order must be a whole number from 1, not " + quoted(entry.order_text));
        ok = false;
      }
    }
    if (entry.entry.id.empty()) {
      report(problems, entry.origin, "编号/id is empty");
      ok = false;
    }
    if (ok) rows.push_back(std::move(entry));
  }
  return rows;
}

std::vector<JudgeRow> judge_rows_from_table(const Table& table, Problems& problems,
                                            std::vector<std::string>& notes) {
  std::vector<JudgeRow> rows;
  ColumnMap columns;
  if (!map_headers(table, judge_fields(), columns, problems)) return rows;
  note_title_rows(table, columns, notes);
  const bool make_ids = !columns.has("id");
  int made = 0;
  const auto first = table.rows.begin() + static_cast<std::ptrdiff_t>(columns.header_index) + 1;
  for (auto row = first; row != table.rows.end(); ++row) {
    JudgeRow judge;
    judge.origin = {table.file, row->line};
    // Without a 编号 column every row is a judge, numbered as the organiser reads the list.
    judge.judge.id = make_ids ? "J" + std::to_string(++made) : columns.cell(*row, "id");
    judge.judge.name = columns.cell(*row, "name");
    if (auto unit = columns.cell(*row, "unit"); !unit.empty()) judge.judge.unit = unit;
    judge.judge.title = columns.cell(*row, "title");
    judge.judge.token = columns.cell(*row, "token");
    judge.judge.related_units = split_names(columns.cell(*row, "related_units"));
    // 评审组长: a mark in the column (是, √, yes, 1 ...) names the chief; empty or 否/no/0 not.
    if (const std::string chief = ascii_lower(trim(columns.cell(*row, "chief"))); !chief.empty()) {
      static const std::vector<std::string> kYes = {"是", "√",    "✓", "✔",    "yes",  "y",
                                                    "1",  "true", "x", "组长", "chief"};
      static const std::vector<std::string> kNo = {"否", "×", "no", "n", "0", "false", "-"};
      if (listed(kYes, chief)) {
        judge.judge.chief = true;
      } else if (!listed(kNo, chief)) {
        report(problems, judge.origin,
               "评审组长/chief " + quoted(chief) + " is neither yes (是/√/1) nor no (否/0/empty)");
      }
    }
    if (judge.judge.id.empty()) {
      report(problems, judge.origin,
             "编号/id is empty (fill it, or drop the 编号 column to number judges J1, J2 …)");
      continue;
    }
    rows.push_back(std::move(judge));
  }
  if (make_ids && made > 0)
    notes.push_back(table.file + ": no 编号/id column: judges numbered J1" +
                    (made > 1 ? " to J" + std::to_string(made) : std::string()) + " in file order");
  return rows;
}

void add_entries(Draft& draft, const std::vector<EntryRow>& rows, Problems& problems) {
  core::Contest& contest = draft.contest;
  for (const auto& row : rows) {
    const core::Entry& entry = row.entry;
    const std::string who = "entry " + entry.id + ": ";
    bool ok = true;
    if (!is_valid_id(entry.id)) {
      report(problems, row.origin,
             "id " + quoted(entry.id) + " must be 1-64 characters without spaces, quotes or /");
      ok = false;
    } else if (auto first = draft.entry_origin.find(entry.id); first != draft.entry_origin.end()) {
      report(problems, row.origin,
             "duplicate entry id " + entry.id + " " + first_seen(first->second, row.origin));
      continue;
    }
    if (entry.title.empty()) {
      report(problems, row.origin, who + "标题/title is empty");
      ok = false;
    }
    if (entry.unit.empty()) {
      report(problems, row.origin, who + "单位/unit is empty");
      ok = false;
    } else if (draft.units_declared && !listed(contest.units, entry.unit)) {
      report(problems, row.origin,
             who + "unit " + quoted(entry.unit) + " is not one of the scheme's units" +
                 did_you_mean(entry.unit, contest.units));
      ok = false;
    }
    if (!entry.form.empty() && draft.forms_declared && !listed(contest.forms, entry.form)) {
      report(problems, row.origin,
             who + "form " + quoted(entry.form) + " is not one of the scheme's forms");
      ok = false;
    }
    if (!entry.theme.empty() && draft.themes_declared && !listed(contest.themes, entry.theme)) {
      report(problems, row.origin,
             who + "theme " + quoted(entry.theme) + " is not one of the scheme's themes");
      ok = false;
    }
    std::vector<std::size_t> rounds;
    for (const auto& name : row.rounds) {
      auto found =
          std::find_if(contest.rounds.begin(), contest.rounds.end(), [&](const core::Round& r) {
            return ascii_lower(r.id) == ascii_lower(name) || r.name == name;
          });
      if (found == contest.rounds.end()) {
        std::string known;
        std::vector<std::string> names;
        for (const auto& r : contest.rounds) {
          known += (known.empty() ? "" : ", ") + r.id + "/" + r.name;
          names.push_back(r.name);
          names.push_back(r.id);
        }
        report(problems, row.origin,
               who + "unknown round " + quoted(name) + " (rounds: " + known + ")" +
                   did_you_mean(name, names));
        ok = false;
        continue;
      }
      auto index = static_cast<std::size_t>(found - contest.rounds.begin());
      if (std::find(rounds.begin(), rounds.end(), index) == rounds.end()) rounds.push_back(index);
    }
    if (rounds.empty() && row.rounds_given && row.rounds.empty() && !contest.rounds.empty())
      rounds.push_back(0);  // an empty 轮次 cell: the first round
    if (!row.rounds_given && !contest.rounds.empty() && !draft.round_lists_entries[0])
      rounds.push_back(0);  // a table without 轮次: the first round
    if (!ok) continue;
    draft.entry_origin[entry.id] = row.origin;
    contest.entries.push_back(entry);
    for (auto index : rounds) draft.memberships.push_back({entry.id, index, row.order, row.origin});
  }
}

void collect_names(Draft& draft) {
  core::Contest& contest = draft.contest;
  for (const auto& entry : contest.entries) {
    if (!draft.units_declared && !listed(contest.units, entry.unit))
      contest.units.push_back(entry.unit);
    if (!draft.forms_declared && !entry.form.empty() && !listed(contest.forms, entry.form))
      contest.forms.push_back(entry.form);
    if (!draft.themes_declared && !entry.theme.empty() && !listed(contest.themes, entry.theme))
      contest.themes.push_back(entry.theme);
  }
}

void add_judges(Draft& draft, const std::vector<JudgeRow>& rows,
                const std::function<std::string()>& make_token, Problems& problems) {
  core::Contest& contest = draft.contest;
  std::string outside;  // "j7 李明 (省委党校), ..."
  for (const auto& row : rows) {
    core::Judge judge = row.judge;
    const std::string who = "judge " + judge.id + ": ";
    bool ok = true;
    if (!is_valid_id(judge.id)) {
      report(problems, row.origin,
             "id " + quoted(judge.id) + " must be 1-64 characters without spaces, quotes or /");
      ok = false;
    } else if (auto first = draft.judge_origin.find(judge.id); first != draft.judge_origin.end()) {
      report(problems, row.origin,
             "duplicate judge id " + judge.id + " " + first_seen(first->second, row.origin));
      continue;
    }
    if (judge.name.empty()) {
      report(problems, row.origin, who + "姓名/name is empty");
      ok = false;
    }
    if (!judge.token.empty()) {
      // A short token is guessable: as long as a generated one (96 bits), at the least.
      if (judge.token.size() < core::kMinJudgeTokenLength || !is_url_safe(judge.token)) {
        report(problems, row.origin,
               who + "令牌/token must be at least " + std::to_string(core::kMinJudgeTokenLength) +
                   " characters of A-Z a-z 0-9 - _ . ~ (or empty: one is made)");
        ok = false;
      } else if (auto first = draft.token_origin.find(judge.token);
                 first != draft.token_origin.end()) {
        report(problems, row.origin,
               who + "令牌/token is the same as another judge's " +
                   first_seen(first->second, row.origin));
        ok = false;
      }
    }
    if (judge.chief) {
      if (const core::Judge* chief = contest.chief()) {
        report(problems, row.origin,
               who + "a second 评审组长/chief: " + chief->id + " " + chief->name + " " +
                   first_seen(draft.judge_origin[chief->id], row.origin) +
                   " is the chief already (one chief per contest)");
        ok = false;
      }
    }
    if (!ok) continue;
    if (judge.token.empty()) {
      do {
        judge.token = make_token();
      } while (draft.token_origin.count(judge.token) != 0);
      draft.generated_tokens.push_back(judge.id);
    }
    draft.token_origin[judge.token] = row.origin;
    draft.judge_origin[judge.id] = row.origin;
    // An outside judge (党校, 大学, 报社): no entry comes from their unit, so they are recused
    // from none, and the unit is not added to `units`. A unit a character or two from an
    // entry's is more likely a typo that would let a judge score their own unit's entries.
    if (judge.unit && !entry_unit(contest, *judge.unit)) {
      std::vector<std::string> entry_units;
      for (const auto& entry : contest.entries)
        if (!listed(entry_units, entry.unit)) entry_units.push_back(entry.unit);
      const auto near = closest_name(*judge.unit, entry_units);
      outside += (outside.empty() ? "" : ", ") + judge.id + " " + judge.name + " (" + *judge.unit +
                 (near ? ": did you mean " + quoted(*near) + "?" : "") + ")";
    }
    contest.judges.push_back(std::move(judge));
  }
  if (!outside.empty())
    draft.notes.push_back(
        "outside judges, recused from no entry (no entry comes from their unit): " + outside);
}

void place_entries(Draft& draft, Problems& problems) {
  core::Contest& contest = draft.contest;
  std::set<std::string> placed;

  // Rounds the scheme orders itself: every id must be a known entry.
  for (std::size_t r = 0; r < contest.rounds.size(); ++r) {
    if (!draft.round_lists_entries[r]) continue;
    const auto& lines = draft.round_entry_origin[r];
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < contest.rounds[r].entries.size(); ++i) {
      const std::string& id = contest.rounds[r].entries[i];
      if (!contest.find_entry(id)) {
        // An entry that failed its own checks was reported already.
        if (!draft.entry_origin.count(id))
          report(problems, i < lines.size() ? lines[i] : draft.round_origin[r],
                 "round " + contest.rounds[r].id + " lists unknown entry " + quoted(id));
        continue;
      }
      kept.push_back(id);
      placed.insert(id);
    }
    contest.rounds[r].entries = std::move(kept);
  }

  // Rounds filled from the tables' 轮次 column.
  for (std::size_t r = 0; r < contest.rounds.size(); ++r) {
    std::vector<const Draft::Membership*> members;
    for (const auto& m : draft.memberships) {
      if (m.round != r) continue;
      if (draft.round_lists_entries[r]) {
        report(problems, m.origin,
               "entry " + m.entry + ": round " + contest.rounds[r].id +
                   " already has its running order in the scheme (" + draft.round_origin[r].file +
                   ":" + std::to_string(draft.round_origin[r].line) +
                   "); leave 轮次/round empty here or drop the list there");
        continue;
      }
      members.push_back(&m);
    }
    std::stable_sort(members.begin(), members.end(),
                     [](auto* a, auto* b) { return a->order.value_or(0) < b->order.value_or(0); });
    std::map<int, const Draft::Membership*> by_order;
    for (auto* m : members) {
      if (m->order) {
        auto [at, fresh] = by_order.emplace(*m->order, m);
        if (!fresh) {
          report(problems, m->origin,
                 "entry " + m->entry + ": 顺序/order " + std::to_string(*m->order) + " in round " +
                     contest.rounds[r].id + " is taken by entry " + at->second->entry + " " +
                     first_seen(at->second->origin, m->origin));
          continue;
        }
      }
      contest.rounds[r].entries.push_back(m->entry);
      placed.insert(m->entry);
    }
  }

  for (const auto& entry : contest.entries) {
    if (!placed.count(entry.id)) {
      report(problems, draft.entry_origin[entry.id],
             "entry " + entry.id +
                 " is in no round (fill 轮次/round, or list it in a round of the scheme)");
    }
  }
}

}  // namespace stagevote::tools
