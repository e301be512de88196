// The network's defences on a real server: the security headers of every response and the
// policy of every page, the same-origin rule of the WebSocket, and the connection cap with the
// reserve kept for the people who run the show (docs/reliability.md, "6a. Network threats").
#include <catch2/catch.hpp>

#include "net/connection_budget.hpp"
#include "net/throttled_count.hpp"
#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

std::string header(const HttpResult& response, const std::string& name) {
  const auto found = response.headers.find(name);
  return found == response.headers.end() ? std::string() : found->second;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("Every response says nosniff and no-referrer; pages carry a CSP and refuse framing",
          "[net][security]") {
  TestServer server;
  const std::map<std::string, std::string> auth{
      {"Authorization", std::string("Bearer ") + kHostKey}};

  SECTION("every response") {
    const std::vector<std::pair<std::string, std::map<std::string, std::string>>> targets{
        {"/vote", {}},
        {"/healthz", {}},
        {"/api/info", {}},
        {"/api/contest", {}},
        {"/api/contest", auth},
        {"/qr.svg?text=x", {}},
        {"/v/vote.js", {}},
        {"/d/css/display.css", {}},
        {"/no/such/file", {}},
        {"/ws", {}},
        {"/", {}}};
    for (const auto& [target, headers] : targets) {
      INFO(target);
      const auto response = http_get(server.port(), target, headers);
      CHECK(response.status != 0);
      CHECK(header(response, "x-content-type-options") == "nosniff");
      CHECK(header(response, "referrer-policy") == "no-referrer");
    }
  }

  SECTION("the pages: scripts, styles and connections from the server only; not framed") {
    for (const std::string page : {"/vote", "/judge", "/host", "/display", "/d/judge-cards.html"}) {
      INFO(page);
      const auto response = http_get(server.port(), page);
      REQUIRE(response.status == 200);
      const std::string policy = header(response, "content-security-policy");
      CHECK(contains(policy, "default-src 'self'"));
      CHECK(contains(policy, "script-src 'self';"));
      CHECK(contains(policy, "style-src 'self';"));
      CHECK(contains(policy, "connect-src 'self'"));
      CHECK_FALSE(contains(policy, "unsafe-inline"));
      CHECK(contains(policy, "frame-ancestors 'none'"));
      CHECK(header(response, "x-frame-options") == "DENY");
      // No inline script or style in the page itself (the policy would block it).
      CHECK_FALSE(contains(response.body, "<style"));
      CHECK_FALSE(contains(response.body, " style="));
      CHECK_FALSE(contains(response.body, "<script>"));
      CHECK_FALSE(contains(response.body, " onclick="));
      CHECK_FALSE(contains(response.body, " onload="));
    }
  }

  SECTION("the overlay may be embedded (a vision mixer), under the same policy otherwise") {
    const auto response = http_get(server.port(), "/display?overlay=1");
    REQUIRE(response.status == 200);
    const std::string policy = header(response, "content-security-policy");
    CHECK(contains(policy, "default-src 'self'"));
    CHECK_FALSE(contains(policy, "frame-ancestors"));
    CHECK(header(response, "x-frame-options").empty());
  }

  SECTION("the display's miniature in the host console may be framed by the server's own page") {
    const auto response = http_get(server.port(), "/display?embed=1");
    REQUIRE(response.status == 200);
    CHECK(contains(header(response, "content-security-policy"), "frame-ancestors 'self'"));
    CHECK(header(response, "x-frame-options") == "SAMEORIGIN");
  }

  SECTION("a revalidated page keeps its policy") {
    const auto first = http_get(server.port(), "/vote");
    const auto again = http_get(server.port(), "/vote", {{"If-None-Match", header(first, "etag")}});
    CHECK(again.status == 304);
    CHECK(contains(header(again, "content-security-policy"), "frame-ancestors 'none'"));
  }
}

TEST_CASE("A WebSocket opens from the server's own pages and allowed origins only",
          "[net][security]") {
  SECTION("by default: the server's own origin, and clients without Origin") {
    TestServer server;
    ClientIo io;
    const std::string own = "http://127.0.0.1:" + std::to_string(server.port());
    WsClient page(io, server.port(), own);
    CHECK(page.hello({{"role", "audience"}}).at("type") == "welcome");
    WsClient page_upper(io, server.port(), "HTTP://127.0.0.1:" + std::to_string(server.port()));
    CHECK(page_upper.hello({{"role", "audience"}}).at("type") == "welcome");
    WsClient tool(io, server.port());
    CHECK(tool.hello({{"role", "audience"}}).at("type") == "welcome");
    for (const std::string& origin :
         {std::string("http://evil.example"), "https://127.0.0.1:" + std::to_string(server.port()),
          "http://127.0.0.1:" + std::to_string(server.port() + 1), own + ".evil.example",
          std::string("null")}) {
      INFO(origin);
      CHECK_THROWS(WsClient(io, server.port(), origin));
    }
    // What a refused browser sees: 403 and why.
    const auto refused = http_get(server.port(), "/ws",
                                  {{"Connection", "Upgrade"},
                                   {"Upgrade", "websocket"},
                                   {"Sec-WebSocket-Version", "13"},
                                   {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                   {"Host", "127.0.0.1:" + std::to_string(server.port())},
                                   {"Origin", "http://evil.example"}});
    CHECK(refused.status == 403);
    CHECK(refused.body == "origin not allowed\n");
  }

  SECTION("a foreign name resolving to the server (DNS rebinding) is not the server's own") {
    net::ServeOptions options;
    options.public_url = "http://Vote.Venue.local:8080";
    TestServer server(options);
    const std::string port = std::to_string(server.port());
    auto upgrade = [&](const std::string& host, const std::string& origin) {
      return http_get(server.port(), "/ws",
                      {{"Connection", "Upgrade"},
                       {"Upgrade", "websocket"},
                       {"Sec-WebSocket-Version", "13"},
                       {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                       {"Host", host},
                       {"Origin", origin}})
          .status;
    };
    // The page came from evil.example, which the attacker made resolve to the venue laptop:
    // Host and Origin agree, but the name is not one the server goes by.
    CHECK(upgrade("evil.example:" + port, "http://evil.example:" + port) == 403);
    CHECK(upgrade("evil.example", "http://evil.example") == 403);
    // Its own names: an address, localhost, and the name of --public-url.
    CHECK(upgrade("127.0.0.1:" + port, "http://127.0.0.1:" + port) == 101);
    CHECK(upgrade("localhost:" + port, "http://localhost:" + port) == 101);
    CHECK(upgrade("[::1]:" + port, "http://[::1]:" + port) == 101);
    CHECK(upgrade("vote.venue.local:8080", "http://vote.venue.local:8080") == 101);
  }

  SECTION("--allow-origin adds origins; the server's own stays allowed") {
    net::ServeOptions options;
    options.allowed_origins = {"http://venue.local:8080"};
    TestServer server(options);
    ClientIo io;
    WsClient listed(io, server.port(), "http://venue.local:8080");
    CHECK(listed.hello({{"role", "display"}, {"key", server.display_key()}}).at("type") ==
          "welcome");
    WsClient own(io, server.port(), "http://127.0.0.1:" + std::to_string(server.port()));
    CHECK(own.hello({{"role", "audience"}}).at("type") == "welcome");
    CHECK_THROWS(WsClient(io, server.port(), "http://venue.local:8081"));
  }
}

TEST_CASE("At the connection cap the reserve keeps room for the host, judges and displays",
          "[net][security][cap]") {
  SECTION("audience refused in the reserve; the show's people still get in") {
    net::ServeOptions options;
    options.max_connections = 10;
    options.reserved_connections = 5;
    TestServer server(options);
    ClientIo io;
    std::vector<std::unique_ptr<WsClient>> phones;
    for (int i = 0; i < 5; ++i) phones.push_back(server.audience(io));

    // The sixth connection finds only the reserve: a phone is told why and closed.
    WsClient late(io, server.port());
    const json refused = late.hello({{"role", "audience"}});
    CHECK(refused.at("type") == "error");
    CHECK(refused.at("code") == "too_many");
    CHECK(contains(refused.at("message").get<std::string>(), "full"));
    CHECK(late.wait_closed());
    CHECK(late.close_code() == 1013);  // try again later

    const auto page = http_get(server.port(), "/vote");
    CHECK(page.status == 503);
    CHECK(header(page, "retry-after") == "60");
    CHECK(contains(page.body, "The hall is full"));
    CHECK(header(page, "connection") == "close");

    // Those who run the show are admitted from the reserve.
    auto host = server.host(io);
    auto display = server.display(io);
    auto judge = server.judge(io, server.contest().judges.front().id);
  }

  SECTION("past the whole cap a connection is closed at once; a slot comes back when one ends") {
    net::ServeOptions options;
    options.max_connections = 2;
    options.reserved_connections = 1;
    TestServer server(options);
    ClientIo io;
    auto display = server.display(io);
    auto host = server.host(io);
    CHECK_THROWS(WsClient(io, server.port()));
    host.reset();
    // The host's slot is given back once the server has seen it go: a new host gets in.
    std::unique_ptr<WsClient> again;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!again && std::chrono::steady_clock::now() < deadline) {
      try {
        again = server.host(io);
      } catch (const std::exception&) {
        std::this_thread::sleep_for(20ms);
      }
    }
    CHECK(again);
  }
}

TEST_CASE("The connection budget counts, refuses past the cap and knows its reserve",
          "[net][security][cap]") {
  net::connection_budget budget(4, 2);
  CHECK(budget.try_open());
  CHECK(budget.try_open());
  CHECK_FALSE(budget.reserve_only());
  CHECK(budget.try_open());
  CHECK(budget.reserve_only());
  CHECK(budget.try_open());
  CHECK_FALSE(budget.try_open());
  CHECK(budget.open() == 4);
  {
    net::connection_slot slot(budget);  // one of the four ends
  }
  CHECK(budget.open() == 3);
  CHECK(budget.try_open());

  net::connection_budget unlimited(0, 10);
  for (int i = 0; i < 100; ++i) CHECK(unlimited.try_open());
  CHECK_FALSE(unlimited.reserve_only());

  CHECK(net::connection_budget::default_reserve(960) == 32);
  CHECK(net::connection_budget::default_reserve(100'000) == 2'000);
  CHECK(net::connection_budget::default_reserve(10) == 2);
}

TEST_CASE("A burst of accept errors is reported once a second with how many there were",
          "[net][security]") {
  using clock = net::throttled_count::clock;
  net::throttled_count errors(std::chrono::seconds(1));
  const clock::time_point start{};
  CHECK(errors.add(start) == 1);  // the first is said at once
  for (int i = 1; i <= 999; ++i) CHECK(errors.add(start + i * 1ms) == 0);
  CHECK(errors.flush(start + 999ms) == 0);
  CHECK(errors.add(start + 1000ms) == 1000);  // 999 held back and this one
  CHECK(errors.flush(start + 5000ms) == 0);   // nothing held back
  CHECK(errors.add(start + 5000ms) == 1);
  CHECK(errors.add(start + 5001ms) == 0);
  CHECK(errors.flush(start + 6001ms) == 1);  // what was held back, once the period is over
}

TEST_CASE("The broadcast graphics may be framed and their files read by another origin",
          "[net][security][graphics]") {
  TestServer server;

  SECTION("each template: framed by a vision mixer, CasparCG, SPX; nothing inline") {
    for (const std::string page : {"/graphics/lower-third.html", "/graphics/score-reveal.html",
                                   "/graphics/leaderboard.html"}) {
      INFO(page);
      const auto response = http_get(server.port(), page);
      REQUIRE(response.status == 200);
      CHECK(contains(header(response, "content-type"), "text/html"));
      const std::string policy = header(response, "content-security-policy");
      CHECK(contains(policy, "default-src 'self'"));
      CHECK(contains(policy, "script-src 'self';"));
      CHECK(contains(policy, "connect-src 'self'"));
      CHECK_FALSE(contains(policy, "frame-ancestors"));
      CHECK(header(response, "x-frame-options").empty());
      // A page is never readable by another origin's script (it is framed, not fetched).
      CHECK(header(response, "access-control-allow-origin").empty());
      CHECK_FALSE(contains(response.body, "<script>"));
      CHECK_FALSE(contains(response.body, "<style"));
      CHECK_FALSE(contains(response.body, " style="));
    }
  }

  SECTION("the OGraf manifests and modules: readable by a renderer on another origin") {
    for (const std::string file :
         {"/graphics/lower-third.ograf.json", "/graphics/score-reveal.ograf.json",
          "/graphics/leaderboard.ograf.json", "/graphics/lower-third.mjs", "/graphics/graphic.js",
          "/v/lib/client.js", "/graphics/graphics.css"}) {
      INFO(file);
      const auto response = http_get(server.port(), file);
      REQUIRE(response.status == 200);
      CHECK(header(response, "access-control-allow-origin") == "*");
    }
    const auto manifest = http_get(server.port(), "/graphics/lower-third.ograf.json");
    CHECK(header(manifest, "content-type") == "application/json");
    CHECK(contains(manifest.body, "\"main\": \"lower-third.mjs\""));
  }

  SECTION("the other pages are still not framed, and no way out of the folder") {
    const auto vote = http_get(server.port(), "/vote");
    CHECK(header(vote, "x-frame-options") == "DENY");
    CHECK(header(vote, "access-control-allow-origin").empty());
    CHECK(http_get(server.port(), "/graphics/../host.html").status == 404);
    CHECK(http_get(server.port(), "/graphics/%2e%2e/host.html").status == 404);
    CHECK(http_get(server.port(), "/graphics/no-such.html").status == 404);
  }
}
