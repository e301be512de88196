#pragma once
// Reading the cell text of an XLSX worksheet (Office Open XML: a zip of XML parts), enough
// for the tables organisers keep: shared and inline strings, numbers, booleans. Formulas
// give their cached value; styles and dates are not interpreted.
#include <string>
#include <string_view>
#include <vector>

#include "tools/problem.hpp"
#include "tools/table.hpp"

namespace stagevote::tools {

// The workbook's sheet names in tab order; empty (with a Problem) if it is not an XLSX file.
std::vector<std::string> xlsx_sheet_names(std::string_view file, std::string_view bytes,
                                          Problems& problems, const TableLimits& limits = {});

// The rows of one sheet: `sheet` names it, or "" for the first. Row numbers are the sheet's
// (1-based, as Excel shows them); blank rows are left out; missing cells are "".
// Bounded by `limits`: a part's size is checked before it is inflated, and inflating stops at
// it; XML elements are counted before a part is parsed; rows, columns, cells and shared strings
// are counted as they are read. Past a limit the sheet is refused (a Problem, no rows).
Table parse_xlsx(std::string_view file, std::string_view bytes, std::string_view sheet,
                 Problems& problems, const TableLimits& limits = {});

// "AB12" -> 27 (0-based column); -1 when the reference has no column letters.
int xlsx_column_index(std::string_view cell_ref);

}  // namespace stagevote::tools
