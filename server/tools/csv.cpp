#include "tools/csv.hpp"

#include <algorithm>

namespace stagevote::tools {
namespace {

bool is_blank(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& cell) {
    return cell.find_first_not_of(" \t") == std::string::npos;
  });
}

}  // namespace

Table parse_csv(std::string_view file, std::string_view text, Problems& problems, char delimiter) {
  Table table{std::string(file), {}, {}};
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());

  int line = 1;
  TableRow row{1, {}};
  std::string field;
  std::size_t i = 0;
  const std::size_t n = text.size();

  auto end_record = [&] {
    row.cells.push_back(std::move(field));
    field.clear();
    if (!is_blank(row.cells)) table.rows.push_back(std::move(row));
    row = TableRow{line, {}};
  };
  // Consumes one line break (CRLF, LF or a lone CR) at text[i], counting it.
  auto take_line_break = [&] {
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
    ++i;
    ++line;
  };

  while (i < n) {
    char c = text[i];
    if (c == '"' && field.empty()) {
      // A quoted field: runs to the next lone quote, across commas and line breaks.
      const int opened_on = line;
      ++i;
      bool closed = false;
      while (i < n) {
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (text[i] == '\n' || (text[i] == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) ++line;
        field += text[i++];
      }
      if (!closed) {
        problems.push_back({table.file, opened_on, "a quoted field is never closed"});
        return table;
      }
      if (i < n && text[i] != delimiter && text[i] != '\r' && text[i] != '\n') {
        problems.push_back(
            {table.file, line, "unexpected text after a closing quote (write \"\" for a quote)"});
        // Skip to the end of the field so one mistake is reported once.
        while (i < n && text[i] != delimiter && text[i] != '\r' && text[i] != '\n') ++i;
      }
      continue;
    }
    if (c == delimiter) {
      row.cells.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\r' || c == '\n') {
      take_line_break();
      end_record();
    } else {
      field += c;
      ++i;
    }
  }
  if (!field.empty() || !row.cells.empty()) end_record();
  return table;
}

char guess_delimiter(std::string_view text) {
  const std::string_view first = text.substr(0, text.find_first_of("\r\n"));
  const bool tabs = first.find('\t') != std::string_view::npos;
  const bool commas = first.find(',') != std::string_view::npos;
  return tabs && !commas ? '\t' : ',';
}

std::string csv_field(std::string_view value) {
  const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (k > 0) out += ',';
    out += csv_field(fields[k]);
  }
  out += "\r\n";
}

}  // namespace stagevote::tools
