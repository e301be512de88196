// The real `stagevote` binary: start, serve, stop on SIGTERM with exit 0; one-line errors
// and non-zero exits on bad flags, a taken port and an unusable database; `results`; seat
// tickets made by `stagevote tickets` on the file a server then runs on, and the refusals
// while that server owns it.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "column_bomb.hpp"  // tests/tools: the column bomb of issue 14
#include "engine/tickets.hpp"
#include "fixtures.hpp"   // tests/tools: the organiser's files
#include "pdf_tools.hpp"  // tests/tools: a PDF's text
#include "process.hpp"
#include "test_server.hpp"
#include "tools/exporters.hpp"

using namespace stagevote;
using namespace stagevote::test;
namespace fs = std::filesystem;
namespace fixtures = stagevote::tools::testing;

namespace {

// Lines other than start-up warnings (e.g. about a low open-file limit on this machine).
int count_lines(const std::string& text) {
  std::istringstream lines(text);
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("warning: ", 0) != 0) ++count;
  }
  return count;
}

// A field of /proc/PID/status in KiB ("VmRSS", "VmHWM"); -1 if absent.
long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// POST /api/import of `files` as a browser's FormData.
HttpResult upload(unsigned short port, const std::vector<tools::SourceFile>& files) {
  const std::string boundary = "----stagevoteBinaryTest";
  std::string body;
  for (const auto& file : files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" +
            file.name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + file.bytes +
            "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return http_post_raw(port, "/api/import",
                       {{"Authorization", std::string("Bearer ") + kHostKey},
                        {"Content-Type", "multipart/form-data; boundary=" + boundary}},
                       body);
}

}  // namespace

TEST_CASE("The column bomb uploaded to the real server is refused within 20 MiB",
          "[net][binary][files]") {
  TempDir dir;
  const std::string db = (dir.path() / "show.db").string();
  fixtures::write_column_bomb((dir.path() / "bomb.xlsx").string());
  const std::string bomb = read_file(dir.path() / "bomb.xlsx");
  Process server({"serve", "--port", "0", "--bind", "127.0.0.1", "--db", db, "--demo", "--threads",
                  "2", "--host-key", kHostKey},
                 dir.path());
  const unsigned short port = server.port();
  REQUIRE(http_get(port, "/healthz").body == "ok");

  // The peak from here on: reset to what is resident now (Linux 4.0+), else the peak so far.
  std::ofstream clear("/proc/" + std::to_string(server.pid()) + "/clear_refs");
  clear << "5";
  clear.flush();
  const bool reset = static_cast<bool>(clear);
  const long before = status_kib(server.pid(), reset ? "VmRSS" : "VmHWM");
  REQUIRE(before > 0);
  const HttpResult reply = upload(port, {{"scheme.toml", fixtures::kSchemeToml},
                                         {"entries.csv", fixtures::kEntriesCsvZh},
                                         {"judges.xlsx", bomb}});
  const long peak = status_kib(server.pid(), "VmHWM");
  INFO(reply.body);
  CHECK(reply.status == 422);
  const json result = reply.json_body();
  CHECK(result.at("ok") == false);
  bool named = false;
  for (const auto& problem : result.at("problems")) {
    named = named || (problem.at("file") == "judges.xlsx" && problem.at("line") == 2 &&
                      problem.at("reason") ==
                          "too large for a contest's table: a cell in column XFD, beyond the "
                          "first 256 columns");
  }
  CHECK(named);
  const double grew_mib = static_cast<double>(peak - before) / 1024.0;
  CAPTURE(before, peak, reset);
  CHECK(grew_mib < 20);
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}

TEST_CASE("The real binary serves a show and stops cleanly on SIGTERM", "[net][binary]") {
  TempDir dir;
  const std::string db = (dir.path() / "show.db").string();
  Process server(
      {"serve", "--port", "0", "--bind", "127.0.0.1", "--db", db, "--demo", "--threads", "2"},
      dir.path());
  const unsigned short port = server.port();
  CHECK(server.out().find("host key: ") != std::string::npos);
  CHECK(http_get(port, "/healthz").body == "ok");

  // The generated key is printed once and works.
  const std::regex key_line(R"(host key: (\S+)   \(printed once)");
  std::smatch match;
  const std::string banner = server.out();
  REQUIRE(std::regex_search(banner, match, key_line));
  const std::string key = match[1];
  {
    ClientIo io;
    WsClient host(io, port);
    CHECK(host.hello({{"role", "host"}, {"key", key}}).at("type") == "welcome");
    command(host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    const std::string poll =
        command(host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13"}}})
            .at("poll");
    WsClient phone(io, port);
    phone.hello({{"role", "audience"}});
    CHECK(phone.request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
          true);

    server.signal(SIGTERM);
    // Open connections get a close frame, not a reset.
    CHECK(host.wait_closed(5s));
    CHECK(host.close_code() == 1001);
  }
  CHECK(server.wait() == 0);

  SECTION("the results command reads the same file") {
    Process results({"results", "--db", db, "--round", "prelim"}, dir.path());
    CHECK(results.wait() == 0);
    const json printed = json::parse(results.out());
    CHECK(printed.at("round") == "prelim");
    bool found = false;
    for (const auto& entry : printed.at("entries")) {
      if (entry.at("entry") == "e13") {
        CHECK(entry.at("votes") == 1);
        found = true;
      }
    }
    CHECK(found);
  }

  SECTION("a second start does not print the key again and resumes") {
    Process again({"serve", "--port", "0", "--bind", "127.0.0.1", "--db", db}, dir.path());
    const unsigned short second_port = again.port();
    CHECK(again.out().find(key) == std::string::npos);
    const auto results =
        http_get(second_port, "/api/rounds/prelim/results", {{"Authorization", "Bearer " + key}});
    CHECK(results.status == 200);
    again.signal(SIGINT);
    CHECK(again.wait() == 0);
  }
}

TEST_CASE("An acknowledged vote survives kill -9", "[net][binary]") {
  TempDir dir;
  const std::string db = (dir.path() / "show.db").string();
  std::string poll, device;
  {
    Process server({"serve", "--port", "0", "--bind", "127.0.0.1", "--db", db, "--demo",
                    "--host-key", "binary-host-key-0123"},
                   dir.path());
    const unsigned short port = server.port();
    ClientIo io;
    WsClient host(io, port);
    host.hello({{"role", "host"}, {"key", "binary-host-key-0123"}});
    command(host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    poll = command(host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13"}}})
               .at("poll");
    WsClient phone(io, port);
    device = phone.hello({{"role", "audience"}}).at("device");
    CHECK(phone.request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
          true);
    server.signal(SIGKILL);
    CHECK(server.wait() == 128 + SIGKILL);
  }
  Process server({"serve", "--port", "0", "--bind", "127.0.0.1", "--db", db, "--host-key",
                  "binary-host-key-0123"},
                 dir.path());
  const unsigned short port = server.port();
  ClientIo io;
  WsClient phone(io, port);
  CHECK(phone.hello({{"role", "audience"}, {"device", device}}).at("votes") == json{{poll, "e13"}});
}

TEST_CASE("Bad flags, a taken port and an unusable database exit non-zero with one line",
          "[net][binary]") {
  TempDir dir;
  const std::string db = (dir.path() / "show.db").string();

  SECTION("bad flags") {
    const std::vector<std::string> args =
        GENERATE(std::vector<std::string>{"serve", "--port", "http"},
                 std::vector<std::string>{"serve", "--port", "70000"},
                 std::vector<std::string>{"serve", "--colour", "red"},
                 std::vector<std::string>{"serve", "--db"}, std::vector<std::string>{"dance"});
    Process process(args, dir.path());
    CHECK(process.wait() == 2);
    CHECK(process.err().rfind("stagevote: ", 0) == 0);
    if (args.front() == "serve") CHECK(count_lines(process.err()) == 1);
  }

  SECTION("a host key shorter than 16 characters") {
    Process process({"serve", "--port", "0", "--db", db, "--host-key", "fifteen-chars-x"},
                    dir.path());
    CHECK(process.wait() == 2);
    CHECK(process.err() == "stagevote: --host-key must be at least 16 characters (it is 15)\n");
    CHECK_FALSE(fs::exists(db));
  }

  SECTION("a TLS certificate that cannot be read, or only half of the pair") {
    Process missing(
        {"serve", "--port", "0", "--db", db, "--tls-cert", (dir.path() / "none.crt").string(),
         "--tls-key", (dir.path() / "none.key").string()},
        dir.path());
    CHECK(missing.wait() == 2);
    CHECK(missing.err() == "stagevote: --tls-cert " + (dir.path() / "none.crt").string() +
                               ": cannot read it (No such file or directory)\n");
    Process half({"serve", "--port", "0", "--db", db, "--tls-cert", "venue.crt"}, dir.path());
    CHECK(half.wait() == 2);
    CHECK(half.err() == "stagevote: --tls-cert needs --tls-key\n");
    CHECK_FALSE(fs::exists(db));
  }

  SECTION("a port another server holds") {
    TestServer holder;
    Process process({"serve", "--port", std::to_string(holder.port()), "--bind", "127.0.0.1",
                     "--db", db, "--demo"},
                    dir.path());
    CHECK(process.wait() != 0);
    CHECK(count_lines(process.err()) == 1);
    CHECK(process.err().find("cannot listen") != std::string::npos);
  }

  SECTION("a file that is not a database") {
    std::ofstream(db) << "this is not an SQLite database, just some text that is long enough "
                         "to fill the header of one and more text to be sure about it.\n";
    Process process({"serve", "--port", "0", "--db", db}, dir.path());
    CHECK(process.wait() != 0);
    CHECK(count_lines(process.err()) == 1);
  }

  SECTION("a database without a contest and no --demo") {
    Process process({"serve", "--port", "0", "--bind", "127.0.0.1", "--db", db}, dir.path());
    CHECK(process.wait() == 1);
    CHECK(count_lines(process.err()) == 1);
    CHECK(process.err().find("--demo") != std::string::npos);
  }
}

TEST_CASE("Tickets from stagevote tickets let phones in, and a running server owns its database",
          "[net][binary][tickets]") {
  if (!tools::find_chromium() || !fixtures::have_program("pdftotext")) {
    WARN("Chromium or pdftotext is not installed: stagevote tickets not tested");
    return;
  }
  TempDir dir;
  const std::string db = (dir.path() / "show.db").string();
  const std::string key = "binary-tickets-host-key";
  // Each process its own folder for its output: some of them run at the same time.
  int processes = 0;
  const auto folder = [&] {
    const fs::path path = dir.path() / ("process-" + std::to_string(++processes));
    fs::create_directories(path);
    return path;
  };
  const std::vector<std::string> serve = {"serve", "--port", "0",          "--bind", "127.0.0.1",
                                          "--db",  db,       "--host-key", key};

  {  // The demo contest into the file, as at the organisers' first start.
    auto first_start = serve;
    first_start.push_back("--demo");
    Process first(first_start, folder());
    first.port();
    first.signal(SIGTERM);
    REQUIRE(first.wait() == 0);
  }
  const std::string pdf = (dir.path() / "tickets.pdf").string();
  {
    Process tickets({"tickets", "--db", db, "--count", "4", "--out", pdf}, folder());
    REQUIRE(tickets.wait() == 0);
    CHECK(tickets.out().find("made 4 tickets") != std::string::npos);
  }
  const auto text = fixtures::pdf_text(pdf);
  REQUIRE(text);
  const auto codes = fixtures::printed_ticket_codes(*text);
  REQUIRE(codes.size() == 4);

  Process server(serve, folder());
  const unsigned short port = server.port();
  {
    ClientIo io;
    WsClient host(io, port);
    REQUIRE(host.hello({{"role", "host"}, {"key", key}}).at("type") == "welcome");
    command(host, {{"action", "set_admission"}, {"mode", "ticket"}});

    // One phone scanned its ticket, another typed the code as printed (any case).
    WsClient scanned(io, port);
    CHECK(scanned.hello({{"role", "audience"}, {"ticket", codes[0]}}).at("type") == "welcome");
    std::string typed_code = engine::grouped_ticket(codes[1]);
    for (auto& c : typed_code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    WsClient typed(io, port);
    CHECK(typed.hello({{"role", "audience"}, {"ticket", typed_code}}).at("type") == "welcome");
    WsClient stranger(io, port);
    const json refused = stranger.hello({{"role", "audience"}, {"ticket", "2222333344445555"}});
    CHECK(refused.at("type") == "error");
    CHECK(refused.at("code") == "unauthorized");

    command(host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    const std::string poll =
        command(host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13"}}})
            .at("poll");
    CHECK(scanned.request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
          true);
    CHECK(typed.request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
          true);
  }

  // While the server runs, nothing else writes its ledger, and a second server is refused.
  const std::string busy = "the server is running on " + db + ": ";
  {
    Process tickets({"tickets", "--db", db, "--count", "1", "--out", pdf + ".more.pdf"}, folder());
    CHECK(tickets.wait() == 1);
    CHECK(tickets.err() ==
          "stagevote tickets: " + busy + "make tickets from the host console (数据 → 座位票)\n");
    const fs::path files = folder();
    const auto write = [&](const std::string& name, const std::string& bytes) {
      std::ofstream(files / name, std::ios::binary) << bytes;
      return (files / name).string();
    };
    Process import({"import", "--db", db, write("scheme.toml", fixtures::kSchemeToml),
                    write("entries.csv", fixtures::kEntriesCsvZh),
                    write("judges.csv", fixtures::kJudgesCsvZh)},
                   files);
    CHECK(import.wait() == 1);
    CHECK(import.err() ==
          "stagevote import: " + busy + "import from the host console (数据 → 导入比赛)\n");
    Process second(serve, folder());
    CHECK(second.wait() == 1);
    CHECK(count_lines(second.err()) == 1);
    CHECK(second.err().rfind("stagevote: " + busy, 0) == 0);
  }
  CHECK(http_get(port, "/healthz").body == "ok");  // the refusals left the server alone
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);

  // Stopped, it lets go: the file holds the show and the tickets, and more can be made.
  Process verify({"verify", "--db", db}, folder());
  CHECK(verify.wait() == 0);
  Process more({"tickets", "--db", db, "--count", "2", "--out", pdf}, folder());
  CHECK(more.wait() == 0);
  CHECK(more.out().find("No. 0005 to No. 0006") != std::string::npos);
}
