// Judges' credentials (docs/reliability.md, "6b. Judge credentials"): the host revokes a
// judge's card mid-show and issues a new one (ledgered as the new token's hash; the old token's
// sessions are closed at once, `revoked`), the new token survives a restart, a judge has one
// live session (a second hello takes over, the first is told `replaced`), and the host sees
// every judge's presence.
#include <catch2/catch.hpp>

#include "core/codec.hpp"
#include "engine/restore.hpp"
#include "engine/secrets.hpp"
#include "store/sqlite.hpp"
#include "test_server.hpp"
#include "tools/verify.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

const std::map<std::string, std::string> kAuth = {
    {"Authorization", std::string("Bearer ") + kHostKey}};

json score_e13() {
  return {{"type", "score"},
          {"round", "prelim"},
          {"entry", "e13"},
          {"marks", {{"theme", 25}, {"innovation", 25}, {"art", 20}, {"live", 12}}}};
}

// A judge's token as the console's card page reads it (GET /api/contest).
std::string card_token(unsigned short port, const std::string& judge) {
  const json contest = http_get(port, "/api/contest", kAuth).json_body();
  for (const auto& j : contest.at("judges")) {
    if (j.at("id") == judge) return j.at("token");
  }
  throw std::runtime_error("no judge " + judge);
}

// A hello with `token`: the reply (welcome or error).
json judge_hello(ClientIo& io, unsigned short port, const std::string& token,
                 std::unique_ptr<WsClient>* keep = nullptr) {
  auto client = std::make_unique<WsClient>(io, port);
  json reply = client->hello({{"role", "judge"}, {"token", token}});
  if (keep) *keep = std::move(client);
  return reply;
}

// The host's row for `judge` in a state's or presence message's judges.
json row_of(const json& judges, const std::string& judge) {
  for (const auto& row : judges) {
    if (row.at("judge") == judge) return row;
  }
  return json();
}

// The first `presence` message for which `wanted` holds (others are skipped).
json await_presence(WsClient& host, const std::function<bool(const json&)>& wanted) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("no presence as wanted arrived");
    const json message = host.receive_type("presence", left);
    if (wanted(message.at("judges"))) return message;
  }
}

}  // namespace

TEST_CASE("A revoked judge's phone is closed, the old token refused, and the new card scores",
          "[net][judge-credentials]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  const std::string old_token = server.judge_token("j3");
  auto phone = server.judge(io, "j3");
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});

  const json ack = command(*host, {{"action", "reissue_judge_token"}, {"judge", "j3"}});
  CHECK(ack.at("judge") == "j3");
  const std::string token = ack.at("token");
  CHECK(token.size() == 16);  // 96 bits, base64url
  CHECK(token != old_token);

  // The phone holding the old card hears why, and is closed.
  const json why = phone->receive_type("error");
  CHECK(why.at("code") == "revoked");
  CHECK(phone->wait_closed());
  CHECK(phone->close_code() == 1008);

  // The old token no longer says hello.
  std::unique_ptr<WsClient> thief;
  const json refused = judge_hello(io, server.port(), old_token, &thief);
  CHECK(refused.at("type") == "error");
  CHECK(refused.at("code") == "unauthorized");
  CHECK(thief->wait_closed());

  // The new card's token does, and scores.
  std::unique_ptr<WsClient> judge;
  REQUIRE(judge_hello(io, server.port(), token, &judge).at("type") == "welcome");
  const json scored = judge->request(score_e13());
  CHECK(scored.at("type") == "ack");
  CHECK(scored.at("total") == 82);

  // The card page prints the new token.
  CHECK(card_token(server.port(), "j3") == token);

  // The ledger holds the new token's SHA-256, never the token; the settings hold the token.
  store::sqlite::Connection db(server.db_path(), store::sqlite::Connection::Mode::read_only);
  store::sqlite::Statement record(
      db, "SELECT payload, coalesce(reply, '') FROM ledger WHERE kind = 'reissue_judge_token'");
  REQUIRE(record.step());
  const std::string payload = record.column_text(0);
  const std::string reply = record.column_text(1);
  CHECK(json::parse(payload) == json{{"judge", "j3"}, {"token_sha256", engine::sha256_hex(token)}});
  CHECK(payload.find(token) == std::string::npos);
  CHECK(reply.find(token) == std::string::npos);
  CHECK_FALSE(record.step());
  store::sqlite::Statement meta(db, "SELECT value FROM meta WHERE key = 'contest'");
  REQUIRE(meta.step());
  CHECK(meta.column_text(0).find(token) != std::string::npos);
  CHECK(meta.column_text(0).find(old_token) == std::string::npos);
}

TEST_CASE("Only the host reissues, and only a judge of the contest", "[net][judge-credentials]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto judge = server.judge(io, "j1");
  const json unknown =
      host->request({{"type", "cmd"}, {"action", "reissue_judge_token"}, {"judge", "j99"}});
  CHECK(unknown.at("code") == "not_found");
  const json forbidden =
      judge->request({{"type", "cmd"}, {"action", "reissue_judge_token"}, {"judge", "j1"}});
  CHECK(forbidden.at("code") == "forbidden");
  // Neither changed anything: j1's card still works.
  CHECK(judge_hello(io, server.port(), server.judge_token("j1")).at("type") == "welcome");
}

TEST_CASE("A reissued token survives a restart, and a re-sent reissue changes nothing",
          "[net][judge-credentials]") {
  TestServer server;
  const std::string old_token = server.judge_token("j4");
  std::string token;
  {
    ClientIo io;
    auto host = server.host(io);
    const json ack =
        command(*host, {{"id", "reissue-1"}, {"action", "reissue_judge_token"}, {"judge", "j4"}});
    token = ack.at("token");
  }

  server.restart();
  ClientIo io;
  std::unique_ptr<WsClient> judge;
  REQUIRE(judge_hello(io, server.port(), token, &judge).at("type") == "welcome");
  CHECK(judge_hello(io, server.port(), old_token).at("code") == "unauthorized");
  CHECK(card_token(server.port(), "j4") == token);

  // The same request again: its first reply, without the token (it went out once), and no
  // new token.
  auto host = server.host(io);
  const json again = host->request(
      {{"type", "cmd"}, {"id", "reissue-1"}, {"action", "reissue_judge_token"}, {"judge", "j4"}});
  CHECK(again.at("type") == "ack");
  CHECK(again.at("judge") == "j4");
  CHECK_FALSE(again.contains("token"));
  CHECK(card_token(server.port(), "j4") == token);

  // The host's view counts the reissue.
  const json state = await_state(*host, [](const json& s) {
    return row_of(s.at("host").at("judges"), "j4").value("reissued", 0) == 1;
  });
  CHECK_FALSE(row_of(state.at("host").at("judges"), "j4").at("reissued_at").is_null());

  // verify agrees: the settings' new token is the one the ledger's hash names.
  const auto report = tools::verify_database(server.db_path());
  INFO(report.reason);
  CHECK(report.ok);

  SECTION("a token changed in the settings behind the ledger's back stops the restart") {
    server.stop();
    store::Store store(server.db_path());
    core::Contest contest = engine::load_contest(store);
    for (auto& j : contest.judges) {
      if (j.id == "j4") j.token = "someone-elses-token-1234";
    }
    store.set_meta(engine::kContestMetaKey, core::contest_to_json(contest, true).dump());
    CHECK_THROWS_WITH(engine::restore(store), Catch::Contains("judges differ"));
    const auto tampered = tools::verify_database(server.db_path());
    CHECK_FALSE(tampered.ok);
    CHECK_THAT(tampered.reason, Catch::Contains("judges"));
  }
}

TEST_CASE("A second login with a judge's token takes over and the first phone is told why",
          "[net][judge-credentials]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto first = server.judge(io, "j2");
  auto second = server.judge(io, "j2");

  const json why = first->receive_type("error");
  CHECK(why.at("code") == "replaced");
  CHECK(first->wait_closed());
  CHECK(first->close_code() == 1008);

  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  CHECK(second->request(score_e13()).at("type") == "ack");

  // One judge connection is counted, not two, and the judge is connected.
  const json state = await_state(*host, [](const json& s) {
    return row_of(s.at("host").at("judges"), "j2").value("scored", 0) == 1;
  });
  CHECK(row_of(state.at("host").at("judges"), "j2").at("connected") == true);
  CHECK(state.at("host").at("connections").at("judge") == 1);
}

TEST_CASE("The host sees each judge's presence: connected, last seen, entries scored",
          "[net][judge-credentials]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  const json first = await_state(*host, [](const json&) { return true; });
  const json& judges = first.at("host").at("judges");
  CHECK(judges.size() == server.contest().judges.size());
  const json j1 = row_of(judges, "j1");
  CHECK(j1.at("name") == "王建华");
  CHECK(j1.at("connected") == false);
  CHECK(j1.at("last_seen").is_null());
  CHECK(j1.at("scored") == 0);
  CHECK(j1.at("reissued") == 0);

  auto judge = server.judge(io, "j1");
  const json online = await_presence(
      *host, [](const json& js) { return row_of(js, "j1").value("connected", false); });
  CHECK(row_of(online.at("judges"), "j1").at("last_seen").is_number());
  CHECK(row_of(online.at("judges"), "j2").at("connected") == false);

  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  REQUIRE(judge->request(score_e13()).at("type") == "ack");
  await_state(*host, [](const json& s) {
    return row_of(s.at("host").at("judges"), "j1").value("scored", 0) == 1;
  });

  judge.reset();  // the phone goes away
  const json away = await_presence(*host, [](const json& js) {
    const json row = row_of(js, "j1");
    return row.value("connected", true) == false && row.at("last_seen").is_number();
  });
  CHECK(row_of(away.at("judges"), "j1").at("last_seen").get<std::int64_t>() > 0);
}
