// Fail-stop (docs/reliability.md): when the database refuses a commit, the server stops
// taking requests, answers that batch and everything queued with `internal`, closes every
// connection with 1011, and stops. Nothing in or after the failed batch is acknowledged or
// shown; a restart on the same file shows exactly what was acknowledged.
//
// The failure comes from the store's seam (StoreOptions::fail_commit): the Nth transaction
// fails before anything of it reaches the file, as a full disk would. The test on a real full
// file system is in tests/reliability (it needs root to mount one).
#include <catch2/catch.hpp>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

struct Phone {
  std::unique_ptr<WsClient> client;
  std::string device;
};

Phone phone(TestServer& server, ClientIo& io, const std::string& device = {}) {
  Phone p{std::make_unique<WsClient>(io, server.port()), device};
  json hello = {{"role", "audience"}};
  if (!device.empty()) hello["device"] = device;
  p.device = p.client->hello(hello).at("device");
  return p;
}

json vote(const std::string& poll, const std::string& choice) {
  return {{"type", "vote"}, {"id", "v1"}, {"poll", poll}, {"choice", choice}};
}

// Once the connection is closed: the reply it got to `id`, if any.
std::optional<json> reply_to(WsClient& client, const std::string& id) {
  for (auto& message : client.drain()) {
    if (message.value("id", "") == id) return message;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("A failed commit stops the server; nothing in or after it is acknowledged or shown",
          "[net][fail-stop]") {
  // Commit 1: the contest's record (a new ledger starts with it); 2-3: start_entry,
  // open_poll; 4-8: five votes one at a time; 9 fails.
  store::StoreOptions failing;
  failing.fail_commit = 9;
  TestServer server({}, nullptr, failing);
  ClientIo io;
  auto host = server.host(io);
  auto display = server.display(io);
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}})
          .at("poll");
  std::vector<Phone> phones;
  for (int i = 0; i < 8; ++i) phones.push_back(phone(server, io));
  for (int i = 0; i < 5; ++i) {
    CHECK(phones[i].client->request(vote(poll, "e13")).at("counted") == true);
  }

  // What the display saw so far is on the file; from here on nothing may be shown.
  await_state(*display, [&](const json& state) {
    return !state.at("poll").is_null() && state.at("poll").at("id") == poll;
  });
  display->drain();

  // These go into the failing transaction or after it.
  // The first fails its commit and the server closes every connection at once: a later send
  // may find its connection already closed, which is as good as unanswered.
  auto send = [](WsClient& client, const json& message) {
    try {
      client.send(message);
    } catch (const std::exception&) {
    }
  };
  for (int i = 5; i < 8; ++i) send(*phones[i].client, vote(poll, "e05"));
  send(*host, {{"type", "cmd"}, {"id", "after"}, {"action", "close_poll"}, {"poll", poll}});

  REQUIRE(server.wait_stopped());
  CHECK_THAT(server.server().failure(), Catch::Contains("full"));

  SECTION("nothing in the failed batch or after it is acked: internal, or closed unanswered") {
    // A request in the failed transaction is answered `internal`; one that reached the server
    // after the stop began may only see the connection close (1011): the phone re-sends it
    // after the restart. None is ever acked.
    int internal = 0;
    for (int i = 5; i < 8; ++i) {
      INFO("phone " << i);
      REQUIRE(phones[i].client->wait_closed());
      CHECK(phones[i].client->close_code() == 1011);
      if (const auto reply = reply_to(*phones[i].client, "v1")) {
        CHECK(reply->at("type") == "error");
        CHECK(reply->at("code") == "internal");
        ++internal;
      }
    }
    CHECK(internal >= 1);
    REQUIRE(host->wait_closed());
    if (const auto reply = reply_to(*host, "after")) CHECK(reply->at("code") == "internal");
  }

  SECTION("every connection is closed with 1011, and no screen saw what the file lacks") {
    for (auto* client : {host.get(), display.get(), phones[0].client.get()}) {
      REQUIRE(client->wait_closed());
      CHECK(client->close_code() == 1011);
    }
    for (const auto& message : display->drain()) {
      if (message.value("type", "") == "tally") CHECK(message.at("total").get<int>() <= 5);
      if (message.value("type", "") == "state") {
        REQUIRE_FALSE(message.at("poll").is_null());  // the close_poll never committed
        CHECK(message.at("poll").at("id") == poll);
      }
    }
  }

  SECTION("a restart replays the file: exactly the acknowledged state, and retries count") {
    server.restart();
    auto again = server.display(io);
    const json tally = again->receive_type("tally");
    CHECK(tally.at("total") == 5);
    CHECK(tally.at("counts").at("e13") == 5);
    CHECK(tally.at("open") == true);
    // A phone whose vote failed sends it again, with the same id: it counts now.
    Phone back = phone(server, io, phones[5].device);
    CHECK(back.client->request(vote(poll, "e05")).at("counted") == true);
    // A phone whose vote was acknowledged is told so again.
    Phone acked = phone(server, io, phones[0].device);
    CHECK(acked.client->request(vote(poll, "e13")).at("counted") == true);
    CHECK(again->receive_type("tally").at("total") == 6);
  }
}
