// The 公示 as organisers publish it (HTML, PDF, the XLSX's first sheet), the operator named
// for a correction, and the public audit: the ledger without secrets, checked by anyone with
// `verify --public`, and recount refusing a ledger whose chain is broken.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <sstream>

#include "app/tool_commands.hpp"
#include "captured_run.hpp"
#include "core/codec.hpp"
#include "engine/credentials.hpp"
#include "engine/heads.hpp"
#include "engine/restore.hpp"
#include "fixtures.hpp"
#include "pdf_tools.hpp"
#include "played_show.hpp"
#include "show_script.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"
#include "tools/exporters.hpp"
#include "tools/public_ledger.hpp"
#include "tools/recount.hpp"
#include "tools/report.hpp"
#include "tools/text.hpp"
#include "tools/xlsx_reader.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

const std::string kDate = "2026年12月2日";
const std::string kVenue = "海口市人民会堂";
const std::string kPeriod = "2026年12月3日至12月9日";
const std::string kPhone = "0898-65201234";
const std::string kOperator = "张晓明";

// The fixture scheme with the publication table and 3 published decimals.
std::string publication_scheme() {
  std::string scheme = kSchemeToml;
  const std::string key = "decimals = 2\n";
  scheme.insert(scheme.find(key) + key.size(), "result_decimals = 3\n");
  return scheme + "\n[publication]\ndate = \"" + kDate + "\"\nvenue = \"" + kVenue +
         "\"\nperiod = \"" + kPeriod + "\"\nphone = \"" + kPhone + "\"\n";
}

// A preliminary round as the server plays it: phones vote as their pseudonym (the token never
// reaches the ledger); e01 and e02 revealed, e01 corrected by a named operator; e03 on stage,
// scored and locked but not revealed (未完成); e04 never started (未参赛).
struct PublishedShow {
  TempDir dir;
  std::string db = dir.file("show.db");
  core::Contest contest;
  std::vector<std::string> device_tokens;

  PublishedShow() {
    store::Store store(db);
    ImportResult imported =
        import_contest(store, db,
                       {source("scheme.toml", publication_scheme()),
                        source("entries.csv", kEntriesCsvZh), source("judges.csv", kJudgesCsvZh)});
    INFO((imported.problems.empty() ? "" : to_string(imported.problems.front())));
    REQUIRE(imported.imported);
    contest = *imported.contest;
    // What the server's audience gate does: a token per phone, the phone votes as its voter.
    const engine::Credentials credentials(store, std::string(24, 'k'));
    for (int i = 0; i < 9; ++i) device_tokens.push_back(credentials.new_device());

    ShowScript script(store, contest);
    const auto perform = [&](const std::string& entry, int votes, double base, bool reveal) {
      script.run(core::StartEntry{"prelim", entry});
      const std::string poll = script.run(core::OpenPoll{"prelim", {entry}, 0}).poll;
      for (int v = 0; v < votes; ++v) {
        const std::string voter = credentials.voter(device_tokens[static_cast<std::size_t>(v)]);
        script.run(core::Vote{voter, poll, entry}, voter);
      }
      script.run(core::ClosePoll{poll});
      int k = 0;
      for (const auto& judge : contest.judges) {
        ++k;
        if (core::is_recused(judge, *contest.find_entry(entry))) continue;
        core::Marks marks{{"theme", base + 0.5 * k}, {"art", 20 + 2.25 * k}, {"live", 10 + k}};
        script.run(core::Score{judge.id, "prelim", entry, marks}, judge.id);
      }
      script.run(core::LockScores{"prelim", entry, "not every judge scored in this test"});
      if (reveal) script.run(core::Reveal{"prelim", entry});
    };
    perform("e01", 7, 20, true);
    perform("e02", 9, 22, true);
    script.run(core::CorrectScore{
        "j2", "prelim", "e01", {{"theme", 29}, {"art", 38}, {"live", 28}}, "录入错误", kOperator});
    perform("e03", 3, 18, false);
    script.flush();
  }
};

// The line of a laid-out page that holds `text`.
std::string line_with(const std::string& page, const std::string& text) {
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);)
    if (line.find(text) != std::string::npos) return line;
  return {};
}

// j4's theme mark for e02 (22 + 0.5 × 4) as the file's JSON quotes it, moved to 24.5: one mark
// edited in a published file.
std::string edit_one_mark(std::string text) {
  // (Marks are written in key order: theme is the last.)
  for (const std::string mark : {R"(\"theme\":24.0})", R"(\"theme\":24})"}) {
    if (const std::size_t at = text.find(mark); at != std::string::npos) {
      return text.replace(at, mark.size(), R"(\"theme\":24.5})");
    }
  }
  FAIL("no mark of 24 in the file");
  return text;
}

void tamper(const std::string& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(handle);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("The 公示 prints 编号, date, venue, 公示期, 监督电话, both hashes, in Chinese",
          "[publication]") {
  PublishedShow played;
  store::Store store(played.db);
  const core::Show show = engine::restore(store).show;
  const LedgerSeal seal = ledger_seal(store);
  REQUIRE(seal.contest_hash.size() == 64);
  const std::string html = export_publication_html(show, "prelim", seal, 1764162000000);

  for (const auto& text : {kDate, kVenue, kPeriod, kPhone, seal.head_hash, seal.contest_hash,
                           engine::short_hash(seal.head_hash), std::string("编号"),
                           std::string("公示期"), std::string("监督电话")}) {
    CAPTURE(text);
    CHECK(html.find(text) != std::string::npos);
  }
  SECTION("Chinese only by default; English beside it with zh,en") {
    for (const char* english : {"Rank", "Final", "Corrections", "Exported", "admission:"}) {
      CAPTURE(english);
      CHECK(html.find(english) == std::string::npos);
    }
    const std::string both =
        export_publication_html(show, "prelim", seal, 1764162000000, Languages::zh_en);
    for (const char* english : {"Rank", "Final", "Complaints phone", "Publication period"}) {
      CAPTURE(english);
      CHECK(both.find(english) != std::string::npos);
    }
  }
  SECTION("revealed entries ranked with result_decimals; the unplayed listed unranked") {
    const auto results = show.results("prelim");
    for (const auto& result : results) {
      CAPTURE(result.entry);
      const std::size_t at = html.find("<td class=\"num id\">" + result.entry + "</td>");
      REQUIRE(at != std::string::npos);
      const std::string row =
          html.substr(html.rfind("<tr", at), html.find("</tr>", at) - html.rfind("<tr", at));
      const auto status = show.entry_state("prelim", result.entry).status;
      if (status == core::EntryStatus::revealed) {
        CHECK(result.published.final_score.decimals == 3);
        // The figure as published, marked 暂计 exactly while the round's audience vote is open.
        const std::string tag =
            result.provisional ? "<span class=\"tag provisional\">暂计</span>" : "";
        CHECK(row.find("<td class=\"num final\">" + result.published.final_score.text() + tag +
                       "</td>") != std::string::npos);
      } else {
        const char* label = status == core::EntryStatus::pending ? "未参赛" : "未完成";
        CHECK(row.find(std::string("<td class=\"unranked\">") + label + "</td>") !=
              std::string::npos);
        // No rank, no figure: not a 0.000.
        CHECK(row.find("0.000") == std::string::npos);
        CHECK(row.find("class=\"num final\"") == std::string::npos);
      }
    }
    CHECK(show.entry_state("prelim", "e03").status == core::EntryStatus::locked);
    CHECK(show.entry_state("prelim", "e04").status == core::EntryStatus::pending);
  }
  SECTION("the correction names its operator") {
    CHECK(html.find("<td class=\"operator\">" + kOperator + "</td>") != std::string::npos);
  }
  SECTION("the XLSX opens with the same 公示") {
    const std::string xlsx = export_results_xlsx(show, "prelim", seal);
    Problems problems;
    const Table sheet = parse_xlsx("prelim.xlsx", xlsx, "", problems);
    REQUIRE(problems.empty());
    std::string all;
    for (const auto& row : sheet.rows)
      for (const auto& cell : row.cells) all += cell + "\n";
    for (const auto& text :
         {kDate, kVenue, kPeriod, kPhone, seal.head_hash, seal.contest_hash, kOperator}) {
      CAPTURE(text);
      CHECK(all.find(text) != std::string::npos);
    }
    bool unranked = false;
    for (const auto& row : sheet.rows) {
      if (row.cells.size() > 1 && row.cells[1] == "e04") {
        CHECK(row.cells[0] == "未参赛");
        CHECK(row.cells.size() <= 4);  // 编号, title, unit and nothing after
        unranked = true;
      }
    }
    CHECK(unranked);
  }
}

TEST_CASE("The 公示 PDF: pdftotext finds the hashes and the date, and no rank for the unplayed",
          "[publication]") {
  PublishedShow played;
  store::Store store(played.db);
  const core::Show show = engine::restore(store).show;
  const LedgerSeal seal = ledger_seal(store);
  if (!find_chromium()) {
    WARN("Chromium is not installed: the PDF not tested");
    return;
  }
  const std::string artifacts = STAGEVOTE_TEST_ARTIFACTS;
  std::filesystem::create_directories(artifacts);
  const std::string pdf = artifacts + "/tools-publication-zh.pdf";
  REQUIRE(print_pdf(export_publication_html(show, "prelim", seal, 1764162000000), pdf) == "");
  if (!have_program("pdftotext")) {
    WARN("pdftotext (poppler-utils) is not installed: the PDF's text not read");
    return;
  }
  const auto page = command_output("pdftotext -layout -enc UTF-8 " + quoted(pdf) + " -");
  REQUIRE(page);
  INFO(*page);
  for (const auto& text : {seal.head_hash, seal.contest_hash, kDate, kPhone}) {
    CAPTURE(text);
    CHECK(page->find(text) != std::string::npos);
  }
  // (The titles' first words: a long one may wrap in its cell.)
  for (const auto& [title, label] :
       {std::pair{"税务人的初心", "未参赛"}, std::pair{"文明之光", "未完成"}}) {
    const std::string line = line_with(*page, title);
    CAPTURE(title, line);
    CHECK(line.find(label) != std::string::npos);
    // The row opens with its label, not with a rank.
    CHECK_FALSE(std::regex_search(line, std::regex(R"(^\s*\d+\s)")));
    CHECK(line.find("0.000") == std::string::npos);
  }
  const std::string png = artifacts + "/tools-publication-zh-1.png";
  CHECK(pdf_page_png(pdf, 1, 80, png));
}

TEST_CASE("A correction's operator is ledgered; older records say host", "[publication]") {
  SECTION("the wire's operator is read and written, and absent when not given") {
    const auto parsed = core::command_from_json(
        "correct_score", nlohmann::json::parse(R"({"judge":"j2","round":"prelim","entry":"e01",
            "marks":{"theme":1},"reason":"r","operator":"张晓明"})"));
    REQUIRE(parsed);
    const auto& fix = std::get<core::CorrectScore>(parsed.value());
    CHECK(fix.operator_name == kOperator);
    CHECK(core::command_to_json(parsed.value()).at("operator") == kOperator);
    core::CorrectScore unnamed = fix;
    unnamed.operator_name.clear();
    // Records written before the field hash as they did.
    CHECK_FALSE(core::command_to_json(core::Command{unnamed}).contains("operator"));
    CHECK_FALSE(core::command_from_json(
        "correct_score", nlohmann::json::parse(R"({"judge":"j2","round":"prelim","entry":"e01",
            "marks":{"theme":1},"reason":"r","operator":")" +
                                               std::string(200, 'x') + "\"}")));
  }
  SECTION("a correction without one prints host") {
    PlayedShow played;
    store::Store store(played.db);
    const core::Show show = engine::restore(store).show;
    const std::string html =
        export_publication_html(show, "prelim", ledger_seal(store), 1764162000000);
    CHECK(html.find("<td class=\"operator\">host</td>") != std::string::npos);
  }
}

TEST_CASE("The public ledger holds no token, and verify --public recomputes chain and results",
          "[publication][public]") {
  PublishedShow played;
  std::string text, head;
  {
    store::Store store(played.db);
    text = export_public_ledger(store, pseudonym_key(store));
    head = ledger_seal(store).head_hash;
  }
  for (const auto& judge : played.contest.judges) {
    CAPTURE(judge.id);
    REQUIRE(judge.token.size() >= 16);
    CHECK(text.find(judge.token) == std::string::npos);
  }
  for (const auto& token : played.device_tokens) {
    CAPTURE(token);
    CHECK(text.find(token) == std::string::npos);
  }
  CHECK(text.find("\"redacted\"") == std::string::npos);

  const PublicVerifyReport report = verify_public_ledger(text, engine::short_hash(head));
  INFO(report.reason);
  CHECK(report.ok);
  CHECK(report.head_hash == head);
  CHECK(report.head_seq == report.records);
  // Every entry of both rounds (the final's are all 未参赛).
  REQUIRE(report.results.size() == 4 + 2);
  {
    store::Store store(played.db);
    const core::Show show = engine::restore(store).show;
    for (const auto& result : show.results("prelim")) {
      if (show.entry_state("prelim", result.entry).status != core::EntryStatus::revealed) continue;
      bool printed = false;
      for (const auto& line : report.results)
        printed = printed ||
                  (line.find(" " + result.entry + " ") != std::string::npos &&
                   line.find("final " + result.published.final_score.text()) != std::string::npos);
      CAPTURE(result.entry);
      CHECK(printed);
    }
  }

  SECTION("one mark edited in the file breaks it at that record") {
    const std::string edited = edit_one_mark(text);
    const PublicVerifyReport broken = verify_public_ledger(edited, engine::short_hash(head));
    CHECK_FALSE(broken.ok);
    CHECK(broken.broken_seq > 0);
    CHECK(broken.reason.find("hash does not match") != std::string::npos);
  }
  SECTION("a published result changed in the file no longer matches the records") {
    store::Store store(played.db);
    const auto e02 = engine::restore(store).show.result("prelim", "e02");
    REQUIRE(e02);
    const std::string final_text = "\"final\":\"" + e02->published.final_score.text() + "\"";
    const std::size_t at = text.find(final_text, text.find("\"results\""));
    REQUIRE(at != std::string::npos);
    std::string edited = text;
    edited.replace(at, final_text.size(), "\"final\":\"99.999\"");
    const PublicVerifyReport changed = verify_public_ledger(edited, engine::short_hash(head));
    CHECK_FALSE(changed.ok);
    CHECK(changed.reason.find("e02") != std::string::npos);
  }
  SECTION("a head that is not in the file fails") {
    CHECK_FALSE(verify_public_ledger(text, std::string(12, 'a')).ok);
  }
  SECTION("the command line: export --format public-ledger, verify --public --head") {
    const std::string out = played.dir.file("public.json");
    Run exported =
        run(app::run_export, {"--db", played.db, "--format", "public-ledger", "--out", out});
    INFO(exported.err);
    REQUIRE(exported.code == 0);
    Run verified = run(app::run_verify, {"--public", out, "--head", engine::short_hash(head)});
    INFO(verified.out << verified.err);
    CHECK(verified.code == 0);
    CHECK(verified.out.find("ok: ") != std::string::npos);
    CHECK(verified.out.find("result: prelim 初赛  1  ") != std::string::npos);
    CHECK(verified.out.find("未参赛  e04") != std::string::npos);

    played.dir.write("edited.json", edit_one_mark(read_file(out)));
    Run refused = run(app::run_verify, {"--public", played.dir.file("edited.json"), "--head",
                                        engine::short_hash(head)});
    CHECK(refused.code == 1);
    CHECK(refused.out.find("BROKEN at seq ") != std::string::npos);
  }
}

TEST_CASE("A ledger from before phones voted as pseudonyms is exported without its tokens",
          "[publication][public]") {
  PlayedShow played;  // its phones vote as "device-0", "device-1" ... (the token itself)
  store::Store store(played.db);
  const std::string text = export_public_ledger(store, pseudonym_key(store));
  CHECK(text.find("\"device-0\"") == std::string::npos);
  CHECK(text.find("\"redacted\":true") != std::string::npos);
  // Such a record's hash cannot be recomputed without the token: verify says so.
  const PublicVerifyReport report = verify_public_ledger(text, std::nullopt);
  CHECK_FALSE(report.ok);
  CHECK(report.reason.find("cannot be recomputed") != std::string::npos);
}

TEST_CASE("recount checks the chain first and fails on a hand-edited ledger", "[recount]") {
  PlayedShow played;
  tamper(played.db,
         "DROP TRIGGER ledger_no_update;"
         "UPDATE ledger SET payload = replace(payload, '\"live\":', '\"live\":1') WHERE seq = "
         "(SELECT seq FROM ledger WHERE kind = 'score' AND actor = 'j4' LIMIT 1);");
  {
    store::Store store(played.db);
    const RecountReport report = recount_round(store, "prelim");
    CHECK_FALSE(report.ok());
    CHECK(report.lines.empty());
    CHECK(report.chain_error.find("BROKEN at seq ") != std::string::npos);
    CHECK(format_recount(report).find("DIFFERENT: the ledger's hash chain is broken") !=
          std::string::npos);
  }
  Run r = run(app::run_recount, {"--db", played.db});
  CHECK(r.code == 1);
  CHECK(r.out.find("BROKEN at seq ") != std::string::npos);
  CHECK(r.out.find("ok: ") == std::string::npos);
}
