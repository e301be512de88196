#pragma once
// The column bomb of issue 14: a workbook of `rows` rows, each with one cell at column XFD (the
// last Excel has). A reader that makes every row as wide as its last cell allocates 16,384
// strings per row: 400 rows took a live server to 214 MiB from 1.9 KB of zip.
#include <xlsxwriter.h>

#include <stdexcept>
#include <string>

namespace stagevote::tools::testing {

inline void write_column_bomb(const std::string& path, int rows = 400) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) throw std::runtime_error("cannot create " + path);
  lxw_worksheet* sheet = workbook_add_worksheet(book, "评委");
  // A judges table's header, so the import takes it for one.
  worksheet_write_string(sheet, 0, 0, "编号", nullptr);
  worksheet_write_string(sheet, 0, 1, "姓名", nullptr);
  for (int r = 1; r <= rows; ++r) {
    worksheet_write_string(sheet, static_cast<lxw_row_t>(r), 16383, "x", nullptr);
  }
  if (workbook_close(book) != LXW_NO_ERROR) throw std::runtime_error("cannot write " + path);
}

}  // namespace stagevote::tools::testing
