// Access: who may do what, how refusals look, that keys compare correctly (in constant time,
// by OpenSSL's CRYPTO_memcmp), and that secrets are never written to the log.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "engine/secrets.hpp"
#include "support/contest_info.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace stagevote::reliability;
using namespace std::chrono_literals;

namespace {

const std::string kHostKey = "access-host-key-5b1e0d";

json hello_host(const std::string& key) {
  return {{"type", "hello"}, {"role", "host"}, {"key", key}};
}

// The first entry of the first round with a judge from the same unit, and that judge.
std::pair<std::string, ContestInfo::Judge> recused_pair(const ContestInfo& contest) {
  for (const auto& entry : contest.rounds.front().entries) {
    for (const auto& judge : contest.judges) {
      if (contest.recused(judge, entry)) return {entry, judge};
    }
  }
  throw std::runtime_error("the demo contest has no recused judge in its first round");
}

}  // namespace

TEST_CASE("Each role may do only its own part, and a refusal names why", "[access]") {
  TempDir dir;
  ServerProcess server({dir / "show.db", dir / "server.log", kHostKey});
  const auto contest = fetch_contest(server.port(), kHostKey);
  const auto& round = contest.rounds.front();
  const auto [recused_entry, recused_judge] = recused_pair(contest);
  const ContestInfo::Judge* free_judge = nullptr;
  for (const auto& judge : contest.judges) {
    if (!contest.recused(judge, recused_entry)) free_judge = &judge;
  }
  REQUIRE(free_judge);

  WsClient host(server.port());
  REQUIRE(host.hello(hello_host(kHostKey))["type"] == "welcome");
  REQUIRE(host.request({{"type", "cmd"},
                        {"id", "c1"},
                        {"action", "start_entry"},
                        {"round", round.id},
                        {"entry", recused_entry}})["type"] == "ack");
  const auto poll = host.request({{"type", "cmd"},
                                  {"id", "c2"},
                                  {"action", "open_poll"},
                                  {"round", round.id},
                                  {"entries", {recused_entry}}});
  REQUIRE(poll["type"] == "ack");
  const std::string poll_id = poll["poll"];

  const json score{{"type", "score"},
                   {"id", "s1"},
                   {"round", round.id},
                   {"entry", recused_entry},
                   {"marks", {{"theme", 20}, {"innovation", 20}, {"art", 20}, {"live", 10}}}};

  SECTION("the audience gets forbidden for cmd and score, and stays connected") {
    WsClient phone(server.port());
    REQUIRE(phone.hello({{"type", "hello"}, {"role", "audience"}})["type"] == "welcome");
    const auto cmd =
        phone.request({{"type", "cmd"}, {"id", "x1"}, {"action", "close_poll"}, {"poll", poll_id}});
    CHECK(cmd["type"] == "error");
    CHECK(cmd["code"] == "forbidden");
    const auto scored = phone.request(score);
    CHECK(scored["code"] == "forbidden");
    const auto results =
        phone.request({{"type", "cmd"}, {"id", "x2"}, {"action", "results"}, {"round", round.id}});
    CHECK(results["code"] == "forbidden");
    // Still connected, and still allowed to vote.
    const auto vote = phone.request(
        {{"type", "vote"}, {"id", "v1"}, {"poll", poll_id}, {"choice", recused_entry}});
    CHECK(vote["type"] == "ack");
    CHECK(vote["counted"] == true);
  }

  SECTION("a judge or a display may not vote, and a display may not command") {
    WsClient judge(server.port());
    REQUIRE(
        judge.hello({{"type", "hello"}, {"role", "judge"}, {"token", free_judge->token}})["type"] ==
        "welcome");
    CHECK(judge.request({{"type", "vote"},
                         {"id", "v1"},
                         {"poll", poll_id},
                         {"choice", recused_entry}})["code"] == "forbidden");
    CHECK(
        judge.request(
            {{"type", "cmd"}, {"id", "c9"}, {"action", "close_poll"}, {"poll", poll_id}})["code"] ==
        "forbidden");
    WsClient display(server.port());
    REQUIRE(display.hello(
                {{"type", "hello"}, {"role", "display"}, {"key", contest.display_key}})["type"] ==
            "welcome");
    CHECK(
        display.request(
            {{"type", "cmd"}, {"id", "c9"}, {"action", "close_poll"}, {"poll", poll_id}})["code"] ==
        "forbidden");
    CHECK(display.request(score)["code"] == "forbidden");
  }

  SECTION("a wrong judge token or host key gets unauthorized and a closed connection") {
    for (const json& hello :
         {json{{"type", "hello"}, {"id", "h"}, {"role", "judge"}, {"token", "not-a-token"}},
          json{{"type", "hello"}, {"id", "h"}, {"role", "judge"}, {"token", ""}},
          hello_host("wrong-key"), hello_host(kHostKey + "x"), hello_host(""),
          hello_host(kHostKey.substr(0, kHostKey.size() - 1))}) {
      INFO(hello.dump());
      WsClient client(server.port());
      const auto reply = client.hello(hello);
      CHECK(reply["type"] == "error");
      CHECK(reply["code"] == "unauthorized");
      CHECK(client.ended(5s));
      REQUIRE(client.close_reason());
      CHECK(client.close_reason()->code == boost::beast::websocket::close_code::policy_error);
    }
  }

  SECTION("the HTTP API wants the host key") {
    for (const auto& header : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {},
             {{"Authorization", "Bearer wrong"}},
             {{"Authorization", kHostKey}},
             {{"Authorization", "Basic " + kHostKey}},
             {{"Authorization", "Bearer  " + kHostKey}},
             {{"Authorization", "bearer" + kHostKey}}}) {
      for (const std::string& target :
           std::vector<std::string>{"/api/contest", "/api/rounds/" + round.id + "/results"}) {
        const auto reply = http_get(server.port(), target, header);
        REQUIRE(reply);
        CHECK(reply->status == 401);
        CHECK(json::parse(reply->body) == json{{"error", "unauthorized"}});
      }
    }
  }

  SECTION("a judge from the entry's unit gets recused, and nothing is recorded") {
    WsClient judge(server.port());
    REQUIRE(judge.hello(
                {{"type", "hello"}, {"role", "judge"}, {"token", recused_judge.token}})["type"] ==
            "welcome");
    const auto reply = judge.request(score);
    CHECK(reply["type"] == "error");
    CHECK(reply["code"] == "recused");
    const auto results = http_get(server.port(), "/api/rounds/" + round.id + "/results",
                                  {{"Authorization", "Bearer " + kHostKey}});
    REQUIRE(results);
    const json parsed = json::parse(results->body);  // kept alive for the loop
    for (const auto& entry : parsed["entries"]) {
      if (entry["entry"] == recused_entry) CHECK(entry["judge_scores"].empty());
    }
  }

  SECTION("after a lock a judge gets locked, and the locked marks stand") {
    WsClient judge(server.port());
    REQUIRE(
        judge.hello({{"type", "hello"}, {"role", "judge"}, {"token", free_judge->token}})["type"] ==
        "welcome");
    REQUIRE(judge.request(score)["type"] == "ack");
    REQUIRE(
        host.request(
            {{"type", "cmd"}, {"id", "c3"}, {"action", "close_poll"}, {"poll", poll_id}})["type"] ==
        "ack");
    REQUIRE(host.request({{"type", "cmd"},
                          {"id", "c4"},
                          {"action", "lock_scores"},
                          {"round", round.id},
                          {"entry", recused_entry},
                          {"override_reason", "one judge scored in this test"}})["type"] == "ack");
    json revision = score;
    revision["id"] = "s2";
    revision["marks"]["theme"] = 29;
    const auto reply = judge.request(revision);
    CHECK(reply["type"] == "error");
    CHECK(reply["code"] == "locked");
    const auto results = http_get(server.port(), "/api/rounds/" + round.id + "/results",
                                  {{"Authorization", "Bearer " + kHostKey}});
    REQUIRE(results);
    const json parsed = json::parse(results->body);  // kept alive for the loop
    for (const auto& entry : parsed["entries"]) {
      if (entry["entry"] != recused_entry) continue;
      REQUIRE(entry["judge_scores"].size() == 1);
      CHECK(entry["judge_scores"][0]["total"].get<double>() == Approx(70));
    }
  }
}

TEST_CASE("With an origin allow-list, a WebSocket from a foreign page is refused", "[access]") {
  TempDir dir;
  ServerProcess server({dir / "show.db",
                        dir / "server.log",
                        kHostKey,
                        true,
                        {"--allow-origin", "http://stage.local:8080"}});

  SECTION("a foreign origin gets no WebSocket") {
    for (const std::string origin :
         {"http://evil.example", "http://stage.local:8081", "https://stage.local:8080",
          "http://stage.local:8080.evil.example", "null"}) {
      INFO(origin);
      CHECK_THROWS_AS(WsClient(server.port(), WsOptions{origin}), WsError);
    }
  }
  SECTION("the allowed origin, and clients that send no Origin (not a browser), get one") {
    const json hello = {{"type", "hello"},
                        {"role", "display"},
                        {"key", fetch_contest(server.port(), kHostKey).display_key}};
    WsClient allowed(server.port(), WsOptions{"http://stage.local:8080"});
    CHECK(allowed.hello(hello)["type"] == "welcome");
    WsClient tool(server.port());
    CHECK(tool.hello(hello)["type"] == "welcome");
  }
}

TEST_CASE("Keys and tokens are never written to the log", "[access]") {
  TempDir dir;
  const auto log = dir / "server.log";
  std::vector<std::string> secrets{kHostKey, "wrong-key-attempt-91c4"};
  {
    ServerProcess server({dir / "show.db", log, kHostKey});
    const auto contest = fetch_contest(server.port(), kHostKey);
    for (const auto& judge : contest.judges) secrets.push_back(judge.token);

    WsClient host(server.port());
    REQUIRE(host.hello(hello_host(kHostKey))["type"] == "welcome");
    WsClient judge(server.port());
    REQUIRE(judge.hello({{"type", "hello"},
                         {"role", "judge"},
                         {"token", contest.judges[0].token}})["type"] == "welcome");
    WsClient phone(server.port());
    const auto welcome = phone.hello({{"type", "hello"}, {"role", "audience"}});
    secrets.push_back(welcome["device"].get<std::string>());
    WsClient intruder(server.port());
    CHECK(intruder.hello(hello_host("wrong-key-attempt-91c4"))["code"] == "unauthorized");
    WsClient forger(server.port());
    CHECK(forger.hello({{"type", "hello"},
                        {"role", "judge"},
                        {"token", "wrong-key-attempt-91c4"}})["code"] == "unauthorized");
    CHECK(http_get(server.port(), "/api/contest",
                   {{"Authorization", "Bearer wrong-key-attempt-91c4"}})
              ->status == 401);
    server.signal(SIGTERM);
    REQUIRE(server.wait(20s));
  }
  const std::string text = read_file(log);
  CHECK_FALSE(text.empty());
  for (const auto& secret : secrets) {
    INFO(secret);
    CHECK(text.find(secret) == std::string::npos);
  }
}

TEST_CASE("A generated host key is printed once, at the first start only", "[access]") {
  TempDir dir;
  const auto first_log = dir / "first.log";
  const auto second_log = dir / "second.log";
  std::string key;
  {
    ServerProcess first({dir / "show.db", first_log, ""});
    const std::string text = read_file(first_log);
    const auto at = text.find("host key: ");
    REQUIRE(at != std::string::npos);
    key = text.substr(at + 10, text.find_first_of(" \n", at + 10) - at - 10);
    REQUIRE(key.size() >= 16);
    CHECK(http_get(first.port(), "/api/contest", {{"Authorization", "Bearer " + key}})->status ==
          200);
    first.signal(SIGTERM);
    REQUIRE(first.wait(20s));
  }
  ServerProcess second({dir / "show.db", second_log, ""});
  CHECK(read_file(second_log).find(key) == std::string::npos);
  CHECK(http_get(second.port(), "/api/contest", {{"Authorization", "Bearer " + key}})->status ==
        200);
}

TEST_CASE("Keys compare equal only when identical, whatever byte differs and whatever the length",
          "[access]") {
  using stagevote::engine::constant_time_equal;
  // Constant time is OpenSSL's promise (CRYPTO_memcmp), not this test's: timing it here would
  // only measure the machine. This checks that the wrapper gives the right answers.
  const std::string secret(64, 'k');
  std::string wrong_first = secret, wrong_middle = secret, wrong_last = secret;
  wrong_first.front() = 'x';
  wrong_middle[32] = 'x';
  wrong_last.back() = 'x';
  CHECK(constant_time_equal(secret, std::string(secret)));
  CHECK_FALSE(constant_time_equal(secret, wrong_first));
  CHECK_FALSE(constant_time_equal(secret, wrong_middle));
  CHECK_FALSE(constant_time_equal(secret, wrong_last));
  // A prefix and an extension of the key are refused, and neither side's length is trusted.
  CHECK_FALSE(constant_time_equal(secret, secret.substr(0, 63)));
  CHECK_FALSE(constant_time_equal(secret.substr(0, 63), secret));
  CHECK_FALSE(constant_time_equal(secret, secret + "k"));
  CHECK_FALSE(constant_time_equal(secret, ""));
  CHECK_FALSE(constant_time_equal("", secret));
  CHECK(constant_time_equal("", ""));
  // Bytes past a NUL count: the compare is over the whole view, not a C string.
  CHECK_FALSE(constant_time_equal(std::string("ab\0c", 4), std::string("ab\0d", 4)));
  CHECK(constant_time_equal(std::string("ab\0c", 4), std::string("ab\0c", 4)));
}
