// HTTP: pages and assets with the right types and caching (validators, 304s, gzip), health,
// the API's auth and errors, QR codes, and no way out of the web root.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "net/gzip_cache.hpp"
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

// The bytes of a gzip stream (RFC 1952).
std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  int result = Z_OK;
  while (result == Z_OK) {
    char chunk[4096];
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
  }
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);
  REQUIRE(stream.avail_in == 0);
  return out;
}

std::string read_file(const fs::path& path) {
  std::ostringstream text;
  text << std::ifstream(path, std::ios::binary).rdbuf();
  return text.str();
}

// Rewrites a file with new text and a modification time a second later, as an edit does.
void edit_file(const fs::path& path, const std::string& text) {
  const auto before = fs::last_write_time(path);
  write_file(path, text);
  fs::last_write_time(path, before + std::chrono::seconds(1));
}

// Bytes that do not compress, so that their gzip size is about their own.
std::string noise(std::size_t size, unsigned seed) {
  std::string text(size, '\0');
  for (auto& c : text) {
    seed = seed * 1103515245u + 12345u;
    c = static_cast<char>(seed >> 16);
  }
  return text;
}

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

TEST_CASE("Files carry validators, and a client that has the file gets a 304 without a body",
          "[net][http]") {
  WebRoot web;
  net::ServeOptions options;
  options.web_root = web.dir.path();
  TestServer server(options);
  const std::string path = GENERATE(as<std::string>{}, "/vote", "/v/lib/client.js");
  CAPTURE(path);
  const auto first = http_get(server.port(), path);
  REQUIRE(first.status == 200);
  const std::string tag = first.headers.at("etag");
  const std::string modified = first.headers.at("last-modified");
  CHECK(tag.size() > 2);
  CHECK(tag.front() == '"');  // strong: no W/
  CHECK(tag.back() == '"');
  CHECK(modified.size() == 29);  // "Sun, 06 Nov 1994 08:49:37 GMT"
  CHECK(modified.substr(25) == " GMT");
  CHECK(http_get(server.port(), path).headers.at("etag") == tag);
  auto revalidate = [&](const std::map<std::string, std::string>& headers) {
    return http_get(server.port(), path, headers);
  };

  SECTION("If-None-Match naming the tag, weakly, in a list, or *") {
    for (const std::string& value : {tag, "W/" + tag, "\"other\", " + tag, std::string("*")}) {
      CAPTURE(value);
      const auto response = revalidate({{"If-None-Match", value}});
      CHECK(response.status == 304);
      CHECK(response.body.empty());
      CHECK(response.headers.count("content-length") == 0);
      CHECK(response.headers.at("etag") == tag);
      CHECK(response.headers.at("cache-control") == first.headers.at("cache-control"));
    }
    CHECK(revalidate({{"If-None-Match", "\"other\""}}).status == 200);
  }

  SECTION("If-Modified-Since at the file's time, unless If-None-Match names another tag") {
    CHECK(revalidate({{"If-Modified-Since", modified}}).status == 304);
    const auto older = revalidate({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}});
    CHECK(older.status == 200);
    CHECK(older.body == first.body);
    CHECK(revalidate({{"If-Modified-Since", "yesterday"}}).status == 200);
    CHECK(revalidate({{"If-None-Match", "\"other\""}, {"If-Modified-Since", modified}}).status ==
          200);
  }

  SECTION("HEAD answers as GET would, without the body") {
    const auto head = http_get(server.port(), path, {}, boost::beast::http::verb::head);
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.headers.at("etag") == tag);
    CHECK(head.headers.at("last-modified") == modified);
    CHECK(head.headers.at("content-length") == std::to_string(first.body.size()));
    CHECK(http_get(server.port(), path, {{"If-None-Match", tag}}, boost::beast::http::verb::head)
              .status == 304);
  }
}

TEST_CASE("Text goes out gzip-compressed to clients that accept it, other bytes as they are",
          "[net][http]") {
  WebRoot web;
  std::string script;
  for (int i = 0; i < 400; ++i) {
    script += "export const line" + std::to_string(i) + " = 'one line of a page module';\n";
  }
  write_file(web.dir.path() / "voter-web/lib/big.js", script);
  net::ServeOptions options;
  options.web_root = web.dir.path();
  TestServer server(options);
  const std::map<std::string, std::string> gzip = {{"Accept-Encoding", "gzip, deflate, br"}};

  SECTION("gzip when accepted: the file's bytes once decompressed") {
    const auto [path, file] = GENERATE(table<std::string, std::string>({
        {"/v/lib/big.js", "voter-web/lib/big.js"},
        {"/vote", "voter-web/vote.html"},
        {"/d/css/display.css", "display/css/display.css"},
        {"/d/img/logo.svg", "display/img/logo.svg"},
        {"/d/i18n/zh.json", "display/i18n/zh.json"},
    }));
    CAPTURE(path);
    const auto response = http_get(server.port(), path, gzip);
    CHECK(response.status == 200);
    CHECK(response.headers.at("content-encoding") == "gzip");
    CHECK(response.headers.at("vary") == "Accept-Encoding");
    CHECK(response.headers.at("content-length") == std::to_string(response.body.size()));
    CHECK(gunzip(response.body) == read_file(web.dir.path() / file));
    // Asked again, the same compressed bytes.
    CHECK(http_get(server.port(), path, gzip).body == response.body);
  }

  SECTION("a module shrinks several times over") {
    CHECK(http_get(server.port(), "/v/lib/big.js", gzip).body.size() < script.size() / 4);
  }

  SECTION("the bytes as they are without gzip in Accept-Encoding, or with gzip refused") {
    for (const std::string accept : {"", "br, deflate", "gzip;q=0, br", "x-gzip; q=0.000"}) {
      CAPTURE(accept);
      std::map<std::string, std::string> headers;
      if (!accept.empty()) headers["Accept-Encoding"] = accept;
      const auto response = http_get(server.port(), "/v/lib/big.js", headers);
      CHECK(response.headers.count("content-encoding") == 0);
      CHECK(response.headers.at("vary") == "Accept-Encoding");
      CHECK(response.body == script);
    }
    for (const std::string accept : {"GZIP;q=0.5", "x-gzip", "br;q=1.0, gzip;q=0.1"}) {
      CAPTURE(accept);
      CHECK(http_get(server.port(), "/v/lib/big.js", {{"Accept-Encoding", accept}})
                .headers.at("content-encoding") == "gzip");
    }
  }

  SECTION("fonts and images are never compressed") {
    const auto font = http_get(server.port(), "/d/fonts/a.woff2", gzip);
    CHECK(font.headers.count("content-encoding") == 0);
    CHECK(font.headers.count("vary") == 0);
    CHECK(font.body == "wOF2");
  }

  SECTION("each encoding has its own tag; a 304 needs the one the client would get") {
    const auto plain = http_get(server.port(), "/v/lib/big.js");
    const auto packed = http_get(server.port(), "/v/lib/big.js", gzip);
    CHECK(plain.headers.at("etag") != packed.headers.at("etag"));
    auto revalidated = gzip;
    revalidated["If-None-Match"] = packed.headers.at("etag");
    const auto unchanged = http_get(server.port(), "/v/lib/big.js", revalidated);
    CHECK(unchanged.status == 304);
    CHECK(unchanged.body.empty());
    CHECK(unchanged.headers.at("vary") == "Accept-Encoding");
    revalidated["If-None-Match"] = plain.headers.at("etag");
    const auto other = http_get(server.port(), "/v/lib/big.js", revalidated);
    CHECK(other.status == 200);
    CHECK(other.headers.at("content-encoding") == "gzip");
  }

  SECTION("HEAD says what GET would send") {
    const auto get = http_get(server.port(), "/v/lib/big.js", gzip);
    const auto head =
        http_get(server.port(), "/v/lib/big.js", gzip, boost::beast::http::verb::head);
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.headers.at("content-encoding") == "gzip");
    CHECK(head.headers.at("content-length") == std::to_string(get.body.size()));
    CHECK(head.headers.at("etag") == get.headers.at("etag"));
  }
}

TEST_CASE("A file edited on disk gets new validators and goes out anew, compressed anew",
          "[net][http]") {
  WebRoot web;
  net::ServeOptions options;
  options.web_root = web.dir.path();
  TestServer server(options);
  const std::map<std::string, std::string> gzip = {{"Accept-Encoding", "gzip"}};
  const auto plain = http_get(server.port(), "/v/lib/client.js");
  const auto packed = http_get(server.port(), "/v/lib/client.js", gzip);
  REQUIRE(gunzip(packed.body) == plain.body);

  const std::string edited = "export const x = 2;  // the next build";
  edit_file(web.dir.path() / "voter-web/lib/client.js", edited);
  const auto fresh =
      http_get(server.port(), "/v/lib/client.js", {{"If-None-Match", plain.headers.at("etag")}});
  CHECK(fresh.status == 200);
  CHECK(fresh.body == edited);
  CHECK(fresh.headers.at("etag") != plain.headers.at("etag"));
  CHECK(fresh.headers.at("last-modified") != plain.headers.at("last-modified"));
  auto revalidated = gzip;
  revalidated["If-None-Match"] = packed.headers.at("etag");
  const auto fresh_packed = http_get(server.port(), "/v/lib/client.js", revalidated);
  CHECK(fresh_packed.status == 200);
  CHECK(gunzip(fresh_packed.body) == edited);
}

TEST_CASE("The gzip cache compresses each version of a file once and keeps to its budget",
          "[net][http]") {
  // Room for two of these files compressed (about 1 KiB each), not three.
  net::gzip_cache cache(2500, 1200);
  std::map<std::string, int> reads;
  auto get = [&](const std::string& path, std::int64_t mtime, std::size_t size = 1000) {
    return cache.get(path, {size, mtime}, [&reads, path, size] {
      ++reads[path];
      return std::optional<std::string>(noise(size, static_cast<unsigned>(path[0])));
    });
  };

  const auto a = get("a", 1);
  REQUIRE(a);
  CHECK(gunzip(*a) == noise(1000, 'a'));
  CHECK(get("a", 1) == a);
  CHECK(reads["a"] == 1);
  CHECK(get("a", 2) != a);  // the file changed: compressed again
  CHECK(reads["a"] == 2);

  get("b", 1);
  get("a", 2);  // a is now the most recently used
  get("c", 1);  // over the budget: b, the least recently used, goes
  get("a", 2);
  get("c", 1);
  CHECK(reads == std::map<std::string, int>{{"a", 2}, {"b", 1}, {"c", 1}});
  get("b", 1);
  CHECK(reads["b"] == 2);

  SECTION("a file over the largest size is never compressed") {
    CHECK(get("huge", 1, 1201) == nullptr);
    CHECK(reads["huge"] == 0);
  }

  SECTION("a file that cannot be read is sent as it is, and tried again next time") {
    CHECK(cache.get("gone", {10, 1}, [] { return std::optional<std::string>(); }) == nullptr);
    CHECK(get("gone", 1, 10) != nullptr);
  }
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
  CHECK(allowed.hello({{"role", "display"}, {"key", server.display_key()}}).at("type") ==
        "welcome");
}
