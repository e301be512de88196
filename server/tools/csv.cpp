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

Table parse_csv(std::string_view file, std::string_view text, Problems& problems,
                const TableLimits& limits, char delimiter) {
  Table table{std::string(file), {}, {}};
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());

  int line = 1;
  TableRow row{1, {}};
  std::string field;
  std::size_t i = 0;
  const std::size_t n = text.size();
  std::size_t cells = 0;
  std::string too_big;  // why the file is refused, once a limit is passed

  // A file of commas is millions of empty cells: count them as they come.
  auto end_field = [&] {
    if (row.cells.size() >= limits.columns) {
      too_big = "a row has more than " + std::to_string(limits.columns) + " columns";
    } else if (++cells > limits.cells) {
      too_big = "more than " + std::to_string(limits.cells) + " cells in all";
    }
    row.cells.push_back(std::move(field));
    field.clear();
  };
  auto end_record = [&] {
    end_field();
    if (!is_blank(row.cells)) {
      table.rows.push_back(std::move(row));
      if (table.rows.size() > limits.rows && too_big.empty()) {
        too_big = "more than " + std::to_string(limits.rows) + " rows";
      }
    }
    row = TableRow{line, {}};
  };
  // Consumes one line break (CRLF, LF or a lone CR) at text[i], counting it.
  auto take_line_break = [&] {
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
    ++i;
    ++line;
  };

  while (i < n) {
    if (!too_big.empty()) {
      problems.push_back({table.file, line, "too large for a contest's table: " + too_big});
      table.rows.clear();
      return table;
    }
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
      end_field();
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
  if (!too_big.empty()) {
    problems.push_back({table.file, line, "too large for a contest's table: " + too_big});
    table.rows.clear();
  }
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

namespace {

// "-1.5", "+3", "12": an optional sign, digits, at most one decimal point, nothing else.
bool is_plain_number(std::string_view value) {
  std::size_t i = value.starts_with('-') || value.starts_with('+') ? 1 : 0;
  bool digits = false, point = false;
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

std::string neutralise_cell(std::string_view value) {
  if (value.empty() || std::string_view("=+-@\t\r").find(value.front()) == std::string_view::npos ||
      is_plain_number(value)) {
    return std::string(value);
  }
  return "'" + std::string(value);
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (k > 0) out += ',';
    out += csv_field(neutralise_cell(fields[k]));
  }
  out += "\r\n";
}

}  // namespace stagevote::tools
