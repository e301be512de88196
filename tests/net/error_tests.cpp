// Every error code of the contract where it applies: a clear error, nothing changes, the
// server carries on.
#include <catch2/catch.hpp>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

json score_msg(const std::string& entry, double theme) {
  return {{"type", "score"},
          {"round", "prelim"},
          {"entry", entry},
          {"marks", {{"theme", theme}, {"innovation", 20}, {"art", 20}, {"live", 10}}}};
}

void expect_error(const json& reply, const std::string& code) {
  INFO(reply.dump());
  CHECK(reply.at("type") == "error");
  CHECK(reply.at("code") == code);
  CHECK_FALSE(reply.at("message").get<std::string>().empty());
}

}  // namespace

TEST_CASE("Bad requests get typed errors and change nothing", "[net][errors]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13"}}})
          .at("poll");
  auto phone = server.audience(io);

  SECTION("bad_request: not JSON, mistyped or missing fields, unknown types") {
    phone->send_text("this is not json");
    expect_error(phone->receive_type("error"), "bad_request");
    expect_error(phone->request({{"type", "vote"}, {"id", "m1"}, {"poll", 5}, {"choice", "e13"}}),
                 "bad_request");
    expect_error(phone->request({{"type", "vote"}, {"id", "m2"}, {"poll", poll}}), "bad_request");
    expect_error(phone->request({{"type", "dance"}, {"id", "m3"}}), "bad_request");
    expect_error(
        host->request(
            {{"type", "cmd"}, {"action", "open_poll"}, {"round", "prelim"}, {"entries", "e13"}}),
        "bad_request");
    phone->send_binary(R"({"type":"ping"})");
    expect_error(phone->receive_type("error"), "bad_request");
    // Still connected and able to vote.
    CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
          true);
  }

  SECTION("requests before hello are refused") {
    WsClient fresh(io, server.port());
    expect_error(fresh.request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}),
                 "bad_request");
  }

  SECTION("forbidden: the audience cannot command or score, judges and displays cannot vote") {
    expect_error(phone->request({{"type", "cmd"}, {"action", "close_poll"}, {"poll", poll}}),
                 "forbidden");
    expect_error(phone->request(score_msg("e13", 20)), "forbidden");
    auto judge = server.judge(io, "j2");
    expect_error(judge->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}),
                 "forbidden");
    expect_error(judge->request({{"type", "cmd"}, {"action", "close_poll"}, {"poll", poll}}),
                 "forbidden");
    auto display = server.display(io);
    expect_error(display->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}),
                 "forbidden");
    // The poll is still open.
    CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
          true);
  }

  SECTION("poll_closed and invalid_choice") {
    expect_error(phone->request({{"type", "vote"}, {"poll", "p99"}, {"choice", "e13"}}),
                 "poll_closed");
    expect_error(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e05"}}),
                 "invalid_choice");
    command(*host, {{"action", "close_poll"}, {"poll", poll}});
    expect_error(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}),
                 "poll_closed");
  }

  SECTION("recused, out_of_range, locked") {
    auto j5 = server.judge(io, "j5");  // 省税务局, which performs e05
    expect_error(j5->request(score_msg("e05", 20)), "recused");
    expect_error(j5->request(score_msg("e13", 31)), "out_of_range");  // theme max 30
    expect_error(j5->request(score_msg("e13", -1)), "out_of_range");
    expect_error(j5->request(score_msg("e13", 20.125)), "out_of_range");  // 2 decimals at most
    json missing = score_msg("e13", 20);
    missing["marks"].erase("live");
    expect_error(j5->request(missing), "bad_request");
    CHECK(j5->request(score_msg("e13", 20)).at("type") == "ack");
    command(*host, {{"action", "close_poll"}, {"poll", poll}});
    command(*host, {{"action", "lock_scores"},
                    {"round", "prelim"},
                    {"entry", "e13"},
                    {"override_reason", "not every judge scored in this test"}});
    expect_error(j5->request(score_msg("e13", 25)), "locked");
  }

  SECTION("host commands out of order are invalid_state; unknown ids not_found") {
    expect_error(
        host->request(
            {{"type", "cmd"}, {"action", "reveal"}, {"round", "prelim"}, {"entry", "e13"}}),
        "invalid_state");
    expect_error(
        host->request(
            {{"type", "cmd"}, {"action", "start_entry"}, {"round", "nope"}, {"entry", "e13"}}),
        "not_found");
    expect_error(host->request({{"type", "cmd"}, {"action", "results"}, {"round", "nope"}}),
                 "not_found");
  }

  SECTION("too_large: a frame over the role's limit is refused and the connection closed") {
    const std::string big(5000, 'x');
    phone->send({{"type", "ping"}, {"id", "big"}, {"pad", big}});
    expect_error(phone->receive_type("error"), "too_large");
    CHECK(phone->wait_closed());
    CHECK(phone->close_code() == 1009);
    // A host may send more.
    CHECK(host->request({{"type", "ping"}, {"pad", big}}).at("type") == "pong");
  }
}

TEST_CASE("A wrong host key or judge token is unauthorized and the connection is closed",
          "[net][errors]") {
  TestServer server;
  ClientIo io;
  const json hello = GENERATE(json{{"role", "host"}, {"key", "wrong"}},
                              json{{"role", "judge"}, {"token", "0123456789abcdef"}});
  WsClient client(io, server.port());
  const json reply = client.hello(hello);
  CHECK(reply.at("type") == "error");
  CHECK(reply.at("code") == "unauthorized");
  CHECK(client.wait_closed());
}

TEST_CASE("Every request id gets exactly one reply", "[net][errors]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13"}}})
          .at("poll");
  auto phone = server.audience(io);
  phone->drain();
  for (int i = 0; i < 10; ++i) {
    phone->send({{"type", "vote"},
                 {"id", "r" + std::to_string(i)},
                 {"poll", poll},
                 {"choice", i % 2 ? "e13" : "e99"}});
  }
  // The store completes in order: once this request's reply is here, every reply to the ten
  // before it has been queued ahead of it.
  const json sync =
      phone->request({{"type", "vote"}, {"id", "sync"}, {"poll", poll}, {"choice", "e13"}});
  CHECK(sync.at("counted") == false);
  std::map<std::string, int> replies;
  for (const auto& m : phone->drain()) {
    if (m.contains("id")) ++replies[m.at("id").get<std::string>()];
  }
  CHECK(replies.size() == 10);
  for (const auto& [id, count] : replies) CHECK(count == 1);
}
