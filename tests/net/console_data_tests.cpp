// The host console's data routes against a real server (ephemeral port, SQLite file, the
// organisers' tools behind them): POST /api/import replaces the contest of a show that has not
// started and tells every connection; problems come back with file, line and reason; after
// the first action nothing changes; GET /api/export sends every format as an attachment;
// POST /api/tickets prints the ticket sheet.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "app/console_data.hpp"
#include "engine/heads.hpp"
#include "engine/restore.hpp"
#include "engine/secrets.hpp"
#include "fixtures.hpp"   // tests/tools: the organiser's files the tools tests use
#include "pdf_tools.hpp"  // tests/tools: a PDF's text and pages
#include "test_server.hpp"
#include "tools/exporters.hpp"

using namespace stagevote;
using namespace stagevote::test;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fixtures = stagevote::tools::testing;

namespace {

const std::map<std::string, std::string> kHostAuth = {
    {"Authorization", std::string("Bearer ") + kHostKey}};

// A server whose database holds a contest imported before the show (the JSON scheme with
// English tables), not the demo, and an empty ledger; the console's routes are on.
class ConsoleServer {
 public:
  ConsoleServer() {
    store_ = std::make_unique<store::Store>(db_path());
    const auto first =
        tools::import_contest(*store_, "show.db",
                              {fixtures::source("scheme.json", fixtures::kSchemeJson),
                               fixtures::source("entries.csv", fixtures::kEntriesCsvEn),
                               fixtures::source("judges.csv", fixtures::kJudgesCsvZh)});
    if (!first.imported) throw std::runtime_error("the first contest did not import");
    credentials_ = std::make_unique<engine::Credentials>(*store_, kHostKey);
    engine_ = std::make_unique<engine::Engine>(*store_, clock_, engine::restore(*store_));
    gate_ = std::make_unique<engine::AudienceGate>(*store_, *engine_, *credentials_,
                                                   engine::AudienceLimits{});
    console_ = std::make_shared<app::ToolsConsole>(*engine_, *store_, "show.db");
    net::ServeOptions options;
    options.bind = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.web_root = STAGEVOTE_TEST_WEB_ROOT;
    options.console = console_;
    server_ = std::make_unique<net::server>(*engine_, *credentials_, *gate_, options);
    server_->start();
  }
  ~ConsoleServer() {
    server_->stop();
    server_->wait();
    console_->stop();
    server_.reset();
    console_.reset();
    gate_.reset();
    engine_.reset();
    store_.reset();
  }

  unsigned short port() const { return server_->port(); }
  engine::Engine& engine() { return *engine_; }
  store::Store& store() { return *store_; }
  const std::string& display_key() const { return credentials_->display_key(); }
  std::string db_path() const { return (dir_.path() / "show.db").string(); }

  std::unique_ptr<WsClient> connect(ClientIo& io, const json& hello) {
    auto client = std::make_unique<WsClient>(io, port());
    const json welcome = client->hello(hello);
    if (welcome.value("type", "") != "welcome") throw std::runtime_error(welcome.dump());
    return client;
  }

 private:
  TempDir dir_;
  engine::SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Credentials> credentials_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<engine::AudienceGate> gate_;
  std::shared_ptr<app::ToolsConsole> console_;
  std::unique_ptr<net::server> server_;
};

HttpResult to_result(http::response<http::string_body>&& response) {
  HttpResult result;
  result.status = response.result_int();
  result.body = std::move(response.body());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  return result;
}

// One request with a body on a fresh connection.
HttpResult http_send(unsigned short port, http::verb method, const std::string& target,
                     const std::map<std::string, std::string>& headers, std::string body) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  return to_result(parser.release());
}

constexpr const char* kBoundary = "----stagevoteTestBoundary7MA4YWxkTrZu0gW";

// A browser's FormData of files, all under the field name "files".
std::string form_data(const std::vector<tools::SourceFile>& files) {
  std::string body;
  for (const auto& file : files) {
    body += std::string("--") + kBoundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"files\"; filename=\"" + file.name + "\"\r\n";
    body += "Content-Type: application/octet-stream\r\n\r\n";
    body += file.bytes;
    body += "\r\n";
  }
  body += std::string("--") + kBoundary + "--\r\n";
  return body;
}

HttpResult upload(unsigned short port, const std::vector<tools::SourceFile>& files,
                  const std::string& key = kHostKey) {
  return http_send(port, http::verb::post, "/api/import",
                   {{"Authorization", "Bearer " + key},
                    {"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}},
                   form_data(files));
}

// The TOML scheme, the Chinese entries table and the judges as a real XLSX workbook. The
// workbook's header is Chinese: classify_uploads takes a table with an English "Title" column
// for entries (标题/title), so the English header row would make it a second entries table.
std::vector<tools::SourceFile> valid_files() {
  fixtures::TempDir dir;
  auto rows = fixtures::judges_rows_en();
  rows.front() = {std::string("编号"), std::string("姓名"), std::string("单位"),
                  std::string("职务"), std::string("令牌")};
  fixtures::write_xlsx(dir.file("judges.xlsx"), {{"评委", rows}});
  return {fixtures::source("scheme.toml", fixtures::kSchemeToml),
          fixtures::source("entries.csv", fixtures::kEntriesCsvZh),
          fixtures::source("judges.xlsx", fixtures::read_file(dir.file("judges.xlsx")))};
}

std::string contest_json(unsigned short port) {
  const auto result = http_get(port, "/api/contest", kHostAuth);
  REQUIRE(result.status == 200);
  return result.body;
}

bool has_problem(const json& reply, const std::string& file, int line, const std::string& words) {
  for (const auto& problem : reply.at("problems")) {
    if (problem.at("file") == file && problem.at("line") == line &&
        problem.at("reason").get<std::string>().find(words) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("An upload before the show replaces the contest and every screen hears of it",
          "[net][console]") {
  ConsoleServer server;
  ClientIo io;
  auto display = server.connect(io, {{"role", "display"}, {"key", server.display_key()}});
  auto host = server.connect(io, {{"role", "host"}, {"key", kHostKey}});
  auto judge = server.connect(io, {{"role", "judge"}, {"token", "token-j1-secret-key"}});
  await_state(*display, [](const json&) { return true; });
  const json before = json::parse(contest_json(server.port()));
  REQUIRE(before.at("contest").at("name") == "椰树杯");

  const auto reply = upload(server.port(), valid_files());
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  REQUIRE(reply.headers.at("content-type") == "application/json");
  const json result = reply.json_body();
  CHECK(result.at("ok") == true);
  CHECK(result.at("replaced") == true);
  CHECK(result.at("problems").empty());
  CHECK(result.at("contest").at("name") == "“椰树杯”党建创新引领工作创优大赛");
  CHECK(result.at("entries") == 4);
  REQUIRE(result.at("judges").size() == 6);
  CHECK(result.at("judges")[0].at("token") == "token-j1-secret-key");
  CHECK(result.at("judges")[1].at("generated") == true);

  // The API serves the new contest at once, and the database holds it for the next start.
  const json after = json::parse(contest_json(server.port()));
  CHECK(after.at("contest").at("name") == "“椰树杯”党建创新引领工作创优大赛");
  CHECK(after.at("contest").at("subtitle") == "测试");
  REQUIRE(after.at("entries").size() == 4);
  CHECK(after.at("entries")[1].at("title") == "把支部建在组上, 党心不临时");
  CHECK(after.at("judges")[1].at("token") == result.at("judges")[1].at("token"));
  CHECK(engine::load_contest(server.store()).name == "“椰树杯”党建创新引领工作创优大赛");
  const auto info = http_get(server.port(), "/api/info").json_body();
  CHECK(info.at("contest").at("name") == "“椰树杯”党建创新引领工作创优大赛");

  // Connected screens get the new catalogue and a fresh state that follows it.
  for (auto* screen : {display.get(), host.get()}) {
    const json welcome = screen->receive_type("welcome");
    CHECK(welcome.at("contest").at("name") == "“椰树杯”党建创新引领工作创优大赛");
    CHECK(welcome.at("contest").at("entries")[0].at("title") == "党旗代代传 融合促发展");
    const json state = await_state(*screen, [](const json&) { return true; });
    const auto& rounds = state.at("rounds");
    REQUIRE(rounds.size() == 2);
    REQUIRE(rounds[1].at("id") == "final");
    REQUIRE(rounds[1].at("order").size() == 2);  // the first contest had only e02 in the final
    CHECK(rounds[1].at("order")[1].at("entry") == "e04");
  }
  // A judge's token may be gone: judges are sent away to say hello again.
  CHECK(judge->wait_closed());
  CHECK(judge->close_code() == 1012);
  auto again = server.connect(io, {{"role", "judge"}, {"token", "token-j1-secret-key"}});
  CHECK(again->receive_type("state").at("judge").at("entries").size() == 6);

  // The new contest can be played: e04 is in the final now.
  command(*host, {{"action", "start_entry"}, {"round", "final"}, {"entry", "e04"}});
}

TEST_CASE("A malformed upload is reported with file, line and reason and changes nothing",
          "[net][console]") {
  ConsoleServer server;
  ClientIo io;
  auto display = server.connect(io, {{"role", "display"}, {"key", server.display_key()}});
  await_state(*display, [](const json&) { return true; });
  const std::string before = contest_json(server.port());

  SECTION("problems in the tables") {
    const std::string judges =
        "编号,姓名,单位\n"
        "j1,王建华,省纪委监委\n"
        "j1,李明,\n"
        "j3,,省税务局\n";
    const std::string entries = fixtures::kEntriesCsvZh + "e05,新作品,无此单位,快板,主题,复赛\r\n";
    const auto reply =
        upload(server.port(),
               {fixtures::source("scheme.toml", fixtures::kSchemeToml),
                fixtures::source("entries.csv", entries), fixtures::source("judges.csv", judges)});
    INFO(reply.body);
    REQUIRE(reply.status == 422);
    const json result = reply.json_body();
    CHECK(result.at("ok") == false);
    CHECK_FALSE(result.contains("contest"));
    CHECK(has_problem(result, "judges.csv", 3, "duplicate"));
    CHECK(has_problem(result, "judges.csv", 4, "name"));
    CHECK(has_problem(result, "entries.csv", 6, "round"));
  }
  SECTION("a scheme with a syntax error, and no tables") {
    const auto reply =
        upload(server.port(), {fixtures::source("scheme.toml", "[contest\nid = 1\n")});
    INFO(reply.body);
    REQUIRE(reply.status == 422);
    const json result = reply.json_body();
    REQUIRE_FALSE(result.at("problems").empty());
    CHECK(result.at("problems")[0].at("file") == "scheme.toml");
    CHECK(result.at("problems")[0].at("line") == 1);
  }
  SECTION("a body that is not multipart/form-data, or is cut short") {
    auto reply = http_send(server.port(), http::verb::post, "/api/import",
                           {{"Authorization", std::string("Bearer ") + kHostKey},
                            {"Content-Type", "application/json"}},
                           R"({"files":[]})");
    CHECK(reply.status == 400);
    CHECK(reply.json_body().at("error") == "bad_request");
    std::string cut = form_data(valid_files());
    cut.resize(cut.size() / 2);
    reply = http_send(server.port(), http::verb::post, "/api/import",
                      {{"Authorization", std::string("Bearer ") + kHostKey},
                       {"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}},
                      cut);
    CHECK(reply.status == 400);
    CHECK(reply.json_body().at("message").get<std::string>().find("multipart") !=
          std::string::npos);
    reply = http_send(server.port(), http::verb::post, "/api/import",
                      {{"Authorization", std::string("Bearer ") + kHostKey},
                       {"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}},
                      std::string("--") + kBoundary + "--\r\n");
    CHECK(reply.status == 400);
    CHECK(reply.json_body().at("message") == "no files in the upload");
  }

  CHECK(contest_json(server.port()) == before);
  CHECK(display->drain().empty());  // no new welcome, no state
}

TEST_CASE("Once the show has started an upload is refused and changes nothing", "[net][console]") {
  ConsoleServer server;
  ClientIo io;
  auto host = server.connect(io, {{"role", "host"}, {"key", kHostKey}});
  auto phone = server.connect(io, {{"role", "audience"}});
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e01"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e01"}}})
          .at("poll");
  CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e01"}}).at("counted") ==
        true);
  const std::string before = contest_json(server.port());

  const auto reply = upload(server.port(), valid_files());
  INFO(reply.body);
  REQUIRE(reply.status == 409);
  const json result = reply.json_body();
  CHECK(result.at("ok") == false);
  CHECK(has_problem(result, "show.db", 0, "the show has started"));
  CHECK(contest_json(server.port()) == before);
  CHECK(engine::load_contest(server.store()).name == "椰树杯");
  // The show goes on as it was.
  CHECK(phone->wait_closed(300ms) == false);
  command(*host, {{"action", "close_poll"}, {"poll", poll}});
}

TEST_CASE("The console's data routes need the host key and bound the upload", "[net][console]") {
  ConsoleServer server;
  const std::string before = contest_json(server.port());

  auto reply = upload(server.port(), valid_files(), "wrong-key");
  CHECK(reply.status == 401);
  CHECK(reply.json_body() == json{{"error", "unauthorized"}});
  CHECK(reply.headers.at("www-authenticate") == "Bearer");
  reply = http_get(server.port(), "/api/export?format=csv");
  CHECK(reply.status == 401);
  CHECK(reply.json_body() == json{{"error", "unauthorized"}});
  reply =
      http_get(server.port(), "/api/export?format=ledger", {{"Authorization", "Bearer wrong-key"}});
  CHECK(reply.status == 401);

  // Only POST imports, only GET exports.
  reply = http_get(server.port(), "/api/import", kHostAuth);
  CHECK(reply.status == 405);
  CHECK(reply.headers.at("allow") == "POST");
  reply = http_send(server.port(), http::verb::post, "/api/export?format=csv", kHostAuth, "x");
  CHECK(reply.status == 405);

  SECTION("an upload announced over 10 MiB is refused before it is sent") {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    const std::string header =
        std::string("POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\n") + "Authorization: Bearer " +
        kHostKey + "\r\n" + "Content-Type: multipart/form-data; boundary=" + kBoundary +
        "\r\nContent-Length: " + std::to_string(11 * 1024 * 1024) + "\r\n\r\n";
    asio::write(stream.socket(), asio::buffer(header));
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    const HttpResult result = to_result(std::move(response));
    CHECK(result.status == 413);
    CHECK(result.json_body().at("error") == "too_large");
    CHECK(result.headers.at("connection") == "close");
  }
  SECTION("a body that grows over 10 MiB is cut off with 413") {
    // Chunked, so that the size is known only as it arrives.
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    http::request<http::string_body> request{http::verb::post, "/api/import", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::authorization, std::string("Bearer ") + kHostKey);
    request.set(http::field::content_type,
                std::string("multipart/form-data; boundary=") + kBoundary);
    request.chunked(true);
    request.body() = form_data({{"big.csv", std::string(10 * 1024 * 1024 + 100, 'x')}});
    beast::error_code ec;
    http::write(stream, request, ec);  // the server may stop reading before the end
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response, ec);
    REQUIRE_FALSE(ec);
    CHECK(response.result_int() == 413);
  }
  SECTION("the other routes keep their 16 KiB limit") {
    const auto big =
        http_send(server.port(), http::verb::post, "/api/import",
                  {{"Authorization", "Bearer wrong-key"},
                   {"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}},
                  form_data({{"a.csv", std::string(64 * 1024, 'x')}}));
    CHECK(big.status == 401);
  }
  CHECK(contest_json(server.port()) == before);
}

TEST_CASE("Every export format is a well-formed file of the live show", "[net][console]") {
  ConsoleServer server;
  ClientIo io;
  REQUIRE(upload(server.port(), valid_files()).status == 200);
  auto host = server.connect(io, {{"role", "host"}, {"key", kHostKey}});
  auto judge = server.connect(io, {{"role", "judge"}, {"token", "token-j1-secret-key"}});
  auto phone = std::make_unique<WsClient>(io, server.port());
  const std::string device = phone->hello({{"role", "audience"}}).at("device");
  REQUIRE_FALSE(device.empty());
  // e01 on stage, one vote, one judge's marks, locked, then corrected: amended.
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e01"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e01"}}})
          .at("poll");
  CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e01"}}).at("counted") ==
        true);
  command(*host, {{"action", "close_poll"}, {"poll", poll}});
  const json marks = {{"theme", 25}, {"art", 30}, {"live", 20}};
  CHECK(judge->request({{"type", "score"}, {"round", "prelim"}, {"entry", "e01"}, {"marks", marks}})
            .at("type") == "ack");
  command(*host, {{"action", "lock_scores"},
                  {"round", "prelim"},
                  {"entry", "e01"},
                  {"override_reason", "not every judge scored in this test"}});
  command(*host, {{"action", "correct_score"},
                  {"judge", "j1"},
                  {"round", "prelim"},
                  {"entry", "e01"},
                  {"marks", {{"theme", 26}, {"art", 30}, {"live", 20}}},
                  {"reason", "录入错误"}});

  const auto get = [&](const std::string& query) {
    return http_get(server.port(), "/api/export?" + query, kHostAuth);
  };

  SECTION("results of a round as CSV") {
    const auto csv = get("format=csv&round=prelim");
    REQUIRE(csv.status == 200);
    CHECK(csv.headers.at("content-type") == "text/csv; charset=utf-8");
    CHECK(csv.headers.at("content-disposition") ==
          "attachment; filename=\"yeshu-test-prelim-results.csv\"; "
          "filename*=UTF-8''yeshu-test-prelim-results.csv");
    // The seal (the ledger's head) first, then the header and the 4 entries.
    CHECK(csv.body.rfind("\xEF\xBB\xBF账本 ledger：", 0) == 0);
    CHECK(csv.body.find("\r\n名次 rank,编号 id,作品 title,") == csv.body.find("\r\n"));
    CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == 6);
    const auto head = engine::short_hash(tools::ledger_seal(server.store()).head_hash);
    CHECK(csv.body.find("末条哈希 head " + head) != std::string::npos);
    CHECK(csv.body.find("已更正 amended") != std::string::npos);
    CHECK(csv.body.find("把支部建在组上, 党心不临时") != std::string::npos);
  }
  SECTION("the whole contest as CSV starts every row with its round") {
    const auto csv = get("format=csv&round=all");
    REQUIRE(csv.status == 200);
    CHECK(csv.body.find("\r\n轮次 round,") == csv.body.find("\r\n"));
    CHECK(csv.headers.at("content-disposition").find("yeshu-test-all-results.csv") !=
          std::string::npos);
    CHECK(get("format=csv").body == csv.body);  // no round: the whole contest
  }
  SECTION("XLSX") {
    const auto xlsx = get("format=xlsx&round=prelim");
    REQUIRE(xlsx.status == 200);
    CHECK(xlsx.headers.at("content-type") ==
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    CHECK(xlsx.body.rfind("PK\x03\x04", 0) == 0);
    CHECK(get("format=xlsx").body.rfind("PK\x03\x04", 0) == 0);
  }
  SECTION("the publication sheet as HTML names the round's entries") {
    const auto html = get("format=html&round=prelim");
    REQUIRE(html.status == 200);
    CHECK(html.headers.at("content-type") == "text/html; charset=utf-8");
    CHECK(html.headers.at("content-disposition").find("yeshu-test-prelim-publication.html") !=
          std::string::npos);
    CHECK(html.body.find("<!DOCTYPE html>") == 0);
    for (const char* title : {"党旗代代传 融合促发展", "把支部建在组上, 党心不临时",
                              "文明之光 志愿同行", "税务人的初心"}) {
      CHECK(html.body.find(title) != std::string::npos);
    }
    CHECK(html.body.find("已更正") != std::string::npos);
  }
  SECTION("the ledger lists every action") {
    const auto ledger = get("format=ledger");
    REQUIRE(ledger.status == 200);
    CHECK(ledger.headers.at("content-disposition").find("yeshu-test-ledger.csv") !=
          std::string::npos);
    CHECK(ledger.body.rfind("\xEF\xBB\xBF账本 ledger：", 0) == 0);
    CHECK(ledger.body.find("\r\nseq,ts,") == ledger.body.find("\r\n"));
    // The phone's device token is a credential: the file names it by a pseudonym.
    CHECK(ledger.body.find(device) == std::string::npos);
    CHECK(ledger.body.find(",dev-") != std::string::npos);
    for (const char* kind : {",start_entry,", ",open_poll,", ",vote,", ",close_poll,", ",score,",
                             ",lock_scores,", ",correct_score,"}) {
      CHECK(ledger.body.find(kind) != std::string::npos);
    }
  }
  SECTION("the publication sheet as PDF, where Chromium is present") {
    const auto pdf = get("format=pdf&round=prelim");
    if (tools::find_chromium()) {
      REQUIRE(pdf.status == 200);
      CHECK(pdf.headers.at("content-type") == "application/pdf");
      CHECK(pdf.body.rfind("%PDF-", 0) == 0);
    } else {
      CHECK(pdf.status == 501);
      CHECK(pdf.json_body().at("error") == "no_pdf");
    }
  }
  SECTION("unknown rounds and formats are JSON errors") {
    auto reply = get("format=csv&round=semifinal");
    CHECK(reply.status == 404);
    CHECK(reply.json_body().at("error") == "not_found");
    reply = get("format=docx");
    CHECK(reply.status == 400);
    CHECK(reply.json_body().at("error") == "bad_request");
    reply = get("round=prelim");
    CHECK(reply.status == 400);
  }
}

TEST_CASE("POST /api/tickets prints the ticket sheet as a PDF, or sends the codes as JSON",
          "[net][console][tickets]") {
  ConsoleServer server;
  const auto post = [&](const json& body) {
    return http_send(server.port(), http::verb::post, "/api/tickets",
                     {{"Authorization", std::string("Bearer ") + kHostKey},
                      {"Content-Type", "application/json"}},
                     body.dump());
  };
  const auto tickets_made = [&] {
    return server.engine().read([](const core::Show& show) { return show.tickets().size(); });
  };

  SECTION("without a format: the codes as JSON") {
    const auto reply = post({{"count", 3}});
    REQUIRE(reply.status == 200);
    const json body = reply.json_body();
    CHECK(body.at("tickets").size() == 3);
    CHECK(body.at("numbers") == json{"1", "2", "3"});
  }
  SECTION("as a PDF: every code on the sheet, its QR codes linking to this server") {
    if (!tools::find_chromium()) {
      const auto refused = post({{"count", 3}, {"format", "pdf"}});
      CHECK(refused.status == 501);
      CHECK(refused.json_body().at("error") == "no_pdf");
      CHECK(tickets_made() == 0);  // refused before any was made
      return;
    }
    const auto reply = post({{"count", 9}, {"format", "pdf"}, {"lang", "zh,en"}});
    INFO(reply.body.substr(0, 300));
    REQUIRE(reply.status == 200);
    CHECK(reply.headers.at("content-type") == "application/pdf");
    CHECK(
        reply.headers.at("content-disposition").find("attachment; filename=\"tickets-1-9.pdf\"") ==
        0);
    REQUIRE(reply.body.rfind("%PDF-", 0) == 0);
    CHECK(tickets_made() == 9);

    fixtures::TempDir dir;
    const std::string pdf = dir.write("tickets.pdf", reply.body);
    const auto text = fixtures::pdf_text(pdf);
    if (!text) {
      WARN("pdftotext is not installed: the sheet's text was not read");
      return;
    }
    const auto codes = fixtures::printed_ticket_codes(*text);
    REQUIRE(codes.size() == 9);
    std::set<std::string> numbers;
    for (const auto& code : codes) {
      const core::Ticket* ticket = nullptr;
      const std::string number = server.engine().read([&](const core::Show& show) {
        ticket = show.ticket_by_hash(engine::sha256_hex(code));
        return ticket ? ticket->id : std::string();
      });
      CAPTURE(code);
      CHECK_FALSE(number.empty());
      numbers.insert(number);
    }
    CHECK(numbers.size() == 9);
    CHECK(text->find("http://127.0.0.1:" + std::to_string(server.port()) + "/vote") !=
          std::string::npos);
    CHECK(text->find("One ticket, one voter") != std::string::npos);
    fixtures::pdf_page_png(
        pdf, 1, 100, std::string(STAGEVOTE_TEST_ARTIFACTS) + "/net-console-tickets-page1.png");

    // The next batch, as JSON, is numbered after this one.
    CHECK(post({{"count", 1}}).json_body().at("numbers") == json{"10"});
  }
  SECTION("a bad format or language is refused, and nothing is made") {
    for (const json& body :
         {json{{"count", 3}, {"format", "docx"}},
          json{{"count", 3}, {"format", "pdf"}, {"lang", "fr"}},
          json{{"count", "many"}, {"format", "pdf"}}, json{{"count", 1001}, {"format", "pdf"}}}) {
      CAPTURE(body);
      const auto reply = post(body);
      CHECK(reply.status == 400);
      CHECK(reply.json_body().at("error") == "bad_request");
    }
    CHECK(tickets_made() == 0);
  }
}
