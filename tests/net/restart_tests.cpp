// A second start on the same file resumes the show exactly: counts, results, the open poll,
// each phone's ballots. Device tokens survive; forged ones do not.
#include <catch2/catch.hpp>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

TEST_CASE("A restart on the same database resumes the show where it was", "[net][restart]") {
  TestServer server;
  const std::map<std::string, std::string> auth = {
      {"Authorization", std::string("Bearer ") + kHostKey}};
  std::string poll, device, judge_token;
  json results_before, state_before;
  {
    ClientIo io;
    auto host = server.host(io);
    command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    poll =
        command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}})
            .at("poll");
    for (int i = 0; i < 7; ++i) {
      auto phone = std::make_unique<WsClient>(io, server.port());
      const json welcome = phone->hello({{"role", "audience"}});
      if (i == 0) device = welcome.at("device");
      CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", i < 5 ? "e13" : "e05"}})
                .at("counted") == true);
    }
    auto judge = server.judge(io, "j2");
    CHECK(
        judge
            ->request({{"type", "score"},
                       {"round", "prelim"},
                       {"entry", "e13"},
                       {"marks", {{"theme", 25}, {"innovation", 25}, {"art", 20}, {"live", 12.5}}}})
            .at("type") == "ack");
    judge_token = server.judge_token("j2");
    results_before = http_get(server.port(), "/api/rounds/prelim/results", auth).json_body();
    auto display = server.display(io);
    state_before = display->receive_type("state");
  }

  server.restart();
  ClientIo io;

  SECTION("results, the open poll and the judge's token are the same") {
    CHECK(http_get(server.port(), "/api/rounds/prelim/results", auth).json_body() ==
          results_before);
    CHECK(server.judge_token("j2") == judge_token);
    auto display = server.display(io);
    const json state = display->receive_type("state");
    CHECK(state.at("poll") == state_before.at("poll"));
    CHECK(state.at("stage") == state_before.at("stage"));
    CHECK(state.at("rounds") == state_before.at("rounds"));
    const json tally = display->receive_type("tally");
    CHECK(tally.at("poll") == poll);
    CHECK(tally.at("total") == 7);
    CHECK(tally.at("counts").at("e05") == 2);
  }

  SECTION("a phone keeps its identity and its ballot, and cannot vote twice") {
    WsClient phone(io, server.port());
    const json welcome = phone.hello({{"role", "audience"}, {"device", device}});
    CHECK(welcome.at("device") == device);
    CHECK(welcome.at("votes") == json{{poll, "e13"}});
    const json again = phone.request({{"type", "vote"}, {"poll", poll}, {"choice", "e05"}});
    CHECK(again.at("counted") == false);
    CHECK(again.at("choice") == "e13");
  }

  SECTION("a forged device token gets a fresh identity") {
    std::string forged = device;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    WsClient phone(io, server.port());
    const json welcome = phone.hello({{"role", "audience"}, {"device", forged}});
    CHECK(welcome.at("device") != forged);
    CHECK(welcome.at("device") != device);
    CHECK(welcome.at("votes").empty());
    WsClient guessed(io, server.port());
    CHECK(guessed.hello({{"role", "audience"}, {"device", "guess"}}).at("device") != "guess");
  }
}
