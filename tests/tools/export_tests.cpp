#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "engine/restore.hpp"
#include "played_show.hpp"
#include "store/store.hpp"
#include "tools/csv.hpp"
#include "tools/exporters.hpp"
#include "tools/report.hpp"
#include "tools/text.hpp"
#include "tools/xlsx_reader.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

std::size_t column(const TableRow& header, const std::string& name) {
  auto found = std::find(header.cells.begin(), header.cells.end(), name);
  REQUIRE(found != header.cells.end());
  return static_cast<std::size_t>(found - header.cells.begin());
}

const TableRow& row_of(const Table& table, const std::string& entry) {
  const std::size_t id = column(table.rows.front(), "编号 id");
  for (const auto& row : table.rows)
    if (row.cells.at(id) == entry) return row;
  FAIL("no row for " << entry);
  return table.rows.front();
}

double number(const std::string& text) {
  auto value = parse_number(text);
  REQUIRE(value);
  return *value;
}

}  // namespace

TEST_CASE("The round CSV carries every judge's marks and the show's results", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  core::Show show = engine::restore(store).show;
  const auto results = show.results("prelim");

  Problems problems;
  Table table = parse_csv("prelim.csv", export_results_csv(show, "prelim"), problems);
  REQUIRE(problems.empty());
  REQUIRE(table.rows.size() == 1 + 4);
  const TableRow& header = table.rows.front();

  SECTION("rows are in rank order with the contract's numbers") {
    for (std::size_t i = 0; i < results.size(); ++i) {
      const TableRow& row = table.rows[i + 1];
      CAPTURE(results[i].entry);
      CHECK(row.cells[column(header, "编号 id")] == results[i].entry);
      CHECK(row.cells[column(header, "名次 rank")] == std::to_string(results[i].rank));
      CHECK(number(row.cells[column(header, "最终得分 final")]) ==
            Approx(results[i].final_score).margin(0.0005));
      CHECK(number(row.cells[column(header, "评委得分 judge component")]) ==
            Approx(*results[i].judge_component).margin(0.0005));
      CHECK(row.cells[column(header, "票数 votes")] == std::to_string(results[i].votes));
      CHECK(number(row.cells[column(header, "观众得分 audience component")]) ==
            Approx(results[i].audience_component).margin(0.0005));
    }
  }
  SECTION("marks per criterion and totals per judge") {
    const TableRow& e03 = row_of(table, "e03");
    const core::Marks& marks = *show.marks("j4", "prelim", "e03");
    CHECK(number(e03.cells[column(header, "陈刚 j4 · 主题内涵 theme")]) == marks.at("theme"));
    CHECK(number(e03.cells[column(header, "陈刚 j4 · 艺术表现 art")]) == marks.at("art"));
    CHECK(number(e03.cells[column(header, "陈刚 j4 · 合计 total")]) ==
          Approx(core::judge_total(marks)));
  }
  SECTION("dropped totals are marked: one highest and one lowest of six") {
    const TableRow& e03 = row_of(table, "e03");
    int dropped = 0;
    for (const auto& judge : played.contest.judges)
      if (e03.cells[column(header, judge.name + " " + judge.id + " · 去掉 dropped")] ==
          "去掉 dropped")
        ++dropped;
    CHECK(dropped == 2);
  }
  SECTION("a recused judge is marked, not scored") {
    CHECK(row_of(table, "e02").cells[column(header, "王建华 j1 · 合计 total")] == "回避 recused");
    CHECK(row_of(table, "e04").cells[column(header, "张丽 j3 · 合计 total")] == "回避 recused");
  }
  SECTION("the amended result is marked and uses the corrected marks") {
    CHECK(row_of(table, "e01").cells[column(header, "更正 amended")] == "已更正 amended");
    CHECK(row_of(table, "e02").cells[column(header, "更正 amended")] == "");
    CHECK(number(row_of(table, "e01").cells[column(header, "李明 j2 · 艺术表现 art")]) == 38);
  }
  SECTION("the award tiers follow the ranks") {
    const TableRow& first = table.rows[1];
    CHECK(first.cells[column(header, "奖项 award")].find("一等奖") != std::string::npos);
    CHECK(row_of(table, "e02").cells[column(header, "奖项 award")].find("最佳人气奖") !=
          std::string::npos);
  }
}

TEST_CASE("The whole-contest CSV lists every round with its round id", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  core::Show show = engine::restore(store).show;
  Problems problems;
  Table table = parse_csv("all.csv", export_results_csv(show, std::nullopt), problems);
  REQUIRE(problems.empty());
  REQUIRE(table.rows.size() == 1 + 4 + 2);
  CHECK(table.rows[0].cells[0] == "轮次 round");
  CHECK(table.rows[1].cells[0] == "prelim");
  CHECK(table.rows[5].cells[0] == "final");
  CHECK(table.rows[5].cells[column(table.rows[0], "状态 status")] == "未上场 pending");
  CHECK_THROWS_AS(export_results_csv(show, std::string("nope")), std::invalid_argument);
}

TEST_CASE("The XLSX export reads back with the same cells as the CSV", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  core::Show show = engine::restore(store).show;
  const std::string xlsx = export_results_xlsx(show, std::nullopt, ledger_seal(store));
  Problems problems;
  auto sheets = xlsx_sheet_names("all.xlsx", xlsx, problems);
  REQUIRE(problems.empty());
  CHECK(sheets ==
        std::vector<std::string>{"初赛 prelim", "决赛 final", "更正 corrections", "说明 about"});

  Table sheet = parse_xlsx("all.xlsx", xlsx, "初赛 prelim", problems);
  Table csv = parse_csv("prelim.csv", export_results_csv(show, "prelim"), problems);
  REQUIRE(problems.empty());
  REQUIRE(sheet.rows.size() == csv.rows.size());
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& want = csv.rows[r].cells;
    const auto& got = sheet.rows[r].cells;
    for (std::size_t c = 0; c < want.size(); ++c) {
      CAPTURE(r, c, want[c]);
      const std::string cell = c < got.size() ? got[c] : "";
      if (auto expected = parse_number(want[c])) {
        // Numbers are stored exactly; the CSV shows them rounded.
        CHECK(number(cell) == Approx(*expected).margin(0.0005));
      } else {
        CHECK(cell == want[c]);
      }
    }
  }

  Table fixes = parse_xlsx("all.xlsx", xlsx, "更正 corrections", problems);
  REQUIRE(fixes.rows.size() == 2);
  CHECK(fixes.rows[1].cells[1] == "e01");
  CHECK(fixes.rows[1].cells[3] == "李明 j2");
  CHECK(fixes.rows[1].cells[8] == kCorrectionReason);
  CHECK(fixes.rows[1].cells[5] == "theme 29, art 38, live 28 = 95.00");

  Table about = parse_xlsx("all.xlsx", xlsx, "说明 about", problems);
  bool has_head = false;
  for (const auto& row : about.rows)
    has_head = has_head || (row.cells.size() > 1 && row.cells[1] == ledger_seal(store).head_hash);
  CHECK(has_head);
}

TEST_CASE("The ledger CSV lists the correction in full: before after who when why", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  Problems problems;
  Table table = parse_csv("ledger.csv", export_ledger_csv(store), problems);
  REQUIRE(problems.empty());
  const TableRow& header = table.rows.front();
  REQUIRE(static_cast<std::int64_t>(table.rows.size()) == 1 + store.record_count());

  SECTION("each record carries the hash of the one before") {
    for (std::size_t r = 2; r < table.rows.size(); ++r)
      CHECK(table.rows[r].cells[column(header, "prev_hash")] ==
            table.rows[r - 1].cells[column(header, "hash")]);
  }
  SECTION("the correction") {
    auto fix = std::find_if(table.rows.begin(), table.rows.end(), [&](const TableRow& row) {
      return row.cells[column(header, "kind")] == "correct_score";
    });
    REQUIRE(fix != table.rows.end());
    const core::ScoringScheme& scheme = played.contest.scoring;
    CHECK(fix->cells[column(header, "actor")] == "host");
    CHECK(fix->cells[column(header, "评委 judge")] == "j2");
    CHECK(fix->cells[column(header, "作品 entry")] == "e01");
    CHECK(fix->cells[column(header, "更正前 before")] ==
          describe_marks(scheme, played.corrected_from));
    CHECK(fix->cells[column(header, "更正后/分数 after")] ==
          describe_marks(scheme, played.corrected_to));
    CHECK(fix->cells[column(header, "理由 reason")] == kCorrectionReason);
    CHECK(fix->cells[column(header, "时间 time")].starts_with("2025-11-2"));
  }
}

TEST_CASE("The publication sheet is print-ready HTML with amended results marked", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  core::Show show = engine::restore(store).show;
  const LedgerSeal seal = ledger_seal(store);
  const std::string html = export_publication_html(show, std::nullopt, seal, 1764162000000);
  CHECK(html.find("@page { size: A4 landscape") != std::string::npos);
  CHECK(html.find("初赛 成绩公示") != std::string::npos);
  CHECK(html.find("决赛 成绩公示") != std::string::npos);
  CHECK(html.find("已更正 amended") != std::string::npos);
  CHECK(html.find("更正记录 Corrections") != std::string::npos);
  CHECK(html.find(html_escape(kCorrectionReason)) != std::string::npos);
  CHECK(html.find("class=\"num dropped\"") != std::string::npos);
  CHECK(html.find(seal.head_hash) != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);

  SECTION("and Chromium prints it to PDF when it is installed") {
    if (!find_chromium()) {
      WARN("Chromium is not installed: PDF not tested");
      return;
    }
    const std::string pdf = std::string(STAGEVOTE_TEST_ARTIFACTS) + "/tools-publication-sheet.pdf";
    std::ofstream(std::string(STAGEVOTE_TEST_ARTIFACTS) + "/tools-publication-sheet.html") << html;
    CHECK(print_pdf(html, pdf) == "");
    CHECK(read_file(pdf).starts_with("%PDF-"));
    CHECK(render_pdf(html).starts_with("%PDF-"));
  }
}
