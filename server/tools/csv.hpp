#pragma once
// CSV as RFC 4180 writes it, and as spreadsheet programs actually save it: optional UTF-8
// BOM, quoted fields with doubled quotes and embedded line breaks, CRLF or LF line ends.
#include <string>
#include <string_view>
#include <vector>

#include "tools/problem.hpp"
#include "tools/table.hpp"

namespace stagevote::tools {

// Parses `text` into rows; blank lines are skipped. A quote left open at the end of the file,
// or a stray character after a closing quote, is a Problem naming the line. More rows, columns
// or cells than `limits` allow is a Problem, and no rows are returned. `delimiter` is ',' or,
// for Excel's "Unicode text", '\t'.
Table parse_csv(std::string_view file, std::string_view text, Problems& problems,
                const TableLimits& limits = {}, char delimiter = ',');

// The delimiter of a CSV or tab-separated text: a tab if the first line has tabs and no
// commas, else a comma.
char guess_delimiter(std::string_view text);

// One CSV field, quoted only when it has to be (comma, quote, CR, LF, or leading space).
std::string csv_field(std::string_view value);

// A cell a spreadsheet must not run as a formula (OWASP, "CSV injection"): text beginning with
// = + - @, a tab or a CR gets a leading ' (Excel shows it as text). A plain number (-1.5,
// +3) is left as it is: it is read as a number, never as a formula.
std::string neutralise_cell(std::string_view value);

// Appends a record (fields joined by commas, CRLF-terminated as RFC 4180 says), every field
// neutralised first: whatever an organiser, a judge or an attacker typed, opening the file
// in Excel or WPS runs nothing.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// The UTF-8 byte order mark, which makes Excel open a UTF-8 CSV with Chinese text correctly.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace stagevote::tools
