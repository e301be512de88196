// Organisers' files, the rest of issue 15: criteria that add up to 100, one workbook for both
// tables, outside judges' units, and the annotated TOML of docs/data.md imported as written.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/tool_commands.hpp"
#include "captured_run.hpp"
#include "core/codec.hpp"
#include "core/demo.hpp"
#include "core/show.hpp"
#include "engine/restore.hpp"
#include "fixtures.hpp"
#include "import_checks.hpp"
#include "pdf_tools.hpp"
#include "store/store.hpp"
#include "tools/exporters.hpp"
#include "tools/import.hpp"
#include "tools/judge_cards.hpp"
#include "tools/text.hpp"
#include "tools/verify.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

bool has_note(const std::vector<std::string>& notes, const std::string& words) {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& note) {
    return note.find(words) != std::string::npos;
  });
}

std::string notes_text(const std::vector<std::string>& notes) {
  std::string text;
  for (const auto& note : notes) text += note + "\n";
  return text;
}

// The fenced block of `language` that follows `marker` in docs/data.md.
std::string docs_block(const std::string& marker, const std::string& language) {
  std::ifstream in(std::string(STAGEVOTE_DOCS_DIR) + "/data.md", std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const auto at = doc.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string fence = "```" + language + "\n";
  const auto start = doc.find(fence, at);
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("\n```", start + fence.size());
  REQUIRE(end != std::string::npos);
  return doc.substr(start + fence.size(), end + 1 - start - fence.size());
}

int line_of(const std::string& text, const std::string& words) {
  const auto at = text.find(words);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

// The entries of fixtures.hpp on one sheet and the judges on another, under sheet names the
// import does not know: told apart by their header columns.
XlsxRows entry_rows() {
  return {
      {std::string("编号"), std::string("标题"), std::string("单位"), std::string("轮次")},
      {std::string("e01"), std::string("甲"), std::string("省高级人民法院"), std::string("初赛")},
      {std::string("e02"), std::string("乙"), std::string("省纪委监委"), std::string("初赛、决赛")},
      {std::string("e03"), std::string("丙"), std::string("省税务局"), std::string("初赛")}};
}

}  // namespace

TEST_CASE("Criteria must add up to 100, with the line and the sum in the reason",
          "[import][scale]") {
  SECTION("95 is refused at the criteria's line, in Chinese and English") {
    const std::string scheme =
        replaced(kSchemeToml, "max = 30\n\n[[rounds]]", "max = 25\n\n[[rounds]]");
    ImportPlan plan =
        plan_import({source("scheme.toml", scheme), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)},
                    counting_tokens());
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.size() == 1);
    CHECK(plan.problems[0].file == "scheme.toml");
    CHECK(plan.problems[0].line == line_of(scheme, "[[scoring.criteria]]"));
    CHECK(plan.problems[0].reason ==
          "scoring.criteria 各评分项满分之和须为 100，现为 95（theme 30 + art 40 + live 25） / the "
          "criteria's max values must add up to 100 (the audience component is out of 100), not "
          "95 (theme 30 + art 40 + live 25)");
    CHECK_FALSE(plan.contest);
  }
  SECTION("10 (marks out of 10 per criterion) is refused too") {
    const std::string scheme =
        replaced(replaced(replaced(kSchemeToml, "max = 30", "max = 3"), "max = 40", "max = 4"),
                 "max = 30", "max = 3");
    ImportPlan plan =
        plan_import({source("scheme.toml", scheme), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)});
    CHECK(has_problem(plan.problems, "scheme.toml", line_of(scheme, "[[scoring.criteria]]"),
                      "must add up to 100 (the audience component is out of 100), not 10"));
  }
  SECTION("decimal maxima that add up to 100 pass") {
    const std::string scheme = replaced(
        replaced(replaced(kSchemeToml, "max = 30", "max = 33.3"), "max = 40", "max = 33.3"),
        "max = 30", "max = 33.4");
    ImportPlan plan =
        plan_import({source("scheme.toml", scheme), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)},
                    counting_tokens());
    INFO(problems_text(plan.problems));
    CHECK(plan.problems.empty());
  }
  SECTION("a criterion reported already does not add a wrong sum") {
    const std::string scheme = replaced(kSchemeToml, "max = 40", "max = \"forty\"");
    ImportPlan plan =
        plan_import({source("scheme.toml", scheme), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)});
    INFO(problems_text(plan.problems));
    CHECK(plan.problems.size() == 1);
    CHECK(has_problem(plan.problems, "scheme.toml", 22, "must be a number"));
  }
}

TEST_CASE("The demo contest, fetched as GET /api/contest, imports again on the 100-point scale",
          "[import][scale]") {
  core::Contest demo = core::demo_contest();
  double total = 0;
  for (const auto& criterion : demo.scoring.criteria) total += criterion.max;
  CHECK(total == 100);
  // The demo lists more works than its rounds play (the roster of the article); an import
  // refuses an entry in no round, so those are left out here.
  std::erase_if(demo.entries, [&](const core::Entry& entry) {
    return std::none_of(demo.rounds.begin(), demo.rounds.end(), [&](const core::Round& round) {
      return std::find(round.entries.begin(), round.entries.end(), entry.id) != round.entries.end();
    });
  });
  int n = 0;
  for (auto& judge : demo.judges) judge.token = "demo-judge-token-" + std::to_string(++n);
  ImportPlan plan = plan_import(
      {source("demo.json", core::contest_to_json(demo, true).dump(2)), std::nullopt, std::nullopt},
      counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  CHECK(plan.contest->entries.size() == demo.entries.size());
  CHECK(plan.contest->judges.size() == demo.judges.size());
}

TEST_CASE("One workbook serves both tables from --entries, sheets told apart by their headers",
          "[import][workbook]") {
  TempDir dir;
  const std::string path = dir.file("book.xlsx");
  // Sheet names as a spreadsheet program leaves them; the judges first, an extra sheet of notes.
  write_xlsx(path, {{"Sheet1", judges_rows_en()},
                    {"说明", {{std::string("请于 11 月 20 日前报送")}}},
                    {"Sheet3", entry_rows()}});
  const SourceFile book = source("book.xlsx", read_file(path));

  SECTION("given as the entries only") {
    ImportPlan plan =
        plan_import({source("scheme.toml", kSchemeToml), book, std::nullopt}, counting_tokens());
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->entries.size() == 3);
    CHECK(plan.contest->find_round("final")->entries == std::vector<std::string>{"e02"});
    REQUIRE(plan.contest->judges.size() == 6);
    CHECK(plan.contest->judges[0].name == "王建华");
    INFO(notes_text(plan.notes));
    CHECK(has_note(plan.notes,
                   "book.xlsx: one workbook for both tables: the judges from its sheet [Sheet1]"));
  }
  SECTION("given as the judges only") {
    ImportPlan plan =
        plan_import({source("scheme.toml", kSchemeToml), std::nullopt, book}, counting_tokens());
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->entries.size() == 3);
    CHECK(plan.contest->judges.size() == 6);
    INFO(notes_text(plan.notes));
    CHECK(has_note(plan.notes,
                   "book.xlsx: one workbook for both tables: the entries from its sheet [Sheet3]"));
  }
  SECTION("uploaded alone to the console") {
    Problems problems;
    ImportSources sources = classify_uploads({source("scheme.toml", kSchemeToml), book}, problems);
    REQUIRE(problems.empty());
    REQUIRE(sources.entries);
    REQUIRE(sources.judges);
    ImportPlan plan = plan_import(sources, counting_tokens());
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->entries.size() == 3);
    CHECK(plan.contest->judges.size() == 6);
  }
  SECTION("stagevote import --entries book.xlsx, without --judges") {
    const std::string scheme = dir.file("scheme.toml");
    std::ofstream(scheme, std::ios::binary) << kSchemeToml;
    Run done =
        run(app::run_import, {"--db", dir.file("show.db"), "--scheme", scheme, "--entries", path});
    INFO(done.out << done.err);
    CHECK(done.code == 0);
    CHECK(done.out.find("one workbook for both tables") != std::string::npos);
    CHECK(done.out.find("6 judges") != std::string::npos);
    CHECK(done.err.find("no judges") == std::string::npos);
  }
  SECTION("a workbook without a judges sheet still says there are no judges") {
    write_xlsx(path, {{"Sheet1", entry_rows()}, {"说明", {{std::string("备注")}}}});
    ImportPlan plan = plan_import(
        {source("scheme.toml", kSchemeToml), source("book.xlsx", read_file(path)), std::nullopt});
    CHECK(has_problem(plan.problems, "scheme.toml", 0, "no judges"));
  }
}

TEST_CASE("An outside judge imports without joining the units, and is recused from nothing",
          "[import][recusal]") {
  // j1 comes from an entry's unit (省纪委监委, entry e02); j7 from the party school, which
  // sends no entry; j8's unit is one character from an entry's: imported, but the note asks.
  const std::string judges = kJudgesCsvZh +
                             "j7,周敏,省委党校,教授,\n"
                             "j8,孙强,省税务厅,,\n";
  TempDir dir;
  const std::string db = dir.file("show.db");
  store::Store store(db);
  ImportResult result =
      import_contest(store, db,
                     {source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                      source("judges.csv", judges)});
  INFO(problems_text(result.problems));
  REQUIRE(result.imported);
  const core::Contest& contest = *result.contest;
  CHECK(contest.find_judge("j7")->unit == std::optional<std::string>("省委党校"));
  // The units are the entries' (four), as the import prints them.
  CHECK(contest.units ==
        std::vector<std::string>{"省高级人民法院", "省纪委监委", "省委宣传部", "省税务局"});
  INFO(notes_text(result.notes));
  CHECK(has_note(result.notes,
                 "outside judges, recused from no entry (no entry comes from their "
                 "unit): j7 周敏 (省委党校), j8 孙强 (省税务厅: did you mean "
                 "\"省税务局\"?)"));
  CHECK(core::validate(contest) == std::nullopt);

  // The show the server restores from the file: j1 is refused on e02 as recused, j7 scores it.
  core::Show show = engine::restore(store).show;
  core::Millis now = 1764158400000;
  REQUIRE(show.apply(core::StartEntry{"prelim", "e02"}, ++now).ok());
  const core::Marks marks{{"theme", 25}, {"art", 30}, {"live", 25}};
  auto own_unit = show.apply(core::Score{"j1", "prelim", "e02", marks}, ++now);
  REQUIRE_FALSE(own_unit.ok());
  CHECK(own_unit.error().code == core::ErrorCode::recused);
  CHECK(show.apply(core::Score{"j7", "prelim", "e02", marks}, ++now).ok());
  CHECK(show.apply(core::Score{"j8", "prelim", "e02", marks}, ++now).ok());
  for (const auto& entry : contest.entries) {
    CHECK_FALSE(core::is_recused(*contest.find_judge("j7"), entry));
  }

  SECTION("stagevote import counts the entries' units") {
    TempDir cli;
    const std::string scheme = cli.file("scheme.toml"), entries = cli.file("entries.csv"),
                      judges_csv = cli.file("judges.csv");
    std::ofstream(scheme, std::ios::binary) << kSchemeToml;
    std::ofstream(entries, std::ios::binary) << kEntriesCsvZh;
    std::ofstream(judges_csv, std::ios::binary) << judges;
    Run done = run(app::run_import, {"--db", cli.file("show.db"), "--scheme", scheme, "--entries",
                                     entries, "--judges", judges_csv});
    INFO(done.out << done.err);
    CHECK(done.code == 0);
    CHECK(done.out.find("4 entries from 4 units; 8 judges") != std::string::npos);
    CHECK(done.out.find("note: outside judges") != std::string::npos);
  }
}

TEST_CASE("The annotated TOML and JSON schemes of docs/data.md import as written",
          "[import][docs]") {
  const std::string toml = docs_block("TOML, annotated:", "toml");
  const std::string json = docs_block("The same in JSON:", "json");
  for (const auto& [name, text] :
       {std::pair{"data.md.toml", toml}, std::pair{"data.md.json", json}}) {
    CAPTURE(name);
    ImportPlan plan = plan_import({source(name, text), source("entries.csv", kEntriesCsvZh),
                                   source("judges.csv", kJudgesCsvZh)},
                                  counting_tokens());
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->id == "yeshu-cup");
    CHECK(plan.contest->popularity_award == "最佳人气奖");
    CHECK(plan.contest->scoring.criteria.size() == 3);
    CHECK(plan.contest->rounds.size() == 2);
  }
  CHECK(line_of(toml, "popularity_award") < line_of(toml, "[contest]"));
}

TEST_CASE("A top-level key below a TOML table says why it belongs to that table",
          "[import][docs]") {
  // popularity_award written after the awards, as the docs once had it: TOML reads it as a key
  // of the last [[awards]] table.
  const std::string scheme = kSchemeToml + "\npopularity_award = \"最佳人气奖\"\n";
  ImportPlan plan =
      plan_import({source("scheme.toml", scheme), source("entries.csv", kEntriesCsvZh),
                   source("judges.csv", kJudgesCsvZh)});
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.size() == 1);
  const Problem& problem = plan.problems[0];
  CHECK(problem.line == line_of(scheme, "popularity_award"));
  CHECK(problem.reason.find(
            "awards[2].popularity_award 是顶层键：在 TOML 中须写在第一个 [[awards]] 表之前") == 0);
  CHECK(problem.reason.find("popularity_award is a top-level key; in TOML it must come before the "
                            "first [[awards]] table") != std::string::npos);

  SECTION("the same for units landed in [scoring]") {
    const std::string units =
        replaced(kSchemeToml, "decimals = 2\n", "decimals = 2\nunits = [\"省税务局\"]\n");
    ImportPlan landed =
        plan_import({source("scheme.toml", units), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)});
    CHECK(has_problem(
        landed.problems, "scheme.toml", line_of(units, "units ="),
        "units is a top-level key; in TOML it must come before the first [scoring] table"));
  }
  SECTION("and in JSON, where nothing lands by accident, plainly") {
    const std::string json = replaced(kSchemeJson, "\"count\": 1}",
                                      "\"count\": 1, \"popularity_award\": \"最佳人气奖\"}");
    ImportPlan nested =
        plan_import({source("scheme.json", json), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)});
    CHECK(has_problem(nested.problems, "scheme.json", line_of(json, "popularity_award"),
                      "awards[1].popularity_award 是顶层键，不能写在 awards[1] 里 / is a top-level "
                      "key: move it out of awards[1] to the top level of the scheme"));
  }
}

TEST_CASE("The judge cards sheet has one card per judge with their QR link and token",
          "[judge-cards]") {
  ImportPlan plan =
      plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                   source("judges.csv", kJudgesCsvZh + "j7,<b>周敏</b>,省委党校,教授,\n")},
                  counting_tokens());
  REQUIRE(plan.contest);
  const core::Contest& contest = *plan.contest;
  const std::string html = judge_cards_html(contest, "http://192.168.1.20:8080");
  std::size_t cards = 0;
  for (auto at = html.find("<section class=\"card\""); at != std::string::npos;
       at = html.find("<section class=\"card\"", at + 1))
    ++cards;
  CHECK(cards == contest.judges.size());
  for (const auto& judge : contest.judges) {
    CHECK(html.find(html_escape(judge.name)) != std::string::npos);
    CHECK(html.find("http://192.168.1.20:8080/judge#t=" + judge.token) != std::string::npos);
  }
  CHECK(html.find("教授 · 省委党校") != std::string::npos);  // title and unit, as the page shows
  CHECK(html.find("<b>周敏</b>") == std::string::npos);      // names are text, not markup
  CHECK(html.find("<script") == std::string::npos);

  const std::string one = judge_cards_html(contest, "http://h:8080", std::string("j3"));
  CHECK(one.find("张丽") != std::string::npos);
  CHECK(one.find("王建华") == std::string::npos);
  CHECK_THROWS_WITH(judge_cards_html(contest, "http://h:8080", std::string("j99")),
                    Catch::Contains("unknown judge j99"));
}

TEST_CASE("stagevote judge-cards prints every judge's card to PDF", "[judge-cards][cli]") {
  if (!find_chromium() || !have_program("pdftotext")) {
    WARN("Chromium or pdftotext is not installed: stagevote judge-cards not tested");
    return;
  }
  TempDir dir;
  const std::string db = dir.file("show.db");
  {
    store::Store store(db);
    ImportResult imported =
        import_contest(store, db,
                       {source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                        source("judges.csv", kJudgesCsvZh + "j7,周敏,省委党校,教授,\n")});
    REQUIRE(imported.imported);
  }
  const core::Contest contest = [&] {
    store::Store store(db);
    return engine::load_contest(store);
  }();
  const std::string url = "http://192.168.1.20:8080";
  const std::string pdf = dir.file("cards.pdf");
  Run made = run(app::run_judge_cards, {"--db", db, "--out", pdf, "--url", url + "/"});
  INFO(made.out << made.err);
  REQUIRE(made.code == 0);
  CHECK(made.out == "wrote " + pdf + ": 7 judge cards, one A4 page each; the QR codes open " + url +
                        "/judge#t=TOKEN\n");
  struct stat status {};
  REQUIRE(::stat(pdf.c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0600);  // the tokens are credentials

  // Every judge's name and token on the paper, one page each.
  const auto text = pdf_text(pdf);
  REQUIRE(text);
  for (const auto& judge : contest.judges) {
    CAPTURE(judge.id);
    CHECK(text->find(judge.name) != std::string::npos);
    CHECK(text->find(judge.token) != std::string::npos);
  }
  CHECK(std::count(text->begin(), text->end(), '\f') == 7);
  CHECK(text->find(contest.name) != std::string::npos);

  // The first card for a human look, and its QR code read back.
  const std::string artifacts = STAGEVOTE_TEST_ARTIFACTS;
  std::filesystem::create_directories(artifacts);
  std::filesystem::copy_file(pdf, artifacts + "/judge-cards.pdf",
                             std::filesystem::copy_options::overwrite_existing);
  const std::string png = artifacts + "/judge-cards-page1.png";
  REQUIRE(pdf_page_png(pdf, 1, 100, png));
  if (const auto decoded = qr_codes_in(png)) {
    CHECK(*decoded == std::vector<std::string>{url + "/judge#t=" + contest.judges[0].token});
  } else {
    WARN("zbarimg is not installed: the QR code was not decoded");
  }

  SECTION("--judge prints one card") {
    const std::string single = dir.file("j7.pdf");
    Run one = run(app::run_judge_cards, {"--db", db, "--out", single, "--judge", "j7"});
    INFO(one.err);
    REQUIRE(one.code == 0);
    const auto one_text = pdf_text(single);
    REQUIRE(one_text);
    CHECK(one_text->find("周敏") != std::string::npos);
    CHECK(one_text->find("王建华") == std::string::npos);
  }
  SECTION("an unknown judge, a missing database or no file are refused") {
    Run unknown =
        run(app::run_judge_cards, {"--db", db, "--out", dir.file("x.pdf"), "--judge", "j99"});
    CHECK(unknown.code == 1);
    CHECK(unknown.err ==
          "stagevote judge-cards: unknown judge j99 (judges: j1 j2 j3 j4 j5 j6 j7)\n");
    Run missing =
        run(app::run_judge_cards, {"--db", dir.file("none.db"), "--out", dir.file("x.pdf")});
    CHECK(missing.code == 1);
    CHECK(missing.err.find("no such database") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("none.db")));
    Run stdout_pdf = run(app::run_judge_cards, {"--db", db, "--out", "-"});
    CHECK(stdout_pdf.code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.file("x.pdf")));
  }
}

TEST_CASE(
    "An organiser's workbook (title row, judges without 编号, an outside judge) imports "
    "alone, verifies and prints its cards",
    "[import][workbook][judge-cards][cli]") {
  TempDir dir;
  const std::string book = dir.file("椰树杯报名表.xlsx"), scheme = dir.file("scheme.toml"),
                    db = dir.file("show.db");
  XlsxRows entries = entry_rows();
  entries.insert(entries.begin(), {std::string("2026年椰树杯大赛 参赛节目")});  // merged title
  write_xlsx(book, {{"参赛节目", entries},
                    {"评审专家",
                     {{std::string("姓名"), std::string("单位"), std::string("职务")},
                      {std::string("王建华"), std::string("省纪委监委"), std::string("党建专家")},
                      {std::string("李明"), std::monostate{}, std::string("教授")},
                      {std::string("周敏"), std::string("海南大学"), std::string("教授")},
                      {std::string("陈刚")},
                      {std::string("刘洋")}}}});
  std::ofstream(scheme, std::ios::binary) << kSchemeToml;

  Run imported = run(app::run_import, {"--db", db, "--scheme", scheme, "--entries", book});
  INFO(imported.out << imported.err);
  REQUIRE(imported.code == 0);
  for (const std::string& note :
       {"note: " + book + " [参赛节目]: the header is on line 2; 1 title row above it skipped",
        "note: " + book + " [评审专家]: no 编号/id column: judges numbered J1 to J5 in file order",
        "note: " + book + ": one workbook for both tables: the judges from its sheet [评审专家]",
        std::string("note: outside judges, recused from no entry (no entry comes from their "
                    "unit): J3 周敏 (海南大学)")}) {
    CAPTURE(note);
    CHECK(imported.out.find(note + "\n") != std::string::npos);
  }
  CHECK(imported.out.find("3 entries from 3 units; 5 judges") != std::string::npos);
  CHECK(verify_database(db).ok);

  if (!find_chromium() || !have_program("pdftotext")) {
    WARN("Chromium or pdftotext is not installed: the cards were not printed");
    return;
  }
  const std::string pdf = dir.file("cards.pdf");
  Run cards = run(app::run_judge_cards, {"--db", db, "--out", pdf});
  INFO(cards.err);
  REQUIRE(cards.code == 0);
  const auto text = pdf_text(pdf);
  REQUIRE(text);
  for (const char* name : {"王建华", "李明", "周敏", "陈刚", "刘洋"}) {
    CAPTURE(name);
    CHECK(text->find(name) != std::string::npos);
  }
  CHECK(text->find("教授 · 海南大学") != std::string::npos);
}
