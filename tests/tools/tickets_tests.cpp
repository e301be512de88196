// Seat tickets from the command line: the sheet's HTML, `stagevote tickets` on a real database
// (the ledger, verify, the PDF's text, a page looked at as PNG, a QR code decoded), and the
// lock that keeps it off a database a server owns.
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "app/database_lock.hpp"
#include "app/tool_commands.hpp"
#include "captured_run.hpp"
#include "engine/secrets.hpp"
#include "engine/tickets.hpp"
#include "pdf_tools.hpp"
#include "played_show.hpp"
#include "tools/exporters.hpp"
#include "tools/tickets.hpp"
#include "tools/verify.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;
using nlohmann::json;

namespace {

// The stubs of every issue_tickets record in the ledger, one list per record.
std::vector<std::vector<core::TicketStub>> issued_batches(const std::string& db) {
  store::Store store(db);
  std::vector<std::vector<core::TicketStub>> batches;
  store.for_each_record([&](const store::LedgerRecord& record) {
    if (record.kind != "issue_tickets") return;
    auto& batch = batches.emplace_back();
    const json payload = json::parse(record.payload);
    for (const auto& stub : payload.at("tickets")) {
      batch.push_back({stub.at("id"), stub.at("hash")});
    }
  });
  return batches;
}

std::string artifact(const std::string& name) {
  return std::string(STAGEVOTE_TEST_ARTIFACTS) + "/" + name;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

const std::string kUrl = "http://192.168.1.20:8080";

}  // namespace

TEST_CASE("A ticket code is printed in groups of four and read back as typed", "[tickets]") {
  CHECK(engine::grouped_ticket("k7mq2nxe8fgh3kpt") == "k7mq-2nxe-8fgh-3kpt");
  CHECK(engine::normalise_ticket("K7MQ-2nxe 8fgh-3KPT") == "k7mq2nxe8fgh3kpt");
  CHECK(printed_ticket_number("37") == "No. 0037");
  CHECK(printed_ticket_number("12345") == "No. 12345");
  CHECK(printed_ticket_number("A7") == "No. A7");
  CHECK(ticket_url(kUrl, "k7mq2nxe8fgh3kpt") ==
        "http://192.168.1.20:8080/vote#ticket=k7mq2nxe8fgh3kpt");
}

TEST_CASE("The ticket sheet puts eight tickets on a page, each with its QR code and code",
          "[tickets]") {
  core::Contest contest;
  contest.name = "“椰树杯” <决赛> & 颁奖";
  std::vector<core::SeatTicket> tickets;
  for (int i = 1; i <= 11; ++i) {
    tickets.push_back(
        {std::to_string(i), "k7mq2nxe8fgh3k" + std::string(1, "23456789abc"[i - 1]) + "t"});
  }
  const std::string zh = ticket_sheet_html(contest, tickets, kUrl, TicketLanguages::zh);
  CHECK(zh.find("@page { size: A4 portrait") != std::string::npos);
  CHECK(count_of(zh, "<div class=\"page\">") == 2);  // 8 + 3
  CHECK(count_of(zh, "<div class=\"ticket\">") == 11);
  CHECK(count_of(zh, "<svg") == 11);
  CHECK(count_of(zh, "<p class=\"contest\">“椰树杯” &lt;决赛&gt; &amp; 颁奖</p>") == 11);
  CHECK(zh.find("No. 0001") != std::string::npos);
  CHECK(zh.find("No. 0011") != std::string::npos);
  CHECK(zh.find("k7mq-2nxe-8fgh-3k2t") != std::string::npos);
  CHECK(zh.find("座位票") != std::string::npos);
  CHECK(zh.find("http://192.168.1.20:8080/vote</span>") != std::string::npos);
  CHECK(zh.find("扫码投票") != std::string::npos);
  CHECK(zh.find("One ticket, one voter") == std::string::npos);
  CHECK(zh.find("<script") == std::string::npos);

  const std::string both = ticket_sheet_html(contest, tickets, kUrl, TicketLanguages::zh_en);
  CHECK(count_of(both, "One ticket, one voter") == 11);

  CHECK_THROWS_AS(
      ticket_sheet_html(contest, tickets, "http://" + std::string(600, 'x'), TicketLanguages::zh),
      std::invalid_argument);

  SECTION("a name of two lines and instructions in two languages still fit every ticket") {
    if (!find_chromium() || !have_program("pdftotext")) return;
    contest.name = "省直机关“椰树杯”党建创新引领工作创优大赛暨促进一流营商环境建设主题展演决赛";
    const std::string pdf = artifact("tickets-sheet-long-name.pdf");
    REQUIRE(print_pdf(ticket_sheet_html(contest, tickets, kUrl, TicketLanguages::zh_en), pdf) ==
            "");
    REQUIRE(pdf_page_png(pdf, 1, 100, artifact("tickets-sheet-long-name-page1.png")));
    const auto text = pdf_text(pdf);
    REQUIRE(text);
    CHECK(printed_ticket_codes(*text).size() == 11);
    CHECK(count_of(*text, "keep it") == 11);
  }
}

TEST_CASE("stagevote tickets makes the tickets in the ledger and prints every number and code",
          "[tickets][cli]") {
  if (!find_chromium() || !have_program("pdftotext")) {
    WARN("Chromium or pdftotext is not installed: stagevote tickets not tested");
    return;
  }
  PlayedShow played;
  const std::string pdf = played.dir.file("tickets.pdf");
  const auto records_before = store::Store(played.db).record_count();

  Run made = run(app::run_tickets,
                 {"--db", played.db, "--count", "10", "--out", pdf, "--url", kUrl + "/"});
  INFO(made.err);
  REQUIRE(made.code == 0);
  CHECK(made.out.find("made 10 tickets in " + played.db + ": No. 0001 to No. 0010") !=
        std::string::npos);
  CHECK(made.out.find("wrote " + pdf + ": 2 A4 pages") != std::string::npos);

  // One ledger record, as the host console's would be: ten stubs, numbered 1 to 10.
  CHECK(store::Store(played.db).record_count() == records_before + 1);
  const auto batches = issued_batches(played.db);
  REQUIRE(batches.size() == 1);
  REQUIRE(batches[0].size() == 10);
  CHECK(batches[0].front().id == "1");
  CHECK(batches[0].back().id == "10");
  CHECK(verify_database(played.db).ok);

  // Every number and every code is on the paper, and every printed code is one of the ledger's.
  const auto text = pdf_text(pdf);
  REQUIRE(text);
  for (int i = 1; i <= 10; ++i) {
    CHECK(text->find(printed_ticket_number(std::to_string(i))) != std::string::npos);
  }
  const auto codes = printed_ticket_codes(*text);
  REQUIRE(codes.size() == 10);
  std::map<std::string, std::string> number_of_hash;
  for (const auto& stub : batches[0]) number_of_hash[stub.hash] = stub.id;
  std::set<std::string> numbers;
  for (const auto& code : codes) {
    CAPTURE(code);
    REQUIRE(number_of_hash.count(engine::sha256_hex(code)) == 1);
    numbers.insert(number_of_hash[engine::sha256_hex(code)]);
  }
  CHECK(numbers.size() == 10);
  CHECK(text->find(kUrl + "/vote") != std::string::npos);
  CHECK(text->find("座位票") != std::string::npos);
  CHECK(text->find(played.contest.name) != std::string::npos);

  // The first page, for a human look, and its first QR code read back by a decoder.
  const std::string png = artifact("tickets-sheet-page1.png");
  std::filesystem::copy_file(pdf, artifact("tickets-sheet.pdf"),
                             std::filesystem::copy_options::overwrite_existing);
  // 200 dpi: at 150 zbar misses a code now and then, which phones read at a glance.
  REQUIRE(pdf_page_png(pdf, 1, 200, png));
  if (const auto decoded = qr_codes_in(png)) {
    REQUIRE(decoded->size() == 8);
    for (const auto& link : *decoded) {
      CAPTURE(link);
      REQUIRE(link.starts_with(kUrl + "/vote#ticket="));
      const std::string code = link.substr((kUrl + "/vote#ticket=").size());
      CHECK(std::find(codes.begin(), codes.end(), code) != codes.end());
    }
  } else {
    WARN("zbarimg is not installed: the QR codes were not decoded");
  }

  SECTION("a second batch is numbered after the first, with instructions in English too") {
    const std::string second = played.dir.file("more.pdf");
    Run more = run(app::run_tickets, {"--db", played.db, "--count", "3", "--out", second, "--url",
                                      kUrl, "--lang", "zh,en"});
    INFO(more.err);
    REQUIRE(more.code == 0);
    CHECK(more.out.find("No. 0011 to No. 0013") != std::string::npos);
    const auto batches_now = issued_batches(played.db);
    REQUIRE(batches_now.size() == 2);
    CHECK(batches_now[1].front().id == "11");
    CHECK(verify_database(played.db).ok);
    const auto more_text = pdf_text(second);
    REQUIRE(more_text);
    CHECK(printed_ticket_codes(*more_text).size() == 3);
    CHECK(more_text->find("One ticket, one voter") != std::string::npos);
    REQUIRE(pdf_page_png(second, 1, 150, artifact("tickets-sheet-zh-en-page1.png")));
  }
}

TEST_CASE("stagevote tickets refuses bad usage and makes nothing", "[tickets][cli]") {
  PlayedShow played;
  const std::string pdf = played.dir.file("t.pdf");
  const auto records = store::Store(played.db).record_count();
  const std::vector<std::vector<std::string>> bad = {
      {"--db", played.db, "--out", pdf},                                  // no count
      {"--db", played.db, "--count", "0", "--out", pdf},                  // none
      {"--db", played.db, "--count", "1001", "--out", pdf},               // too many to print
      {"--db", played.db, "--count", "3"},                                // no out
      {"--db", played.db, "--count", "3", "--out", "-"},                  // not a file
      {"--db", played.db, "--count", "3", "--out", pdf, "--lang", "en"},  // not a language
      {"--db", played.db, "--count", "3", "--out", pdf, "--url", "192.168.1.20:8080"},
      {"--db", played.db, "--count", "3", "--out", pdf, "extra"}};
  for (const auto& args : bad) {
    CAPTURE(args);
    const Run r = run(app::run_tickets, args);
    CHECK(r.code == 2);
    CHECK(r.err.find("usage: stagevote tickets") != std::string::npos);
  }
  const Run missing =
      run(app::run_tickets, {"--db", played.dir.file("none.db"), "--count", "3", "--out", pdf});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("no such database") != std::string::npos);
  CHECK(store::Store(played.db).record_count() == records);
  CHECK_FALSE(std::filesystem::exists(pdf));

  const Run help = run(app::run_tickets, {"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("--url BASE_URL") != std::string::npos);
}

TEST_CASE("While a server owns the database, tickets and import are refused with one line",
          "[tickets][cli][lock]") {
  PlayedShow played;
  const std::string pdf = played.dir.file("t.pdf");
  const auto records = store::Store(played.db).record_count();
  const std::vector<std::string> import_args = {
      "--db", played.db, played.dir.write("scheme.toml", kSchemeToml),
      played.dir.write("entries.csv", kEntriesCsvZh), played.dir.write("judges.csv", kJudgesCsvZh)};
  {
    const app::DatabaseLock server(played.db, "serve");

    const Run tickets = run(app::run_tickets, {"--db", played.db, "--count", "3", "--out", pdf});
    CHECK(tickets.code == 1);
    CHECK(tickets.err == "stagevote tickets: the server is running on " + played.db +
                             ": make tickets from the host console (数据 → 座位票)\n");
    const Run import = run(app::run_import, import_args);
    CHECK(import.code == 1);
    CHECK(import.err == "stagevote import: the server is running on " + played.db +
                            ": import from the host console (数据 → 导入比赛)\n");
    // --check writes nothing and needs no lock.
    auto check_only = import_args;
    check_only.push_back("--check");
    CHECK(run(app::run_import, check_only).code == 0);

    // The same database by another path is the same database.
    const std::string link = played.dir.file("link.db");
    std::filesystem::create_symlink(played.db, link);
    CHECK_THROWS_AS(app::DatabaseLock(link, "serve"), app::DatabaseBusy);
    try {
      app::DatabaseLock second(played.db, "serve");
      FAIL("a second lock was granted");
    } catch (const app::DatabaseBusy& busy) {
      CHECK(busy.holder == "serve");
      CHECK(app::refusal(busy, "stop it first") ==
            "the server is running on " + played.db + ": stop it first");
    }
  }
  CHECK(store::Store(played.db).record_count() == records);
  CHECK_FALSE(std::filesystem::exists(pdf));

  SECTION("another command holding it is named") {
    const app::DatabaseLock other(played.db, "tickets");
    const Run r = run(app::run_tickets, {"--db", played.db, "--count", "3", "--out", pdf});
    CHECK(r.code == 1);
    CHECK(r.err == "stagevote tickets: " + played.db +
                       " is in use by stagevote tickets: try again when it has finished\n");
  }
  SECTION("once the server has gone, the lock is free again") {
    if (!find_chromium()) return;
    const Run r = run(app::run_tickets, {"--db", played.db, "--count", "3", "--out", pdf});
    INFO(r.err);
    CHECK(r.code == 0);
  }
}
