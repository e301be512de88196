#include "tools/headers.hpp"

#include <algorithm>
#include <set>

#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

// Removes one trailing bracketed note: "标题（必填）", "Title (required)", "单位【全称】".
std::string without_note(std::string text) {
  static const std::pair<std::string, std::string> kBrackets[] = {
      {"(", ")"}, {"\xEF\xBC\x88", "\xEF\xBC\x89"}, {"[", "]"}, {"\xE3\x80\x90", "\xE3\x80\x91"}};
  for (const auto& [open, close] : kBrackets) {
    if (!text.ends_with(close)) continue;
    auto at = text.rfind(open);
    if (at != std::string::npos && at > 0) return text.substr(0, at);
  }
  return text;
}

// The field a header names, or nullptr.
const FieldSpec* field_named(const std::vector<FieldSpec>& fields, const std::string& header) {
  const std::string name = normalize_header(header);
  if (name.empty()) return nullptr;
  for (const auto& spec : fields)
    for (const auto& alias : spec.aliases)
      if (normalize_header(alias) == name) return &spec;
  return nullptr;
}

}  // namespace

const std::vector<FieldSpec>& entry_fields() {
  static const std::vector<FieldSpec> fields = {
      {"id", {"编号", "作品编号", "节目编号", "序号", "id", "entry id", "no", "no."}, true},
      {"title",
       {"标题", "作品", "作品名称", "节目", "节目名称", "名称", "题目", "title", "entry"},
       true},
      {"unit",
       {"单位", "参赛单位", "选送单位", "报送单位", "unit", "organisation", "organization"},
       true},
      {"form", {"形式", "表现形式", "节目形式", "类型", "form", "type"}, false},
      {"theme", {"主题", "主题方向", "选题方向", "theme", "topic"}, false},
      {"round", {"轮次", "赛段", "比赛轮次", "场次", "round", "rounds"}, false},
      {"order", {"顺序", "出场顺序", "出场序号", "order", "running order"}, false},
  };
  return fields;
}

const std::vector<FieldSpec>& judge_fields() {
  static const std::vector<FieldSpec> fields = {
      // Optional: judges' lists often have none; J1, J2 … are made in file order.
      {"id", {"编号", "评委编号", "id", "judge id", "no", "no."}, false},
      {"name", {"姓名", "评委", "评委姓名", "名字", "name"}, true},
      {"unit", {"单位", "所在单位", "工作单位", "unit", "organisation", "organization"}, false},
      {"title", {"职务", "职称", "身份", "头衔", "title", "position", "role"}, false},
      {"token", {"令牌", "口令", "token"}, false},
      // Units the judge is close to: "甲单位、乙单位" (core::Judge::related_units).
      {"related_units",
       {"关联单位", "相关单位", "related units", "related unit", "related"},
       false},
      // The chief judge (评审组长), marked yes/是/1/√ on one row (docs/judging.md).
      {"chief", {"评审组长", "组长", "主评委", "chief", "chief judge", "head judge"}, false},
  };
  return fields;
}

std::string normalize_header(const std::string& header) {
  std::string text = trim(header);
  text = without_note(trim(text));
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '*' && c != '_') out += c;
  // Full-width spaces inside a header ("标　题") are padding too.
  for (std::string::size_type at; (at = out.find("\xE3\x80\x80")) != std::string::npos;)
    out.erase(at, 3);
  return ascii_lower(out);
}

bool is_ignored_header(const std::string& header) {
  static const std::vector<std::string> kIgnored = {"备注",    "说明",    "联系人", "联系电话",
                                                    "电话",    "notes",   "note",   "remark",
                                                    "remarks", "contact", "phone"};
  std::string name = normalize_header(header);
  if (trim(header).starts_with('#')) return true;
  return std::find(kIgnored.begin(), kIgnored.end(), name) != kIgnored.end();
}

std::string ColumnMap::cell(const TableRow& row, const std::string& field) const {
  auto found = columns.find(field);
  if (found == columns.end() || found->second >= row.cells.size()) return {};
  return trim(row.cells[found->second]);
}

std::string describe_fields(const std::vector<FieldSpec>& fields) {
  std::string text;
  for (const auto& spec : fields) {
    if (!text.empty()) text += ", ";
    text += spec.aliases.front() + "/" + spec.field;
  }
  return text;
}

std::optional<std::size_t> find_header_row(const Table& table,
                                           const std::vector<FieldSpec>& fields) {
  const std::size_t top = std::min(table.rows.size(), kMaxTitleRows);
  for (std::size_t index = 0; index < top; ++index) {
    std::set<std::string> named;
    for (const auto& cell : table.rows[index].cells)
      if (const FieldSpec* spec = field_named(fields, cell)) named.insert(spec->field);
    const bool all_required = std::all_of(fields.begin(), fields.end(), [&](const FieldSpec& s) {
      return !s.required || named.count(s.field) != 0;
    });
    if (named.size() >= 2 || (all_required && !named.empty())) return index;
  }
  return std::nullopt;
}

bool map_headers(const Table& table, const std::vector<FieldSpec>& fields, ColumnMap& map,
                 Problems& problems) {
  map = ColumnMap{};
  if (table.rows.empty()) {
    problems.push_back(
        {table.file, 0,
         "the table is empty (expected a header row: " + describe_fields(fields) + ")"});
    return false;
  }
  map.header_index = find_header_row(table, fields).value_or(0);
  const TableRow& header = table.rows[map.header_index];
  map.header_line = header.line;
  const std::size_t before = problems.size();
  std::map<std::string, std::string> header_of_field;  // for duplicate messages

  for (std::size_t column = 0; column < header.cells.size(); ++column) {
    const std::string& raw = header.cells[column];
    const std::string name = normalize_header(raw);
    if (name.empty()) {
      auto data = table.rows.begin() + static_cast<std::ptrdiff_t>(map.header_index) + 1;
      bool has_data = std::any_of(data, table.rows.end(), [&](const TableRow& r) {
        return column < r.cells.size() && !trim(r.cells[column]).empty();
      });
      if (has_data)
        problems.push_back({table.file, header.line,
                            "column " + std::to_string(column + 1) + " has data but no header"});
      continue;
    }
    if (is_ignored_header(raw)) continue;
    const FieldSpec* spec = field_named(fields, raw);
    if (spec == nullptr) {
      problems.push_back({table.file, header.line,
                          "unknown column \"" + trim(raw) + "\" (expected " +
                              describe_fields(fields) +
                              "; start a header with # to keep a column of your own)"});
      continue;
    }
    if (map.columns.count(spec->field)) {
      problems.push_back({table.file, header.line,
                          "column \"" + trim(raw) + "\" repeats " + spec->aliases.front() + "/" +
                              spec->field + " (already column \"" + header_of_field[spec->field] +
                              "\")"});
      continue;
    }
    map.columns[spec->field] = column;
    header_of_field[spec->field] = trim(raw);
  }
  for (const auto& spec : fields) {
    if (spec.required && !map.columns.count(spec.field))
      problems.push_back(
          {table.file, header.line, "missing column " + spec.aliases.front() + "/" + spec.field});
  }
  return problems.size() == before;
}

}  // namespace stagevote::tools
