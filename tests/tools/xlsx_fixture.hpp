#pragma once
// Writes real XLSX workbooks with libxlsxwriter, as Excel or WPS would hand them over.
#include <xlsxwriter.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace stagevote::tools::testing {

using XlsxCell = std::variant<std::monostate, std::string, double, bool>;
using XlsxRows = std::vector<std::vector<XlsxCell>>;
using XlsxSheets = std::vector<std::pair<std::string, XlsxRows>>;

// `inline_strings`: libxlsxwriter's constant-memory mode, which writes inline strings
// instead of a shared-strings table (both occur in the wild).
inline void write_xlsx(const std::string& path, const XlsxSheets& sheets,
                       bool inline_strings = false) {
  lxw_workbook_options options{};
  options.constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  if (book == nullptr) throw std::runtime_error("cannot create " + path);
  for (const auto& [name, rows] : sheets) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, name.c_str());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      for (std::size_t c = 0; c < rows[r].size(); ++c) {
        const auto row = static_cast<lxw_row_t>(r);
        const auto col = static_cast<lxw_col_t>(c);
        const XlsxCell& cell = rows[r][c];
        if (auto* text = std::get_if<std::string>(&cell)) {
          worksheet_write_string(sheet, row, col, text->c_str(), nullptr);
        } else if (auto* number = std::get_if<double>(&cell)) {
          worksheet_write_number(sheet, row, col, *number, nullptr);
        } else if (auto* flag = std::get_if<bool>(&cell)) {
          worksheet_write_boolean(sheet, row, col, *flag ? 1 : 0, nullptr);
        }
      }
    }
  }
  if (workbook_close(book) != LXW_NO_ERROR) throw std::runtime_error("cannot write " + path);
}

}  // namespace stagevote::tools::testing
