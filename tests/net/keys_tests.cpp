// Keys (docs/reliability.md, "6d. Keys"): where the host may connect from, wrong credentials
// slowed per address on an injected clock, the host and display keys stored only as salted
// hashes, and the database, WAL and SHM created for their owner only.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "engine/credential_guard.hpp"
#include "engine/key_hash.hpp"
#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;
using engine::Network;

namespace {

const std::map<std::string, std::string> kHostAuth = {
    {"Authorization", std::string("Bearer ") + kHostKey}};

// Few PBKDF2 iterations for the hashes these tests make (the seam of engine/key_hash.hpp).
struct FastKeyHashes {
  FastKeyHashes() { ::setenv("STAGEVOTE_KEY_HASH_ITERATIONS", "1000", 1); }
  ~FastKeyHashes() { ::unsetenv("STAGEVOTE_KEY_HASH_ITERATIONS"); }
};

// A guard on a manual clock whose log lines are kept.
struct Guarded {
  engine::ManualClock clock;
  std::vector<std::string> log;
  engine::CredentialGuard guard{
      clock, {}, {}, [this](const std::string& line) { log.push_back(line); }};
};

// One hello on a fresh connection from `source` (a loopback address: the host's own console
// stays on 127.0.0.1, and what it sees of another address is the test's point).
json hello_once(ClientIo& io, unsigned short port, const json& hello,
                const std::string& source = "127.0.0.1") {
  WsClient client(io, port, {}, source);
  return client.hello(hello);
}

long slowed_on_panel(unsigned short port) {
  return http_get(port, "/api/integrity", kHostAuth)
      .json_body()
      .at("credentials")
      .at("slowed_addresses")
      .get<long>();
}

int mode_of(const std::string& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return static_cast<int>(status.st_mode & 0777);
}

}  // namespace

TEST_CASE(
    "Networks given by --host-from: IPv4 and IPv6, one address or a CIDR; loopback is always in",
    "[net][keys]") {
  const auto lan = Network::parse("192.168.10.0/24");
  REQUIRE(lan);
  CHECK(lan->contains("192.168.10.77"));
  CHECK(lan->contains("::ffff:192.168.10.77"));  // an IPv4 peer of a dual-stack listener
  CHECK_FALSE(lan->contains("192.168.11.1"));
  CHECK_FALSE(lan->contains("not an address"));

  const auto one = Network::parse("10.1.2.3");
  REQUIRE(one);
  CHECK(one->contains("10.1.2.3"));
  CHECK_FALSE(one->contains("10.1.2.4"));

  const auto v6 = Network::parse("fd00:1:2::/48");
  REQUIRE(v6);
  CHECK(v6->contains("fd00:1:2:ff::9"));
  CHECK_FALSE(v6->contains("fd00:1:3::9"));
  CHECK_FALSE(v6->contains("192.168.10.77"));

  CHECK(Network::parse("0.0.0.0/0")->contains("203.0.113.9"));
  for (const char* bad : {"", "/24", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x",
                          "fd00::/129", "10.0.0", "example.org", "10.0.0.0/8/8"}) {
    INFO(bad);
    CHECK_FALSE(Network::parse(bad));
  }

  CHECK(engine::is_loopback("127.0.0.1"));
  CHECK(engine::is_loopback("127.0.0.2"));
  CHECK(engine::is_loopback("::1"));
  CHECK(engine::is_loopback("::ffff:127.0.0.1"));
  CHECK_FALSE(engine::is_loopback("10.0.0.1"));
  CHECK_FALSE(engine::is_loopback("::2"));

  engine::ManualClock clock;
  const engine::CredentialGuard guard(clock, {*lan, *v6});
  CHECK(guard.host_allowed("127.0.0.1"));
  CHECK(guard.host_allowed("192.168.10.5"));
  CHECK(guard.host_allowed("fd00:1:2::5"));
  CHECK_FALSE(guard.host_allowed("192.168.20.5"));
  CHECK_FALSE(engine::CredentialGuard(clock, {}).host_allowed("192.168.10.5"));
}

TEST_CASE(
    "Wrong credentials are slowed per address: the wait doubles up to a minute, logged "
    "once per doubling; a right one resets",
    "[net][keys]") {
  Guarded g;
  for (int i = 0; i < 4; ++i) {
    CHECK_FALSE(g.guard.wait("10.0.0.9"));
    g.guard.failed("10.0.0.9", "host key");
  }
  CHECK_FALSE(g.guard.wait("10.0.0.9"));
  CHECK(g.log.empty());
  CHECK(g.guard.slowed_addresses() == 0);
  g.guard.failed("10.0.0.9", "host key");  // the fifth
  CHECK(g.guard.wait("10.0.0.9") == 1'000);
  CHECK_FALSE(g.guard.wait("10.0.0.10"));  // another address is not slowed
  CHECK(g.guard.slowed_addresses() == 1);
  REQUIRE(g.log.size() == 1);
  CHECK(g.log[0].find("10.0.0.9") != std::string::npos);
  CHECK(g.log[0].find("1 s") != std::string::npos);

  // Each further wrong key (after its wait) doubles the wait: 2, 4, ... 32, then 60, 60, 60.
  std::vector<core::Millis> waits;
  for (int i = 0; i < 9; ++i) {
    g.clock.advance(*g.guard.wait("10.0.0.9"));
    CHECK_FALSE(g.guard.wait("10.0.0.9"));
    g.guard.failed("10.0.0.9", "judge token");
    waits.push_back(*g.guard.wait("10.0.0.9"));
  }
  CHECK(waits == std::vector<core::Millis>{2'000, 4'000, 8'000, 16'000, 32'000, 60'000, 60'000,
                                           60'000, 60'000});
  CHECK(g.log.size() == 7);  // 1, 2, 4, 8, 16, 32 and 60 s: not one per attempt
  CHECK(g.log.back().find("longest") != std::string::npos);

  g.clock.advance(60'000);
  g.guard.succeeded("10.0.0.9");
  CHECK_FALSE(g.guard.wait("10.0.0.9"));
  CHECK(g.guard.slowed_addresses() == 0);
  for (int i = 0; i < 4; ++i) g.guard.failed("10.0.0.9", "display key");
  CHECK_FALSE(g.guard.wait("10.0.0.9"));  // its free tries again
}

TEST_CASE(
    "50 wrong host keys from one address: five are checked, the rest refused unchecked; "
    "the right key passes once the wait is over",
    "[net][keys]") {
  engine::ManualClock clock;
  TestServer server({}, &clock);
  ClientIo io;
  const json wrong = {{"role", "host"}, {"key", "not-the-host-key-0000"}};
  const std::string guesser = "127.0.0.2";
  long unauthorized = 0, slowed = 0;
  core::Millis retry_after_s = 0;
  for (int i = 0; i < 50; ++i) {
    const json reply = hello_once(io, server.port(), wrong, guesser);
    REQUIRE(reply.at("type") == "error");
    if (reply.at("code") == "unauthorized") ++unauthorized;
    if (reply.at("code") == "rate_limited") {
      ++slowed;
      retry_after_s = reply.at("retry_after").get<core::Millis>();
    }
  }
  CHECK(unauthorized == 5);
  CHECK(slowed == 45);
  CHECK(retry_after_s == 1);
  CHECK(slowed_on_panel(server.port()) == 1);  // the host console, from 127.0.0.1, sees it

  // While it waits, even the right key is not looked at.
  const json right = {{"role", "host"}, {"key", kHostKey}};
  CHECK(hello_once(io, server.port(), right, guesser).at("code") == "rate_limited");
  clock.advance(retry_after_s * 1000);
  CHECK(hello_once(io, server.port(), right, guesser).at("type") == "welcome");
  CHECK(slowed_on_panel(server.port()) == 0);
}

TEST_CASE("Wrong display keys, judge tokens and HTTP host keys count against the address too",
          "[net][keys]") {
  engine::ManualClock clock;
  TestServer server({}, &clock);
  ClientIo io;

  SECTION("display keys and judge tokens") {
    const std::string phone = "127.0.0.3";
    const auto hello = [&](const json& message) {
      return hello_once(io, server.port(), message, phone);
    };
    for (int i = 0; i < 3; ++i) {
      CHECK(hello({{"role", "display"}, {"key", "guess-" + std::to_string(i)}}).at("code") ==
            "unauthorized");
    }
    // Empty credentials are no guesses: refused, not counted.
    CHECK(hello({{"role", "display"}}).at("code") == "unauthorized");
    CHECK(hello({{"role", "judge"}, {"token", ""}}).at("code") == "unauthorized");
    for (int i = 0; i < 2; ++i) {
      CHECK(hello({{"role", "judge"}, {"token", "forged-judge-token-x"}}).at("code") ==
            "unauthorized");
    }
    const json slowed = hello({{"role", "judge"}, {"token", server.judge_token("j1")}});
    CHECK(slowed.at("code") == "rate_limited");  // even a right token, unchecked
    CHECK(slowed.at("retry_after") == 1);
    CHECK(slowed_on_panel(server.port()) == 1);
    clock.advance(1'000);
    CHECK(hello({{"role", "display"}, {"key", server.display_key()}}).at("type") == "welcome");
    CHECK(slowed_on_panel(server.port()) == 0);  // a right key resets the address
  }

  SECTION("bearer keys on the host's routes") {
    const std::map<std::string, std::string> wrong = {{"Authorization", "Bearer wrong-key"}};
    for (int i = 0; i < 5; ++i) {
      CHECK(http_get(server.port(), "/api/contest", wrong).status == 401);
    }
    const auto slowed = http_get(server.port(), "/api/export?format=csv", wrong);
    CHECK(slowed.status == 429);
    CHECK(slowed.json_body().at("error") == "rate_limited");
    CHECK(slowed.headers.at("retry-after") == "1");
    CHECK(http_get(server.port(), "/api/info").status == 200);  // the public route is not gated
    clock.advance(1'000);
    CHECK(http_get(server.port(), "/api/contest", kHostAuth).status == 200);
  }
}

TEST_CASE(
    "The host and display keys are stored only as salted hashes; a made key is known "
    "once, a stored one is learnt from the host's first right login",
    "[net][keys]") {
  FastKeyHashes fast;
  TempDir dir;
  const std::string db = (dir.path() / "keys.db").string();
  std::string host_key, display_key;
  {
    store::Store store(db);
    const engine::Credentials made(store, std::nullopt);
    REQUIRE(made.host_key_source() == engine::HostKeySource::generated);
    host_key = made.host_key();
    display_key = made.display_key();
    CHECK(host_key.size() >= engine::kMinHostKeyLength);
    CHECK(display_key == engine::display_key_for(host_key));
    CHECK(made.is_host_key(host_key));
  }
  {
    store::Store store(db);
    CHECK(store.get_meta("host_key").value_or("") == "");
    const std::string hash = store.get_meta("host_key_hash").value_or("");
    CHECK(engine::is_key_hash(hash));
    CHECK(hash.starts_with("pbkdf2-sha256$1000$"));
    CHECK(hash.find(host_key) == std::string::npos);
    CHECK(engine::is_key_hash(store.get_meta("display_key_hash").value_or("")));

    // A restart: the key is not in the file, nor in memory until someone shows it.
    const engine::Credentials stored(store, std::nullopt);
    CHECK(stored.host_key_source() == engine::HostKeySource::stored);
    CHECK(stored.host_key().empty());
    CHECK(stored.display_key().empty());
    CHECK_FALSE(stored.is_host_key("not-the-host-key-0000"));
    CHECK_FALSE(stored.is_host_key(""));
    CHECK(stored.display_key().empty());
    CHECK(stored.is_host_key(host_key));
    CHECK(stored.display_key() == display_key);  // GET /api/contest can give it again
    CHECK_FALSE(stored.is_host_key(host_key + "x"));

    // A display before the host: its key is checked against its own hash.
    const engine::Credentials again(store, std::nullopt);
    CHECK_FALSE(again.is_display_key("wrong-display-key"));
    CHECK(again.is_display_key(display_key));
    CHECK(again.display_key() == display_key);
  }
  {
    // A new key (stagevote keys --reset-host-key): the old key and display link stop working.
    store::Store store(db);
    const engine::NewKeys fresh = engine::make_host_key(store);
    const engine::Credentials after(store, std::nullopt);
    CHECK_FALSE(after.is_host_key(host_key));
    CHECK_FALSE(after.is_display_key(display_key));
    CHECK(after.is_host_key(fresh.host_key));
    CHECK(after.display_key() == fresh.display_key);
  }
}

TEST_CASE("A host key an older version kept in the clear is hashed and blanked at start",
          "[net][keys]") {
  FastKeyHashes fast;
  TempDir dir;
  const std::string db = (dir.path() / "old.db").string();
  const std::string old_key = "an-older-versions-host-key";
  {
    store::Store store(db);
    store.set_meta("host_key", old_key);
  }
  store::Store store(db);
  const engine::Credentials credentials(store, std::nullopt);
  CHECK(credentials.host_key_source() == engine::HostKeySource::stored);
  CHECK(credentials.host_key().empty());  // not printed again
  CHECK(store.get_meta("host_key").value_or("") == "");
  CHECK(engine::key_matches(store.get_meta("host_key_hash").value_or(""), old_key));
  CHECK(credentials.is_host_key(old_key));
  CHECK(credentials.display_key() == engine::display_key_for(old_key));
  const engine::Credentials restarted(store, std::nullopt);
  CHECK(restarted.is_host_key(old_key));
}

TEST_CASE("Key hashes: salted, counted, and checked by what they say", "[net][keys]") {
  const std::string a = engine::hash_key("the-same-secret-0123", 1000);
  const std::string b = engine::hash_key("the-same-secret-0123", 1000);
  CHECK(a != b);  // a salt of its own
  CHECK(engine::key_matches(a, "the-same-secret-0123"));
  CHECK(engine::key_matches(b, "the-same-secret-0123"));
  CHECK_FALSE(engine::key_matches(a, "the-same-secret-0124"));
  CHECK_FALSE(engine::key_matches(a, ""));
  for (const char* bad : {"", "pbkdf2-sha256$0$00$00", "sha1$1000$00$00", "pbkdf2-sha256$1000$$",
                          "pbkdf2-sha256$x$0011$0011"}) {
    CHECK_FALSE(engine::is_key_hash(bad));
    CHECK_FALSE(engine::key_matches(bad, "anything"));
  }
  {
    FastKeyHashes fast;
    CHECK(engine::key_hash_iterations() == 1000);
  }
  CHECK(engine::key_hash_iterations() == engine::kKeyHashIterations);
  CHECK(engine::kKeyHashIterations >= 600'000);
}

TEST_CASE("The database, its WAL and SHM are created 0600, whatever the umask", "[net][keys]") {
  const mode_t before = ::umask(0);  // SQLite alone would make them 0644 now
  std::optional<TestServer> server;
  server.emplace();
  ::umask(before);
  const std::string db = server->db_path();
  CHECK(mode_of(db) == 0600);
  CHECK(mode_of(db + "-wal") == 0600);
  CHECK(mode_of(db + "-shm") == 0600);

  // A file an older version left world-readable is narrowed at the next start.
  server->stop();
  REQUIRE(::chmod(db.c_str(), 0644) == 0);
  server->restart();
  CHECK(mode_of(db) == 0600);
  CHECK(mode_of(db + "-wal") == 0600);
}
