#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "tools/table.hpp"
#include "tools/xlsx_reader.hpp"
#include "xlsx_fixture.hpp"

using namespace stagevote::tools;
using namespace stagevote::tools::testing;

TEST_CASE("An XLSX sheet reads as text cells with Excel's row numbers", "[xlsx]") {
  TempDir dir;
  const bool inline_strings = GENERATE(false, true);
  CAPTURE(inline_strings);
  const std::string path = dir.file("entries.xlsx");
  write_xlsx(path,
             {{"作品",
               {{std::string("编号"), std::string("标题"), std::string("顺序")},
                {std::string("e01"), std::string("党旗代代传"), 1.0},
                {},  // a blank row is left out
                {std::string("e02"), std::monostate{}, 2.5},
                {std::string("e03"), std::string("x"), 0.1, true}}}},
             inline_strings);
  Problems problems;
  Table table = parse_xlsx("entries.xlsx", read_file(path), "", problems);
  REQUIRE(problems.empty());
  REQUIRE(table.rows.size() == 4);
  CHECK(table.file == "entries.xlsx");
  CHECK(table.rows[0].line == 1);
  CHECK(table.rows[0].cells == std::vector<std::string>{"编号", "标题", "顺序"});
  CHECK(table.rows[1].cells == std::vector<std::string>{"e01", "党旗代代传", "1"});
  CHECK(table.rows[2].line == 4);
  CHECK(table.rows[2].cells == std::vector<std::string>{"e02", "", "2.5"});
  CHECK(table.rows[3].cells == std::vector<std::string>{"e03", "x", "0.1", "TRUE"});
}

TEST_CASE("A workbook's sheets can be listed and chosen by name", "[xlsx]") {
  TempDir dir;
  const std::string path = dir.file("book.xlsx");
  write_xlsx(path, {{"作品", {{std::string("编号")}, {std::string("e01")}}},
                    {"评委", {{std::string("姓名")}, {std::string("王建华")}}}});
  const std::string bytes = read_file(path);
  Problems problems;
  CHECK(xlsx_sheet_names("book.xlsx", bytes, problems) == std::vector<std::string>{"作品", "评委"});

  Table judges = parse_xlsx("book.xlsx", bytes, "评委", problems);
  REQUIRE(judges.rows.size() == 2);
  CHECK(judges.rows[1].cells[0] == "王建华");
  CHECK(judges.file == "book.xlsx [评委]");

  SECTION("read_table prefers a sheet named like the table it wants") {
    Table table = read_table({"book.xlsx", bytes}, problems, {"judges", "评委"});
    CHECK(table.rows.at(1).cells.at(0) == "王建华");
  }
  SECTION("an unknown sheet name is a problem") {
    parse_xlsx("book.xlsx", bytes, "nope", problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].reason.find("no sheet named nope") != std::string::npos);
  }
}

TEST_CASE("A file that is not an XLSX workbook is reported and not crashed on", "[xlsx]") {
  Problems problems;
  auto bytes = GENERATE(std::string(""), std::string("编号,标题\ne01,x\n"),
                        std::string("PK\x03\x04 truncated zip"));
  Table table = parse_xlsx("fake.xlsx", bytes, "", problems);
  CHECK(table.rows.empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].file == "fake.xlsx");
}

TEST_CASE("Cell references map to column indexes", "[xlsx]") {
  CHECK(xlsx_column_index("A1") == 0);
  CHECK(xlsx_column_index("Z9") == 25);
  CHECK(xlsx_column_index("AA10") == 26);
  CHECK(xlsx_column_index("XFD1") == 16383);
  CHECK(xlsx_column_index("12") == -1);
}
