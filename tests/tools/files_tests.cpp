// Files that cannot hurt (issue 14): hostile spreadsheets are refused within fixed bounds of
// memory, and exports neither run formulas in Excel nor carry live device tokens.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "column_bomb.hpp"
#include "engine/heads.hpp"
#include "engine/restore.hpp"
#include "fixtures.hpp"
#include "played_show.hpp"
#include "show_script.hpp"
#include "store/store.hpp"
#include "tools/csv.hpp"
#include "tools/exporters.hpp"
#include "tools/import.hpp"
#include "tools/xlsx_reader.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); -1 if absent.
long status_kib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// Resets the peak RSS (VmHWM) to the current RSS (Linux 4.0 and later).
bool reset_peak() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// How much the process's resident memory grew at its peak while `work` ran, in MiB.
template <class Work>
double peak_growth_mib(Work&& work) {
  REQUIRE(reset_peak());
  const long before = status_kib("VmRSS");
  work();
  const long peak = status_kib("VmHWM");
  REQUIRE(before > 0);
  REQUIRE(peak > 0);
  return static_cast<double>(peak - before) / 1024.0;
}

bool mentions(const Problems& problems, const std::string& words) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const Problem& p) { return p.reason.find(words) != std::string::npos; });
}

std::string problems_text(const Problems& problems) {
  std::string text;
  for (const auto& p : problems) text += to_string(p) + "\n";
  return text;
}

}  // namespace

TEST_CASE("The column bomb is refused with a clear reason and little memory", "[files][xlsx]") {
  TempDir dir;
  write_column_bomb(dir.file("bomb.xlsx"));
  const std::string bytes = read_file(dir.file("bomb.xlsx"));
  CHECK(bytes.size() < 16 * 1024);  // a few KB of zip

  SECTION("the measure sees 64 MiB when they are used") {
    const double grew = peak_growth_mib([] {
      std::vector<char> block(64u << 20);
      std::fill(block.begin(), block.end(), 1);
      CHECK(block[12345] == 1);
    });
    CHECK(grew > 60);
  }
  SECTION("parse_xlsx refuses it at its first row") {
    Problems problems;
    Table table;
    const double grew =
        peak_growth_mib([&] { table = parse_xlsx("bomb.xlsx", bytes, "", problems); });
    INFO(problems_text(problems));
    CHECK(table.rows.empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 2);
    CHECK(problems[0].reason ==
          "too large for a contest's table: a cell in column XFD, beyond the first 256 columns");
    CHECK(grew < 20);
  }
  SECTION("an import with it as the judges table is refused and writes nothing") {
    store::Store store(dir.file("show.db"));
    ImportResult result;
    const double grew = peak_growth_mib([&] {
      result = import_contest(store, "show.db",
                              {source("scheme.toml", kSchemeToml),
                               source("entries.csv", kEntriesCsvZh), source("bomb.xlsx", bytes)});
    });
    INFO(problems_text(result.problems));
    CHECK_FALSE(result.imported);
    CHECK(mentions(result.problems, "a cell in column XFD"));
    CHECK(grew < 20);
    CHECK(store.record_count() == 0);
  }
}

TEST_CASE("Sparse rows count as wide as their last cell", "[files][xlsx]") {
  TempDir dir;
  // 50 rows each with a cell at column 200: 10,000 cells allocated, 50 written.
  lxw_workbook* book = workbook_new(dir.file("sparse.xlsx").c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(book, "Sheet1");
  for (lxw_row_t r = 0; r < 50; ++r) worksheet_write_string(sheet, r, 199, "x", nullptr);
  REQUIRE(workbook_close(book) == LXW_NO_ERROR);
  const std::string bytes = read_file(dir.file("sparse.xlsx"));

  Problems problems;
  TableLimits limits;
  CHECK(parse_xlsx("sparse.xlsx", bytes, "", problems, limits).rows.size() == 50);
  REQUIRE(problems.empty());
  limits.cells = 5000;
  CHECK(parse_xlsx("sparse.xlsx", bytes, "", problems, limits).rows.empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].reason == "too large for a contest's table: more than 5000 cells in all");
  CHECK(problems[0].line == 26);  // the 26th row would make 5,200
}

TEST_CASE("Every cap of a workbook is enforced with a reason", "[files][xlsx]") {
  TempDir dir;
  XlsxRows rows;
  for (int r = 0; r < 30; ++r) {
    rows.push_back({std::string("e") + std::to_string(r), std::string("标题 ") + std::to_string(r),
                    static_cast<double>(r)});
  }
  write_xlsx(dir.file("book.xlsx"), {{"作品", rows}});
  const std::string bytes = read_file(dir.file("book.xlsx"));
  Problems problems;
  TableLimits limits;
  REQUIRE(parse_xlsx("book.xlsx", bytes, "", problems, limits).rows.size() == 30);
  REQUIRE(problems.empty());

  SECTION("rows") {
    limits.rows = 20;
    CHECK(parse_xlsx("book.xlsx", bytes, "", problems, limits).rows.empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].reason == "too large for a contest's table: more than 20 rows");
  }
  SECTION("columns") {
    limits.columns = 2;
    CHECK(parse_xlsx("book.xlsx", bytes, "", problems, limits).rows.empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].reason ==
          "too large for a contest's table: a cell in column C, beyond the first 2 columns");
  }
  SECTION("shared strings") {
    limits.shared_strings = 10;
    CHECK(parse_xlsx("book.xlsx", bytes, "", problems, limits).rows.empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].reason == "more than 10 shared strings: too many for a contest's table");
  }
  SECTION("decompressed bytes, before inflating") {
    limits.part_bytes = 1024;
    CHECK(parse_xlsx("book.xlsx", bytes, "", problems, limits).rows.empty());
    REQUIRE_FALSE(problems.empty());
    CHECK(problems[0].reason.find("too large for a contest's table (at most 1024 bytes a part") !=
          std::string::npos);
  }
  SECTION("XML elements, before parsing") {
    limits.xml_elements = 100;
    CHECK(parse_xlsx("book.xlsx", bytes, "", problems, limits).rows.empty());
    REQUIRE_FALSE(problems.empty());
    CHECK(problems[0].reason.find("XML tags: too many for a contest's table (at most 100)") !=
          std::string::npos);
  }
}

TEST_CASE("A CSV of commas or lines is refused within its caps", "[files][csv]") {
  Problems problems;
  SECTION("columns: one line of a million commas") {
    const Table table = parse_csv("wide.csv", std::string(1'000'000, ','), problems);
    CHECK(table.rows.empty());
    REQUIRE(problems.size() == 1);
    CHECK(to_string(problems[0]) ==
          "wide.csv:1: too large for a contest's table: a row has more than 256 columns");
  }
  SECTION("rows") {
    std::string text;
    for (int i = 0; i < 10'001; ++i) text += "e,x\n";
    CHECK(parse_csv("long.csv", text, problems).rows.empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].reason == "too large for a contest's table: more than 10000 rows");
  }
  SECTION("cells") {
    TableLimits limits;
    limits.cells = 100;
    std::string text;
    for (int i = 0; i < 30; ++i) text += "a,b,c,d\n";
    CHECK(parse_csv("many.csv", text, problems, limits).rows.empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].reason == "too large for a contest's table: more than 100 cells in all");
    CHECK(problems[0].line == 26);
  }
}

namespace {

// A played show whose first entry's title, and a correction's reason, are formulas.
struct HostileShow {
  TempDir dir;
  std::string db = dir.file("show.db");
  static inline const std::string kTitle = "=HYPERLINK(\"http://evil.example/\",\"点此领奖\")";
  static inline const std::string kReason = "@SUM(1+1)*cmd|' /C calc'!A0";

  HostileShow() {
    store::Store store(db);
    // The fixture's entries, e01's title a formula (quoted as a CSV field).
    std::string entries = kEntriesCsvZh;
    const std::string title = "党旗代代传 融合促发展";
    const auto at = entries.find(title);
    REQUIRE(at != std::string::npos);
    entries.replace(at, title.size(),
                    "\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"点此领奖\"\")\"");
    ImportResult imported =
        import_contest(store, db,
                       {source("scheme.toml", kSchemeToml), source("entries.csv", entries),
                        source("judges.csv", kJudgesCsvZh)});
    INFO(problems_text(imported.problems));
    REQUIRE(imported.imported);
    REQUIRE(imported.contest->find_entry("e01")->title == kTitle);
    ShowScript script(store, *imported.contest);
    script.perform("prelim", "e01", 5, 20);
    script.perform("prelim", "e02", 3, 22);
    script.run(core::CorrectScore{
        "j2", "prelim", "e01", {{"theme", 29}, {"art", 38}, {"live", 28}}, kReason});
    script.flush();
  }
};

// No cell of `csv` starts a formula, and `typed` comes out with the neutralising quote.
void check_neutralised(const std::string& file, const std::string& csv, const std::string& typed) {
  Problems problems;
  const Table table = parse_csv(file, csv, problems);
  REQUIRE(problems.empty());
  bool found = false;
  for (const auto& row : table.rows) {
    for (const auto& cell : row.cells) {
      CHECK_FALSE(cell.starts_with("="));
      CHECK_FALSE(cell.starts_with("@"));
      found = found || cell == "'" + typed;
    }
  }
  CHECK(found);
}

}  // namespace

TEST_CASE("A formula typed as a title or a reason comes out of the CSVs neutralised",
          "[files][export]") {
  HostileShow hostile;
  store::Store store(hostile.db);
  const core::Show show = engine::restore(store).show;
  const LedgerSeal seal = ledger_seal(store);

  SECTION("results CSV") {
    check_neutralised("prelim.csv", export_results_csv(show, "prelim", seal), HostileShow::kTitle);
  }
  SECTION("ledger CSV") {
    check_neutralised("ledger.csv", export_ledger_csv(store, pseudonym_key(store)),
                      HostileShow::kReason);
  }
}

TEST_CASE("The ledger CSV names devices by a keyed pseudonym, never by their token",
          "[files][export]") {
  PlayedShow played;
  store::Store store(played.db);
  const std::string key = pseudonym_key(store);
  CHECK(key.size() == 32);
  CHECK(pseudonym_key(store) == key);  // kept in the database

  const std::string csv = export_ledger_csv(store, key);
  CHECK(csv.find("device-0") == std::string::npos);
  CHECK(csv.find("device-11") == std::string::npos);
  Problems problems;
  const Table table = parse_csv("ledger.csv", csv, problems);
  REQUIRE(problems.empty());
  const TableRow& header = table.rows.at(1);
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.cells.begin(), header.cells.end(), name) -
                                    header.cells.begin());
  };
  const std::string pseudonym = device_pseudonym(key, "device-0");
  CHECK(std::regex_match(pseudonym, std::regex("dev-[0-9a-f]{16}")));
  CHECK(pseudonym != device_pseudonym(key, "device-1"));
  CHECK(pseudonym != device_pseudonym(std::string(32, 'k'), "device-0"));  // keyed

  // device-0 voted in the polls of e01, e02 and e04: the same pseudonym each time.
  int votes_of_device_0 = 0;
  for (const auto& row : std::vector(table.rows.begin() + 2, table.rows.end())) {
    if (row.cells.at(column("kind")) != "vote") continue;
    const std::string& actor = row.cells.at(column("actor"));
    CHECK(actor.starts_with("dev-"));
    CHECK(row.cells.at(column("payload")).find("\"device\":\"" + actor + "\"") !=
          std::string::npos);
    votes_of_device_0 += actor == pseudonym;
  }
  CHECK(votes_of_device_0 == 3);
  // Judges and the host keep their names: they are not credentials.
  CHECK(csv.find(",host,") != std::string::npos);
}

TEST_CASE("Every export prints the ledger's head, short and full", "[files][export]") {
  PlayedShow played;
  store::Store store(played.db);
  const core::Show show = engine::restore(store).show;
  const LedgerSeal seal = ledger_seal(store);
  const std::string short_head = engine::short_hash(seal.head_hash);
  REQUIRE(short_head.size() == 12);
  const std::string line = seal_text(seal);
  CHECK(line.find(short_head) != std::string::npos);
  CHECK(line.find(seal.head_hash) != std::string::npos);
  CHECK(line.find(std::to_string(seal.records) + " 条记录") != std::string::npos);

  Problems problems;
  const Table results =
      parse_csv("all.csv", export_results_csv(show, std::nullopt, seal), problems);
  REQUIRE(problems.empty());
  CHECK(results.rows.at(0).cells == std::vector<std::string>{line});
  CHECK(results.rows.at(1).cells.at(0) == "轮次 round");

  const Table ledger =
      parse_csv("ledger.csv", export_ledger_csv(store, pseudonym_key(store)), problems);
  REQUIRE(problems.empty());
  CHECK(ledger.rows.at(0).cells == std::vector<std::string>{line});
  CHECK(ledger.rows.at(1).cells.at(0) == "seq");
  CHECK(ledger.rows.back().cells.back() == seal.head_hash);

  const std::string xlsx = export_results_xlsx(show, std::nullopt, seal);
  const Table about = parse_xlsx("all.xlsx", xlsx, "说明 about", problems);
  REQUIRE(problems.empty());
  bool has_short = false;
  for (const auto& row : about.rows) has_short = has_short || row.cells.back() == short_head;
  CHECK(has_short);

  const std::string html = export_publication_html(show, std::nullopt, seal, 1764162000000);
  CHECK(html.find("<strong class=\"short-head\">" + short_head + "</strong>") != std::string::npos);
}
