#pragma once
// `stagevote import`, and the console's upload: a scheme file plus entries and judges tables
// become the contest of a database, all or nothing. Every problem is collected (not just
// the first) with file, line and reason; nothing is written unless there are none.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "tools/problem.hpp"
#include "tools/table.hpp"

namespace stagevote::store {
class Store;
}

namespace stagevote::tools {

struct ImportSources {
  std::optional<SourceFile> scheme;   // .toml or .json (required)
  std::optional<SourceFile> entries;  // .csv or .xlsx (optional if the scheme lists entries)
  std::optional<SourceFile> judges;   // .csv or .xlsx (optional if the scheme lists judges)
};

// Sheet names looked for in a workbook that holds both tables.
const std::vector<std::string>& entry_sheet_names();  // 作品, 参赛作品, entries ...
const std::vector<std::string>& judge_sheet_names();  // 评委, judges ...

// Sorts uploaded files (as the console receives them, by file name) into sources: .toml and
// .json are the scheme; a table with a 姓名/name column and no 标题/title column is the
// judges table, any other table the entries; a workbook with both an entries and a judges
// sheet serves as both. Unplaceable or doubled files are Problems.
ImportSources classify_uploads(const std::vector<SourceFile>& files, Problems& problems);

struct ImportPlan {
  std::optional<core::Contest> contest;  // set only when `problems` is empty
  Problems problems;
  std::vector<std::string> generated_tokens;  // ids of judges whose token was made
  std::vector<std::string> notes;             // how files were read (encoding, generated judge ids)
};

// A judge token: 16 URL-safe characters from 96 random bits (OpenSSL's CSPRNG).
std::string random_judge_token();

// Reads and checks everything; pure apart from `make_token`.
ImportPlan plan_import(const ImportSources& sources,
                       const std::function<std::string()>& make_token = random_judge_token);

struct ImportResult {
  bool imported = false;
  bool replaced = false;  // the database held a contest before (with an empty ledger)
  Problems problems;
  std::optional<core::Contest> contest;
  std::vector<std::string> generated_tokens;
  std::vector<std::string> notes;  // as ImportPlan::notes
};

// Plans the import and, if it is clean, stores the contest JSON (with tokens) in meta
// `contest`. Refused (a Problem naming the database) when the ledger is not empty: the show
// has started and its records refer to the contest as it was.
ImportResult import_contest(store::Store& store, const std::string& db_name,
                            const ImportSources& sources);

// For the console: {"ok":bool, "replaced":bool, "problems":[{"file","line","reason"}],
// "contest":{"id","name"}, "entries":N, "rounds":[{"id","entries":N}],
// "judges":[{"id","name","token","generated"}], "notes":["judges.csv: read as GB18030 (GBK)"]}.
nlohmann::json import_result_to_json(const ImportResult& result);

}  // namespace stagevote::tools
