#pragma once
// Column headers of organisers' tables, in Chinese or English: which column holds which
// field. Every field has aliases (标题 / 作品名称 / title ...); matching ignores case, spaces
// and a trailing note in brackets ("标题（必填）", "Title (required)").
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/problem.hpp"
#include "tools/table.hpp"

namespace stagevote::tools {

struct FieldSpec {
  std::string field;                 // our name: "id", "title", "unit" ...
  std::vector<std::string> aliases;  // as organisers write it; the first is the Chinese name
  bool required = false;
};

// The fields of the entries table (编号, 标题, 单位, 形式, 主题, 轮次, 顺序).
const std::vector<FieldSpec>& entry_fields();
// The fields of the judges table (编号 (optional), 姓名, 单位, 职务, 令牌).
const std::vector<FieldSpec>& judge_fields();
// Headers accepted and ignored in any table (备注 / notes, 联系人 / contact, 电话 / phone),
// and any header starting with '#'.
bool is_ignored_header(const std::string& header);

// The header as compared: trimmed, ASCII lower-case, without spaces, '*' or a trailing
// bracketed note.
std::string normalize_header(const std::string& header);

struct ColumnMap {
  int header_line = 0;
  std::size_t header_index = 0;                // in table.rows: rows above it are titles, skipped
  std::map<std::string, std::size_t> columns;  // field -> column index

  bool has(const std::string& field) const { return columns.count(field) != 0; }
  // The trimmed cell of `field` in `row` ("" if the column is absent or the row is short).
  std::string cell(const TableRow& row, const std::string& field) const;
};

// How many rows at the top of a table are searched for its header.
inline constexpr std::size_t kMaxTitleRows = 10;

// The index of the header row: the first of the top rows that names every required field, or
// at least two known fields (so a merged title "2026年…大赛 参赛节目" above it is skipped).
// nullopt if none does.
std::optional<std::size_t> find_header_row(const Table& table,
                                           const std::vector<FieldSpec>& fields);

// Reads the header row (find_header_row, else the first row) of `table`. Unknown, duplicate and
// missing required columns, and data under a blank header, are Problems on the header's line.
// Returns false when the table cannot be read by these fields.
bool map_headers(const Table& table, const std::vector<FieldSpec>& fields, ColumnMap& map,
                 Problems& problems);

// "编号/id, 标题/title, ..." for messages and docs.
std::string describe_fields(const std::vector<FieldSpec>& fields);

}  // namespace stagevote::tools
