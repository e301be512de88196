#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "engine/restore.hpp"
#include "played_show.hpp"
#include "store/store.hpp"
#include "tools/csv.hpp"
#include "tools/exporters.hpp"
#include "tools/report.hpp"
#include "tools/text.hpp"
#include "tools/xlsx_reader.hpp"
#include "xlsx_formats.hpp"

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

// A CSV export's table without its first line, the seal (checked to be there).
Table without_seal(Table table) {
  REQUIRE_FALSE(table.rows.empty());
  REQUIRE(table.rows.front().cells.size() == 1);
  REQUIRE(table.rows.front().cells.front().starts_with("账本 ledger："));
  table.rows.erase(table.rows.begin());
  return table;
}

double number(const std::string& text) {
  auto value = parse_number(text);
  REQUIRE(value);
  return *value;
}

// The fixture scheme with result_decimals set.
std::string scheme_with_result_decimals(int decimals) {
  std::string scheme = kSchemeToml;
  const std::string key = "decimals = 2\n";
  const auto at = scheme.find(key);
  REQUIRE(at != std::string::npos);
  return scheme.insert(at + key.size(), "result_decimals = " + std::to_string(decimals) + "\n");
}

// An entry's published figures as every export must print them.
struct Digits {
  std::string judge_component, plain_mean, audience_component, final_score;
};

Digits digits(const core::EntryResult& result) {
  const core::Published& p = result.published;
  REQUIRE(p.judge_component);
  return {p.judge_component->text(), p.plain_mean.text(), p.audience_component.text(),
          p.final_score.text()};
}

// The rows of the publication sheet's body, in order.
std::vector<std::string> html_rows(const std::string& html) {
  std::vector<std::string> rows;
  std::size_t at = html.find("<tbody>");
  REQUIRE(at != std::string::npos);
  const std::size_t end = html.find("</tbody>", at);
  while ((at = html.find("<tr", at)) < end) {
    const std::size_t close = html.find("</tr>", at);
    rows.push_back(html.substr(at, close - at));
    at = close;
  }
  return rows;
}

// Text of a PDF as laid out on the page (pdftotext -layout), or nullopt without poppler.
std::optional<std::string> pdf_text(const std::string& pdf_path) {
  if (std::system("command -v pdftotext >/dev/null 2>&1") != 0) return std::nullopt;
  const std::string text_path = pdf_path + ".txt";
  REQUIRE(std::system(("pdftotext -layout '" + pdf_path + "' '" + text_path + "'").c_str()) == 0);
  return read_file(text_path);
}

std::string regex_escape(const std::string& text) {
  return std::regex_replace(text, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
}

}  // namespace

TEST_CASE("The round CSV carries every judge's marks and the show's results", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  core::Show show = engine::restore(store).show;
  const auto results = show.results("prelim");

  Problems problems;
  Table table = without_seal(
      parse_csv("prelim.csv", export_results_csv(show, "prelim", ledger_seal(store)), problems));
  REQUIRE(problems.empty());
  REQUIRE(table.rows.size() == 1 + 4);
  const TableRow& header = table.rows.front();

  SECTION("rows are in rank order with the published figures") {
    for (std::size_t i = 0; i < results.size(); ++i) {
      const TableRow& row = table.rows[i + 1];
      CAPTURE(results[i].entry);
      const Digits want = digits(results[i]);
      CHECK(row.cells[column(header, "编号 id")] == results[i].entry);
      CHECK(row.cells[column(header, "名次 rank")] == std::to_string(results[i].rank));
      CHECK(row.cells[column(header, "最终得分 final")] == want.final_score);
      CHECK(row.cells[column(header, "评委得分 judge component")] == want.judge_component);
      CHECK(row.cells[column(header, "评委平均 plain mean")] == want.plain_mean);
      CHECK(row.cells[column(header, "票数 votes")] == std::to_string(results[i].votes));
      CHECK(row.cells[column(header, "观众得分 audience component")] == want.audience_component);
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
  Table table = without_seal(
      parse_csv("all.csv", export_results_csv(show, std::nullopt, ledger_seal(store)), problems));
  REQUIRE(problems.empty());
  REQUIRE(table.rows.size() == 1 + 4 + 2);
  CHECK(table.rows[0].cells[0] == "轮次 round");
  CHECK(table.rows[1].cells[0] == "prelim");
  CHECK(table.rows[5].cells[0] == "final");
  CHECK(table.rows[5].cells[column(table.rows[0], "状态 status")] == "未上场 pending");
  CHECK_THROWS_AS(export_results_csv(show, std::string("nope"), ledger_seal(store)),
                  std::invalid_argument);
}

TEST_CASE("The XLSX export reads back with the same cells as the CSV", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  core::Show show = engine::restore(store).show;
  const std::string xlsx = export_results_xlsx(show, std::nullopt, ledger_seal(store));
  Problems problems;
  auto sheets = xlsx_sheet_names("all.xlsx", xlsx, problems);
  REQUIRE(problems.empty());
  // The 公示 first: what organisers publish.
  CHECK(sheets == std::vector<std::string>{"公示", "初赛 prelim", "决赛 final", "更正 corrections",
                                           "观众投票 polls", "说明 about"});
  // Every poll states who could vote in it and what was refused while it was open.
  Table polls = parse_xlsx("all.xlsx", xlsx, "观众投票 polls", problems);
  REQUIRE(problems.empty());
  REQUIRE(polls.rows.size() > 1);  // the header, then a row per poll
  CHECK(polls.rows.front().cells.at(3) == "入场 admission");
  for (const auto& row : std::vector(polls.rows.begin() + 1, polls.rows.end())) {
    CHECK(row.cells.at(3) == "open");
    CHECK(row.cells.at(7) == "none");
  }

  Table sheet = parse_xlsx("all.xlsx", xlsx, "初赛 prelim", problems);
  Table csv = without_seal(
      parse_csv("prelim.csv", export_results_csv(show, "prelim", ledger_seal(store)), problems));
  REQUIRE(problems.empty());
  REQUIRE(sheet.rows.size() == csv.rows.size());
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& want = csv.rows[r].cells;
    const auto& got = sheet.rows[r].cells;
    for (std::size_t c = 0; c < want.size(); ++c) {
      CAPTURE(r, c, want[c]);
      const std::string cell = c < got.size() ? got[c] : "";
      if (auto expected = parse_number(want[c])) {
        // Marks and totals as they are, published figures as published: the CSV's numbers.
        CHECK(number(cell) == *expected);
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

TEST_CASE("Every export prints the published digits with the scheme's result_decimals",
          "[export]") {
  const int decimals = GENERATE(0, 2, 3);
  CAPTURE(decimals);
  PlayedShow played(scheme_with_result_decimals(decimals));
  store::Store store(played.db);
  core::Show show = engine::restore(store).show;
  const auto results = show.results("prelim");
  REQUIRE(results.size() == 4);
  // The rounding is visible: some figure has more digits than are published.
  CHECK(std::any_of(results.begin(), results.end(), [](const core::EntryResult& r) {
    return r.final_score != r.published.final_score.value();
  }));

  SECTION("CSV: the published text") {
    Problems problems;
    const Table table = without_seal(
        parse_csv("prelim.csv", export_results_csv(show, "prelim", ledger_seal(store)), problems));
    REQUIRE(problems.empty());
    const TableRow& header = table.rows.front();
    for (std::size_t i = 0; i < results.size(); ++i) {
      CAPTURE(results[i].entry);
      const Digits want = digits(results[i]);
      const auto& cells = table.rows[i + 1].cells;
      CHECK(cells[column(header, "评委得分 judge component")] == want.judge_component);
      CHECK(cells[column(header, "评委平均 plain mean")] == want.plain_mean);
      CHECK(cells[column(header, "观众得分 audience component")] == want.audience_component);
      CHECK(cells[column(header, "最终得分 final")] == want.final_score);
    }
  }
  SECTION("XLSX: the published value, shown with result_decimals decimals") {
    const std::string xlsx = export_results_xlsx(show, "prelim", ledger_seal(store));
    Problems problems;
    // The first sheet is the 公示; the round's data sheet is the second.
    const Table sheet = parse_xlsx("prelim.xlsx", xlsx, "初赛 prelim", problems);
    REQUIRE(problems.empty());
    const auto formats = xlsx_number_formats(xlsx, 2);
    const std::string format = decimals == 0 ? "0" : "0." + std::string(decimals, '0');
    const TableRow& header = sheet.rows.front();
    for (std::size_t i = 0; i < results.size(); ++i) {
      CAPTURE(results[i].entry);
      const Digits want = digits(results[i]);
      for (const auto& [title, text] :
           {std::pair{"评委得分 judge component", want.judge_component},
            std::pair{"评委平均 plain mean", want.plain_mean},
            std::pair{"观众得分 audience component", want.audience_component},
            std::pair{"最终得分 final", want.final_score}}) {
        CAPTURE(title);
        const std::size_t c = column(header, title);
        CHECK(formats.at(cell_ref(c, i + 2)) == format);
        // The stored number, formatted as the cell's format says: what Excel shows.
        const double stored = number(sheet.rows[i + 1].cells[c]);
        CHECK(stored == number(text));
        CHECK(format_fixed(stored, decimals) == text);
      }
    }
  }
  SECTION("HTML and PDF: the publication sheet") {
    const std::string html =
        export_publication_html(show, "prelim", ledger_seal(store), 1764162000000);
    const auto rows = html_rows(html);
    REQUIRE(rows.size() == results.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      CAPTURE(results[i].entry);
      const Digits want = digits(results[i]);
      // The round's audience vote is still open: the figures carry 暂计 beside them (the
      // publication tests check that mark); here only the digits are compared.
      std::string row = rows[i];
      for (const std::string tag = "<span class=\"tag provisional\">暂计</span>";
           row.find(tag) != std::string::npos;) {
        row.erase(row.find(tag), tag.size());
      }
      CHECK_THAT(row,
                 Catch::Contains("<td class=\"num\">" + want.judge_component +
                                 "</td><td class=\"num\">" + std::to_string(results[i].votes) +
                                 "</td><td class=\"num\">" + want.audience_component +
                                 "</td><td class=\"num final\">" + want.final_score + "</td>"));
    }
    CHECK_THAT(html, Catch::Contains("保留 " + std::to_string(decimals) + " 位小数"));

    if (!find_chromium()) {
      WARN("Chromium is not installed: PDF not tested");
      return;
    }
    const std::string pdf = std::string(STAGEVOTE_TEST_ARTIFACTS) + "/tools-publication-" +
                            std::to_string(decimals) + "-decimals.pdf";
    REQUIRE(print_pdf(html, pdf) == "");
    const auto text = pdf_text(pdf);
    if (!text) {
      WARN("pdftotext (poppler-utils) is not installed: the PDF's text not read");
      return;
    }
    for (const auto& result : results) {
      CAPTURE(result.entry);
      const Digits want = digits(result);
      // One row of the sheet: judge component, votes, audience component, final, each a
      // whole number on the page (not the start or end of a longer one). The audience vote
      // is still open, so 暂计 may follow the audience component.
      const std::regex row(R"((?:^|\s))" + regex_escape(want.judge_component) + R"(\s+)" +
                           std::to_string(result.votes) + R"(\s+)" +
                           regex_escape(want.audience_component) + R"((?:\s+暂计)?\s+)" +
                           regex_escape(want.final_score) + R"((?![.\d]))");
      INFO(*text);
      CHECK(std::regex_search(*text, row));
    }
  }
}

TEST_CASE("The ledger CSV lists the correction in full: before after who when why", "[export]") {
  PlayedShow played;
  store::Store store(played.db);
  Problems problems;
  Table table = without_seal(
      parse_csv("ledger.csv", export_ledger_csv(store, pseudonym_key(store)), problems));
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
  const std::string html =
      export_publication_html(show, std::nullopt, seal, 1764162000000, Languages::zh_en);
  CHECK(html.find("@page { size: A4 landscape") != std::string::npos);
  CHECK(html.find("初赛 成绩公示") != std::string::npos);
  CHECK(html.find("决赛 成绩公示") != std::string::npos);
  CHECK(html.find("已更正 amended") != std::string::npos);
  CHECK(html.find("更正记录 Corrections") != std::string::npos);
  CHECK(html.find("观众入场 admission: open") != std::string::npos);
  CHECK(html.find("观众投票 Audience polls") != std::string::npos);
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
