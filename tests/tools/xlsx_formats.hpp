#pragma once
// What Excel shows a number with: the number format of every cell of a worksheet, read from
// an XLSX file's styles. tools::parse_xlsx reads the values and leaves styles alone.
#include <zip.h>
#include <catch2/catch.hpp>

#include <map>
#include <pugixml.hpp>
#include <string>
#include <vector>

namespace stagevote::tools::testing {

// One part of the XLSX zip archive, e.g. "xl/styles.xml".
inline std::string xlsx_part(const std::string& xlsx, const std::string& name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(xlsx.data(), xlsx.size(), 0, &error);
  REQUIRE(source != nullptr);
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  zip_error_fini(&error);
  if (archive == nullptr) zip_source_free(source);
  REQUIRE(archive != nullptr);
  zip_stat_t stat;
  zip_stat_init(&stat);
  std::string data;
  if (zip_stat(archive, name.c_str(), 0, &stat) == 0) {
    data.resize(static_cast<std::size_t>(stat.size));
    zip_file_t* file = zip_fopen(archive, name.c_str(), 0);
    const zip_int64_t read = file ? zip_fread(file, data.data(), stat.size) : -1;
    if (file) zip_fclose(file);
    if (read != static_cast<zip_int64_t>(stat.size)) data.clear();
  }
  zip_discard(archive);
  INFO("part " << name);
  REQUIRE_FALSE(data.empty());
  return data;
}

// "A1"-style reference of a 0-based column and a 1-based row.
inline std::string cell_ref(std::size_t column, std::size_t row) {
  std::string letters;
  for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26)
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  return letters + std::to_string(row);
}

// Cell reference ("N2") -> number format code ("0.00") of the `sheet`-th worksheet (1-based,
// in tab order); a cell without a style has "General".
inline std::map<std::string, std::string> xlsx_number_formats(const std::string& xlsx, int sheet) {
  pugi::xml_document styles, worksheet;
  REQUIRE(styles.load_string(xlsx_part(xlsx, "xl/styles.xml").c_str()));
  REQUIRE(worksheet.load_string(
      xlsx_part(xlsx, "xl/worksheets/sheet" + std::to_string(sheet) + ".xml").c_str()));
  // Built-in formats are referred to by id and not written out.
  std::map<int, std::string> codes{{0, "General"}, {1, "0"}, {2, "0.00"}};
  for (auto format : styles.child("styleSheet").child("numFmts").children("numFmt"))
    codes[format.attribute("numFmtId").as_int()] = format.attribute("formatCode").value();
  std::vector<std::string> style_codes;
  for (auto xf : styles.child("styleSheet").child("cellXfs").children("xf"))
    style_codes.push_back(codes[xf.attribute("numFmtId").as_int()]);
  std::map<std::string, std::string> formats;
  for (auto row : worksheet.child("worksheet").child("sheetData").children("row")) {
    for (auto cell : row.children("c")) {
      const std::size_t style = cell.attribute("s").as_uint(0);
      formats[cell.attribute("r").value()] =
          style < style_codes.size() ? style_codes[style] : "General";
    }
  }
  return formats;
}

}  // namespace stagevote::tools::testing
