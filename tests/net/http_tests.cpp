// HTTP: pages and assets with the right types and caching, health, the API's auth and
// errors, QR codes, and no way out of the web root.
#include <catch2/catch.hpp>
#include <fstream>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A web root of our own, so the tests do not depend on the pages being written.
struct WebRoot {
  TempDir dir;
  WebRoot() {
    const auto& root = dir.path();
    write_file(root / "display/display.html", "<!doctype html><title>display</title>");
    write_file(root / "display/host.html", "<!doctype html><title>host</title>");
    write_file(root / "voter-web/vote.html", "<!doctype html><title>vote</title>");
    write_file(root / "voter-web/judge.html", "<!doctype html><title>judge</title>");
    write_file(root / "voter-web/lib/client.js", "export const x = 1;");
    write_file(root / "display/app/main.mjs", "export default 1;");
    write_file(root / "display/css/display.css", "body{}");
    write_file(root / "display/img/logo.svg", "<svg/>");
    write_file(root / "display/fonts/a.woff2", "wOF2");
    write_file(root / "display/i18n/zh.json", "{}");
    write_file(root / "display/.secret", "no");
    write_file(root / "display/node_modules/chart.js/dist/chart.umd.js", "chart");
    write_file(root / "display/node_modules/chart.js/package.json", "{}");
    write_file(root / "secret.txt", "outside");
  }
};

}  // namespace

TEST_CASE("Pages and assets are served with their content types and caching", "[net][http]") {
  WebRoot web;
  net::ServeOptions options;
  options.web_root = web.dir.path();
  TestServer server(options);

  const auto [path, type, cache] = GENERATE(table<std::string, std::string, std::string>({
      {"/display", "text/html; charset=utf-8", "no-cache"},
      {"/host", "text/html; charset=utf-8", "no-cache"},
      {"/vote", "text/html; charset=utf-8", "no-cache"},
      {"/judge", "text/html; charset=utf-8", "no-cache"},
      {"/v/lib/client.js", "text/javascript; charset=utf-8", "max-age=300"},
      {"/d/app/main.mjs", "text/javascript; charset=utf-8", "max-age=300"},
      {"/d/css/display.css", "text/css; charset=utf-8", "max-age=300"},
      {"/d/img/logo.svg", "image/svg+xml", "max-age=300"},
      {"/d/fonts/a.woff2", "font/woff2", "max-age=300"},
      {"/d/i18n/zh.json", "application/json", "max-age=300"},
  }));
  CAPTURE(path);
  const auto response = http_get(server.port(), path);
  CHECK(response.status == 200);
  CHECK(response.headers.at("content-type") == type);
  CHECK(response.headers.at("cache-control") == cache);
  CHECK_FALSE(response.body.empty());
}

TEST_CASE("Nothing outside the page folders can be fetched", "[net][http]") {
  WebRoot web;
  net::ServeOptions options;
  options.web_root = web.dir.path();
  TestServer server(options);
  const std::string path =
      GENERATE(as<std::string>{}, "/d/../secret.txt", "/d/%2e%2e/secret.txt", "/d/..%2fsecret.txt",
               "/v/../../etc/passwd", "/d/.secret", "/d//display.html",
               "/d/node_modules/chart.js/dist/chart.umd.js", "/vendor/chart.js/dist/chart.umd.js",
               "/vendor/../secret.txt", "/secret.txt", "/d/nothing.js", "/d/%00.js");
  CAPTURE(path);
  const auto response = http_get(server.port(), path);
  CHECK((response.status == 404 || response.status == 400));
  CHECK(response.body.find("outside") == std::string::npos);
}

TEST_CASE("A page that does not exist yet is a 404, not an error", "[net][http]") {
  TempDir empty;
  fs::create_directories(empty.path() / "display");
  net::ServeOptions options;
  options.web_root = empty.path();
  TestServer server(options);
  CHECK(http_get(server.port(), "/display").status == 404);
}

TEST_CASE("Health, API authorisation, JSON errors, info and QR codes", "[net][http]") {
  TestServer server;
  const std::map<std::string, std::string> auth = {
      {"Authorization", std::string("Bearer ") + kHostKey}};

  SECTION("/healthz says ok") {
    const auto response = http_get(server.port(), "/healthz");
    CHECK(response.status == 200);
    CHECK(response.body == "ok");
    CHECK(http_get(server.port(), "/healthz", {}, boost::beast::http::verb::head).status == 200);
  }

  SECTION("host endpoints need the host key") {
    const std::string path =
        GENERATE(as<std::string>{}, "/api/contest", "/api/rounds/prelim/results");
    CAPTURE(path);
    for (const auto& headers : std::vector<std::map<std::string, std::string>>{
             {}, {{"Authorization", "Bearer wrong"}}, {{"Authorization", kHostKey}}}) {
      const auto response = http_get(server.port(), path, headers);
      CHECK(response.status == 401);
      CHECK(response.headers.at("content-type") == "application/json");
      CHECK(response.json_body() == json{{"error", "unauthorized"}});
    }
    CHECK(http_get(server.port(), path, auth).status == 200);
  }

  SECTION("the contest has the contract's shape, judges with tokens") {
    const json contest = http_get(server.port(), "/api/contest", auth).json_body();
    CHECK(contest.at("contest").at("id") == "yeshu-cup");
    CHECK(contest.at("scoring").at("criteria").size() == 4);
    CHECK(contest.at("scoring").at("trim") == 1);
    CHECK(contest.at("scoring").at("trim_min") == 5);
    CHECK(contest.at("rounds").at(0).at("entries").size() == 24);
    CHECK(contest.at("entries").size() == 50);
    CHECK(contest.at("judges").size() == 9);
    CHECK(contest.at("judges").at(0).at("token") == server.judge_token("j1"));
    CHECK(contest.at("judges").at(0).at("token").get<std::string>().size() == 32);
  }

  SECTION("unknown API paths and rounds are JSON 404s") {
    for (const std::string path :
         {"/api/nope", "/api/rounds/nope/results", "/api/rounds//results"}) {
      const auto response = http_get(server.port(), path, auth);
      CHECK(response.status == 404);
      CHECK(response.json_body() == json{{"error", "not_found"}});
    }
  }

  SECTION("info is public and names the join URL") {
    const json info = http_get(server.port(), "/api/info").json_body();
    CHECK(info.at("contest").at("name") == server.contest().name);
    const std::string url = info.at("join_url");
    CHECK(url.rfind("http://", 0) == 0);
    CHECK(url.size() > 5);
    CHECK(url.substr(url.size() - 5) == "/vote");
  }

  SECTION("QR codes are SVG") {
    const auto response =
        http_get(server.port(), "/qr.svg?text=http%3A%2F%2F192.168.1.20%3A8080%2Fvote");
    CHECK(response.status == 200);
    CHECK(response.headers.at("content-type") == "image/svg+xml");
    CHECK(response.body.rfind("<svg", 0) == 0);
    CHECK(http_get(server.port(), "/qr.svg").status == 400);
    CHECK(http_get(server.port(), "/qr.svg?text=" + std::string(600, 'a')).status == 400);
  }

  SECTION("other methods are refused") {
    CHECK(http_get(server.port(), "/api/contest", auth, boost::beast::http::verb::post).status ==
          405);
  }
}

TEST_CASE("WebSocket upgrades from origins outside the allow-list are refused", "[net][http]") {
  net::ServeOptions options;
  options.allowed_origins = {"http://venue.local:8080"};
  TestServer server(options);
  ClientIo io;
  CHECK_THROWS(WsClient(io, server.port(), "http://evil.example"));
  WsClient allowed(io, server.port(), "http://venue.local:8080");
  CHECK(allowed.hello({{"role", "display"}}).at("type") == "welcome");
}
