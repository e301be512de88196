// The audience's path: a host opens a poll, phones vote at once, duplicates and races count
// once, the screens receive coalesced tallies.
#include <catch2/catch.hpp>
#include <set>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

std::vector<json> of_type(const std::deque<json>& messages, const std::string& type) {
  std::vector<json> out;
  for (const auto& m : messages) {
    if (m.value("type", "") == type) out.push_back(m);
  }
  return out;
}

}  // namespace

TEST_CASE(
    "Two hundred phones voting at once are each counted once, and the display sees "
    "coalesced tallies",
    "[net][voting]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto display = server.display(io);

  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  const json opened =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}});
  const std::string poll = opened.at("poll");
  CHECK(poll == "p1");

  // Phones learn about the poll from the state that follows a welcome.
  constexpr int kPhones = 200;
  std::vector<std::unique_ptr<WsClient>> phones;
  std::vector<std::string> devices;
  for (int i = 0; i < kPhones; ++i) {
    auto phone = std::make_unique<WsClient>(io, server.port());
    const json welcome = phone->hello({{"role", "audience"}});
    REQUIRE(welcome.at("type") == "welcome");
    devices.push_back(welcome.at("device"));
    const json state = phone->receive_type("state");
    REQUIRE(state.at("poll").at("id") == poll);
    phones.push_back(std::move(phone));
  }
  CHECK(std::set<std::string>(devices.begin(), devices.end()).size() == kPhones);
  display->drain();

  SECTION("every phone's vote is acknowledged as counted, and the tallies add up") {
    const auto started = std::chrono::steady_clock::now();
    // Send every vote before reading any ack: 200 votes in flight at once.
    for (int i = 0; i < kPhones; ++i) {
      phones[i]->send(
          {{"type", "vote"}, {"id", "v1"}, {"poll", poll}, {"choice", i % 4 == 0 ? "e05" : "e13"}});
    }
    for (int i = 0; i < kPhones; ++i) {
      const json ack = phones[i]->receive_type("ack", 20s);
      CHECK(ack.at("id") == "v1");
      CHECK(ack.at("counted") == true);
      CHECK(ack.at("choice") == (i % 4 == 0 ? "e05" : "e13"));
    }

    // The display hears the final count within a few ticks.
    json last;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      last = display->receive_type("tally");
      if (last.at("total") == kPhones) break;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(last.at("poll") == poll);
    CHECK(last.at("total") == kPhones);
    CHECK(last.at("counts").at("e05") == kPhones / 4);
    CHECK(last.at("counts").at("e13") == kPhones - kPhones / 4);
    CHECK(last.at("open") == true);

    SECTION("no tally is sent while the count stays the same") {
      std::this_thread::sleep_for(300ms);  // no more tallies once nothing changes
      const auto later = of_type(display->drain(), "tally");
      CHECK(later.empty());
    }
    INFO("seconds of voting: " << seconds);

    SECTION("re-sending a vote and voting again from another connection count nothing") {
      // The same request again (same id): its first reply, and nothing new is counted.
      const json again =
          phones[1]->request({{"type", "vote"}, {"id", "v1"}, {"poll", poll}, {"choice", "e13"}});
      CHECK(again.at("type") == "ack");
      CHECK(again.at("counted") == true);
      CHECK(again.at("choice") == "e13");
      // A new request from the same device: not counted, and told its first choice.
      const json another =
          phones[1]->request({{"type", "vote"}, {"id", "v2"}, {"poll", poll}, {"choice", "e05"}});
      CHECK(another.at("counted") == false);
      CHECK(another.at("choice") == "e13");
      // The same device on a second connection changing its mind: the first ballot stands.
      auto second = server.audience(io, devices[1]);
      const json changed = second->request({{"type", "vote"}, {"poll", poll}, {"choice", "e05"}});
      CHECK(changed.at("counted") == false);
      CHECK(changed.at("choice") == "e13");

      const json closed = command(*host, {{"action", "close_poll"}, {"poll", poll}});
      CHECK(closed.at("type") == "ack");
      // The display hears of the close twice, in either order: the state and the poll's final
      // tally (sent with it, unless a tick got there first).
      json final_tally, state;
      const auto close_deadline = std::chrono::steady_clock::now() + 5s;
      while (final_tally.is_null() || state.is_null()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            close_deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        const auto message = display->receive(left);
        if (!message) break;
        const std::string type = message->value("type", "");
        if (type == "tally" && final_tally.is_null()) final_tally = *message;
        if (type == "state" && state.is_null() && message->at("poll").is_null()) state = *message;
      }
      REQUIRE_FALSE(final_tally.is_null());
      CHECK(final_tally.at("open") == false);
      CHECK(final_tally.at("total") == kPhones);
      REQUIRE_FALSE(state.is_null());
      CHECK(state.at("last_poll").at("id") == poll);
      CHECK(state.at("last_poll").at("total") == kPhones);
    }
  }

  SECTION("the same device racing on two connections is counted once") {
    constexpr int kRaces = 20;
    std::vector<std::unique_ptr<WsClient>> twins;
    for (int i = 0; i < kRaces; ++i) twins.push_back(server.audience(io, devices[i]));
    for (int i = 0; i < kRaces; ++i) {
      phones[i]->send({{"type", "vote"}, {"id", "a"}, {"poll", poll}, {"choice", "e13"}});
      twins[i]->send({{"type", "vote"}, {"id", "b"}, {"poll", poll}, {"choice", "e05"}});
    }
    for (int i = 0; i < kRaces; ++i) {
      const json a = phones[i]->receive_type("ack");
      const json b = twins[i]->receive_type("ack");
      // Exactly one of the two counted, and both report the ballot that stands.
      CHECK(a.at("counted") != b.at("counted"));
      CHECK(a.at("choice") == b.at("choice"));
    }
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    json tally;
    while (std::chrono::steady_clock::now() < deadline) {
      tally = display->receive_type("tally");
      if (tally.at("total") == kRaces) break;
    }
    CHECK(tally.at("total") == kRaces);
    const auto results = http_get(server.port(), "/api/rounds/prelim/results",
                                  {{"Authorization", std::string("Bearer ") + kHostKey}});
    long votes = 0;
    const json body = results.json_body();  // kept alive for the loop
    for (const auto& entry : body.at("entries")) votes += entry.at("votes").get<long>();
    CHECK(votes == kRaces);
  }
}

TEST_CASE("Tallies reach the display at most ten times a second while votes stream in",
          "[net][voting]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto display = server.display(io);
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13"}}})
          .at("poll");
  std::vector<std::unique_ptr<WsClient>> phones;
  for (int i = 0; i < 60; ++i) phones.push_back(server.audience(io));
  display->drain();

  // One vote every 10 ms for 1.2 s: a hundred changes the display must not all receive.
  const auto started = std::chrono::steady_clock::now();
  for (auto& phone : phones) {
    phone->send({{"type", "vote"}, {"id", "v"}, {"poll", poll}, {"choice", "e13"}});
    std::this_thread::sleep_for(20ms);
  }
  for (auto& phone : phones) CHECK(phone->receive_type("ack").at("counted") == true);
  std::this_thread::sleep_for(300ms);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto tallies = of_type(display->drain(), "tally");
  REQUIRE_FALSE(tallies.empty());
  CHECK(tallies.back().at("total") == 60);
  CHECK(tallies.size() <= static_cast<std::size_t>(seconds * 10) + 1);
  CHECK(tallies.size() < 60);
  // Every tally carries a new count.
  for (std::size_t i = 1; i < tallies.size(); ++i) {
    CHECK(tallies[i].at("total") > tallies[i - 1].at("total"));
  }
}
