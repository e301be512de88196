#include "tools/import.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "core/codec.hpp"
#include "engine/clock.hpp"
#include "engine/restore.hpp"
#include "store/store.hpp"
#include "tools/document.hpp"
#include "tools/headers.hpp"
#include "tools/roster.hpp"
#include "tools/scheme.hpp"
#include "tools/text.hpp"
#include "tools/xlsx_reader.hpp"

namespace stagevote::tools {
namespace {

bool is_scheme_name(const std::string& name) {
  auto ext = extension_of(name);
  return ext == "toml" || ext == "json";
}

// Whether a table's header names judges (姓名/name and no 标题/title).
bool looks_like_judges(const Table& table) {
  if (table.rows.empty()) return false;
  bool has_name = false, has_title = false, has_entry_only = false;
  auto matches = [](const std::vector<FieldSpec>& fields, const char* field, const std::string& h) {
    for (const auto& spec : fields)
      if (spec.field == field)
        for (const auto& alias : spec.aliases)
          if (normalize_header(alias) == h) return true;
    return false;
  };
  // The header under any title rows: whichever table's header comes first.
  const auto as_entries = find_header_row(table, entry_fields());
  const auto as_judges = find_header_row(table, judge_fields());
  std::size_t header_index = 0;
  if (as_entries || as_judges)
    header_index = std::min(as_entries.value_or(kMaxTitleRows), as_judges.value_or(kMaxTitleRows));
  for (const auto& cell : table.rows[header_index].cells) {
    const std::string header = normalize_header(cell);
    has_name = has_name || matches(judge_fields(), "name", header);
    has_title = has_title || matches(entry_fields(), "title", header);
    has_entry_only = has_entry_only || matches(entry_fields(), "form", header) ||
                     matches(entry_fields(), "theme", header);
  }
  // "Title" is a judge's 头衔 as well as an entry's 标题: with a name column and neither a
  // form nor a theme column, the table is the judges'.
  return has_name && (!has_title || !has_entry_only);
}

bool has_sheet(const std::vector<std::string>& sheets, const std::vector<std::string>& wanted) {
  return std::any_of(sheets.begin(), sheets.end(), [&](const std::string& sheet) {
    return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& name) {
      return ascii_lower(trim(sheet)) == ascii_lower(name);
    });
  });
}

bool is_workbook(const std::string& name) {
  const std::string ext = extension_of(name);
  return ext == "xlsx" || ext == "xlsm";
}

// The sheets of a workbook that hold the entries and the judges, told apart by their header
// columns whatever the sheets are called (a sheet named like entry_sheet_names() or
// judge_sheet_names() first among equals). Only for workbooks of several sheets.
struct WorkbookSheets {
  std::optional<std::string> entries, judges;
};

WorkbookSheets workbook_sheets(const SourceFile& file) {
  WorkbookSheets found;
  if (!is_workbook(file.name)) return found;
  Problems ignored;  // reading the chosen sheet for real reports them
  const auto names = xlsx_sheet_names(file.name, file.bytes, ignored);
  if (names.size() < 2) return found;
  auto offer = [](std::optional<std::string>& slot, const std::string& sheet,
                  const std::vector<std::string>& wanted) {
    if (!slot || (!has_sheet({*slot}, wanted) && has_sheet({sheet}, wanted))) slot = sheet;
  };
  for (const auto& name : names) {
    const Table table = parse_xlsx(file.name, file.bytes, name, ignored);
    if (looks_like_judges(table)) {
      offer(found.judges, name, judge_sheet_names());
    } else if (find_header_row(table, entry_fields())) {
      offer(found.entries, name, entry_sheet_names());
    }
  }
  return found;
}

// The sheets to look for, in order: the one found by its header, then the usual names.
std::vector<std::string> preferred(const std::optional<std::string>& sheet,
                                   const std::vector<std::string>& names) {
  std::vector<std::string> out;
  if (sheet) out.push_back(*sheet);
  out.insert(out.end(), names.begin(), names.end());
  return out;
}

}  // namespace

const std::vector<std::string>& entry_sheet_names() {
  static const std::vector<std::string> names = {"作品",   "参赛作品", "作品名单", "节目",
                                                 "节目单", "entries",  "works"};
  return names;
}

const std::vector<std::string>& judge_sheet_names() {
  static const std::vector<std::string> names = {"评委", "评委名单", "评审", "judges", "jury"};
  return names;
}

ImportSources classify_uploads(const std::vector<SourceFile>& files, Problems& problems) {
  ImportSources sources;
  auto place = [&](std::optional<SourceFile>& slot, const SourceFile& file, const char* what) {
    if (slot) {
      problems.push_back(
          {file.name, 0,
           std::string("a second ") + what + " file (the first is " + slot->name + ")"});
      return;
    }
    slot = file;
  };
  for (const auto& file : files) {
    if (is_scheme_name(file.name)) {
      place(sources.scheme, file, "scheme");
      continue;
    }
    if (is_workbook(file.name)) {
      Problems ignored;  // reading it for real reports them
      auto sheets = xlsx_sheet_names(file.name, file.bytes, ignored);
      const WorkbookSheets both = workbook_sheets(file);
      if ((both.entries && both.judges) ||
          (sheets.size() > 1 && has_sheet(sheets, entry_sheet_names()) &&
           has_sheet(sheets, judge_sheet_names()))) {
        place(sources.entries, file, "entries");
        place(sources.judges, file, "judges");
        continue;
      }
    }
    Problems found;
    Table table = read_table(file, found);
    // A file over the caps is refused here, with its reason, and not read again.
    if (std::any_of(found.begin(), found.end(), is_size_problem)) {
      problems.insert(problems.end(), found.begin(), found.end());
      continue;
    }
    if (looks_like_judges(table)) {
      place(sources.judges, file, "judges");
    } else {
      place(sources.entries, file, "entries");
    }
  }
  return sources;
}

std::string random_judge_token() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("no random bytes for a judge token");
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string token;
  // 12 bytes = 96 bits = 16 base64url characters.
  for (std::size_t i = 0; i < sizeof bytes; i += 3) {
    unsigned value = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) token += kAlphabet[(value >> shift) & 63];
  }
  return token;
}

ImportPlan plan_import(const ImportSources& sources,
                       const std::function<std::string()>& make_token) {
  ImportPlan plan;
  Problems& problems = plan.problems;
  if (!sources.scheme) {
    problems.push_back(
        {"(scheme)", 0, "no scheme file given (.toml or .json with contest, scoring, rounds)"});
    return plan;
  }
  auto doc = parse_document(*sources.scheme, problems);
  if (!doc) return plan;

  Draft draft;
  SchemeRosters inline_rosters = read_scheme(*doc, draft, problems);

  // One workbook may serve both tables: given as the entries (or the judges) alone, its other
  // table's sheet is read too.
  std::optional<SourceFile> entries_source = sources.entries, judges_source = sources.judges;
  WorkbookSheets entries_book, judges_book;
  if (sources.entries) entries_book = workbook_sheets(*sources.entries);
  if (sources.judges) judges_book = workbook_sheets(*sources.judges);
  if (!judges_source && entries_book.judges) {
    judges_source = sources.entries;
    judges_book = entries_book;
    plan.notes.push_back(sources.entries->name +
                         ": one workbook for both tables: the judges from its sheet [" +
                         *entries_book.judges + "]");
  } else if (!entries_source && judges_book.entries) {
    entries_source = sources.judges;
    entries_book = judges_book;
    plan.notes.push_back(sources.judges->name +
                         ": one workbook for both tables: the entries from its sheet [" +
                         *judges_book.entries + "]");
  }

  std::vector<EntryRow> entries = inline_rosters.entries;
  if (entries_source) {
    Table table =
        read_table(*entries_source, problems, preferred(entries_book.entries, entry_sheet_names()));
    plan.notes.insert(plan.notes.end(), table.notes.begin(), table.notes.end());
    auto rows = entry_rows_from_table(table, problems, plan.notes);
    entries.insert(entries.end(), rows.begin(), rows.end());
  }
  add_entries(draft, entries, problems);
  collect_names(draft);

  std::vector<JudgeRow> judges = inline_rosters.judges;
  if (judges_source) {
    Table table =
        read_table(*judges_source, problems, preferred(judges_book.judges, judge_sheet_names()));
    plan.notes.insert(plan.notes.end(), table.notes.begin(), table.notes.end());
    auto rows = judge_rows_from_table(table, problems, plan.notes);
    judges.insert(judges.end(), rows.begin(), rows.end());
  }
  add_judges(draft, judges, make_token, problems);
  plan.notes.insert(plan.notes.end(), draft.notes.begin(), draft.notes.end());
  place_entries(draft, problems);

  if (draft.contest.entries.empty() && problems.empty())
    problems.push_back({entries_source ? entries_source->name : sources.scheme->name, 0,
                        "no entries (give an entries table or list entries in the scheme)"});
  if (draft.contest.judges.empty() && problems.empty())
    problems.push_back({judges_source ? judges_source->name : sources.scheme->name, 0,
                        "no judges (give a judges table or list judges in the scheme)"});

  // The core's own rules are the last word; the checks above should leave nothing for them.
  if (problems.empty()) {
    if (auto error = core::validate(draft.contest))
      problems.push_back({sources.scheme->name, 0, "contest: " + error->message});
  }
  if (problems.empty()) {
    plan.contest = std::move(draft.contest);
    plan.generated_tokens = std::move(draft.generated_tokens);
  }
  return plan;
}

ImportResult import_contest(store::Store& store, const std::string& db_name,
                            const ImportSources& sources) {
  ImportResult result;
  // Refused before a byte of the files is read once the show has started.
  if (const auto records = engine::show_records(store); records > 0) {
    result.problems.push_back({db_name, 0,
                               "the ledger already holds " + std::to_string(records) +
                                   " records of the show (the show has started); import only "
                                   "before the first vote, score "
                                   "or host action"});
    return result;
  }
  ImportPlan plan = plan_import(sources);
  result.problems = std::move(plan.problems);
  result.notes = std::move(plan.notes);  // a file's encoding helps read its problems too
  if (!result.problems.empty()) return result;

  result.replaced = engine::has_contest(store);
  engine::store_contest(store, *plan.contest, "organiser", engine::SystemClock().now());
  result.imported = true;
  result.contest = std::move(plan.contest);
  result.generated_tokens = std::move(plan.generated_tokens);
  return result;
}

nlohmann::json import_result_to_json(const ImportResult& result) {
  using nlohmann::json;
  json problems = json::array();
  for (const auto& p : result.problems)
    problems.push_back({{"file", p.file}, {"line", p.line}, {"reason", p.reason}});
  json out = {{"ok", result.imported},
              {"replaced", result.replaced},
              {"problems", problems},
              {"notes", result.notes}};
  if (result.contest) {
    const auto& contest = *result.contest;
    out["contest"] = {{"id", contest.id}, {"name", contest.name}};
    out["entries"] = contest.entries.size();
    json rounds = json::array();
    for (const auto& round : contest.rounds)
      rounds.push_back({{"id", round.id}, {"name", round.name}, {"entries", round.entries.size()}});
    out["rounds"] = rounds;
    json judges = json::array();
    for (const auto& judge : contest.judges) {
      bool generated = std::find(result.generated_tokens.begin(), result.generated_tokens.end(),
                                 judge.id) != result.generated_tokens.end();
      judges.push_back({{"id", judge.id},
                        {"name", judge.name},
                        {"token", judge.token},
                        {"generated", generated}});
    }
    out["judges"] = judges;
  }
  return out;
}

}  // namespace stagevote::tools
