// Issue 15 on a real server: rating polls (phones rate 1..10, the reveal that follows is final,
// a restart keeps every rating) and the relative mode's close_audience (results say
// "provisional" until the host closes the round's audience vote).
#include <catch2/catch.hpp>

#include "core/demo.hpp"
#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

const std::map<std::string, std::string> kAuth = {
    {"Authorization", std::string("Bearer ") + kHostKey}};

core::Contest rating_contest() {
  core::Contest contest = core::demo_contest();
  contest.scoring.audience_mode = core::AudienceMode::rating;
  contest.scoring.min_ratings = 3;
  for (auto& judge : contest.judges) judge.token = "judge-token-for-" + judge.id + "-0123456789";
  return contest;
}

json entry_result(unsigned short port, const std::string& round, const std::string& entry) {
  const json results = http_get(port, "/api/rounds/" + round + "/results", kAuth).json_body();
  for (const auto& item : results.at("entries")) {
    if (item.at("entry") == entry) return item;
  }
  throw std::runtime_error("no result for " + entry);
}

void score(WsClient& judge, const std::string& round, const std::string& entry, double theme) {
  const json ack =
      judge.request({{"type", "score"},
                     {"round", round},
                     {"entry", entry},
                     {"marks", {{"theme", theme}, {"innovation", 25}, {"art", 20}, {"live", 12}}}});
  REQUIRE(ack.at("type") == "ack");
}

}  // namespace

TEST_CASE("Rating mode: phones rate an entry, the reveal is final, a restart keeps the ratings",
          "[net][audience]") {
  TestServer server(rating_contest());
  std::string poll, first_device;
  json revealed;
  {
    ClientIo io;
    auto host = server.host(io);
    command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    // A choice poll does not belong to a rating contest.
    json refused = host->request(
        {{"type", "cmd"}, {"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13"}}});
    CHECK(refused.at("code") == "invalid_state");
    poll = command(*host, {{"action", "open_poll"},
                           {"round", "prelim"},
                           {"entries", {"e13"}},
                           {"kind", "rating"}})
               .at("poll");

    auto display = server.display(io);
    const json state =
        await_state(*display, [&](const json& s) { return !s.at("poll").is_null(); });
    CHECK(state.at("poll").at("kind") == "rating");
    CHECK(state.at("poll").at("entries") == json{"e13"});

    const int ratings[] = {7, 8, 9, 10};
    for (int i = 0; i < 4; ++i) {
      auto phone = server.audience(io);
      if (i == 0) {
        // Bad ratings: an error, nothing counted.
        for (const json& bad : {json(0), json(11), json(7.5), json("8"), json(nullptr)}) {
          const json error = phone->request({{"type", "vote"}, {"poll", poll}, {"rating", bad}});
          CHECK(error.at("type") == "error");
          CHECK(error.at("code") == "bad_request");
        }
        const json choice = phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}});
        CHECK(choice.at("code") == "bad_request");
      }
      const json ack = phone->request({{"type", "vote"}, {"poll", poll}, {"rating", ratings[i]}});
      REQUIRE(ack.at("type") == "ack");
      CHECK(ack.at("counted") == true);
      CHECK(ack.at("rating") == ratings[i]);
      CHECK(ack.at("choice") == "e13");
      if (i == 0) {
        // Once per voter: the first rating stands.
        const json again = phone->request({{"type", "vote"}, {"poll", poll}, {"rating", 2}});
        CHECK(again.at("counted") == false);
        CHECK(again.at("rating") == 7);
      }
    }
    CHECK(entry_result(server.port(), "prelim", "e13").at("provisional") == true);

    auto judge = server.judge(io, "j2");
    score(*judge, "prelim", "e13", 28);  // total 85
    // The reveal waits for the rating poll.
    refused = host->request(
        {{"type", "cmd"}, {"action", "reveal"}, {"round", "prelim"}, {"entry", "e13"}});
    CHECK(refused.at("code") == "invalid_state");
    command(*host, {{"action", "close_poll"}, {"poll", poll}});
    command(*host, {{"action", "lock_scores"},
                    {"round", "prelim"},
                    {"entry", "e13"},
                    {"override_reason", "not every judge scored in this test"}});
    command(*host, {{"action", "reveal"}, {"round", "prelim"}, {"entry", "e13"}});

    const json shown =
        await_state(*display, [](const json& s) { return !s.at("reveal").is_null(); });
    revealed = shown.at("reveal");
    CHECK(revealed.at("provisional") == false);
    CHECK(revealed.at("ratings") == 4);
    CHECK(revealed.at("too_few_ratings") == false);
    CHECK(revealed.at("mean_rating") == Approx(8.5));
    CHECK(revealed.at("audience_component") == Approx(85.0));
    // 0.9 * 85 + 0.1 * 85
    CHECK(revealed.at("published").at("final") == "85.00");

    // The next entry plays; the revealed figure does not move and gets no new poll.
    command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e05"}});
    refused = host->request({{"type", "cmd"},
                             {"action", "open_poll"},
                             {"round", "prelim"},
                             {"entries", {"e13"}},
                             {"kind", "rating"}});
    CHECK(refused.at("code") == "invalid_state");
    const std::string next = command(*host, {{"action", "open_poll"},
                                             {"round", "prelim"},
                                             {"entries", {"e05"}},
                                             {"kind", "rating"}})
                                 .at("poll");
    auto phone = server.audience(io);
    first_device = phone->hello({{"role", "audience"}}).value("device", "");
    CHECK(phone->request({{"type", "vote"}, {"poll", next}, {"rating", 3}}).at("counted") == true);
    command(*host, {{"action", "close_poll"}, {"poll", next}});
    const json e05 = entry_result(server.port(), "prelim", "e05");
    CHECK(e05.at("too_few_ratings") == true);  // 1 rating, 3 needed
    CHECK(e05.at("audience_component") == 0.0);
    const json e13 = entry_result(server.port(), "prelim", "e13");
    CHECK(e13.at("published") == revealed.at("published"));
  }
  const json before = http_get(server.port(), "/api/rounds/prelim/results", kAuth).json_body();

  server.restart();
  CHECK(http_get(server.port(), "/api/rounds/prelim/results", kAuth).json_body() == before);
  const json e13 = entry_result(server.port(), "prelim", "e13");
  CHECK(e13.at("ratings") == 4);
  CHECK(e13.at("published") == revealed.at("published"));
  CHECK(e13.at("provisional") == false);
}

TEST_CASE("A phone's rating survives a restart: its welcome says it, a re-vote keeps it",
          "[net][audience][restart]") {
  TestServer server(rating_contest());
  std::string poll, device;
  {
    ClientIo io;
    auto host = server.host(io);
    command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    poll = command(*host, {{"action", "open_poll"},
                           {"round", "prelim"},
                           {"entries", {"e13"}},
                           {"kind", "rating"}})
               .at("poll");
    WsClient phone(io, server.port());
    device = phone.hello({{"role", "audience"}}).at("device");
    CHECK(phone.request({{"type", "vote"}, {"poll", poll}, {"rating", 6}}).at("counted") == true);
  }
  server.restart();
  ClientIo io;
  WsClient phone(io, server.port());
  const json welcome = phone.hello({{"role", "audience"}, {"device", device}});
  CHECK(welcome.at("ratings") == json{{poll, 6}});
  CHECK(welcome.at("votes") == json{{poll, "e13"}});
  const json again = phone.request({{"type", "vote"}, {"poll", poll}, {"rating", 9}});
  CHECK(again.at("counted") == false);
  CHECK(again.at("rating") == 6);
}

TEST_CASE("Relative mode: results are provisional until the host closes the audience vote",
          "[net][audience]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto display = server.display(io);
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}})
          .at("poll");
  auto phone = server.audience(io);
  CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
        true);
  json refused =
      host->request({{"type", "cmd"}, {"action", "close_audience"}, {"round", "prelim"}});
  CHECK(refused.at("code") == "invalid_state");  // the poll is open
  command(*host, {{"action", "close_poll"}, {"poll", poll}});
  auto judge = server.judge(io, "j2");
  score(*judge, "prelim", "e13", 28);
  command(*host, {{"action", "lock_scores"},
                  {"round", "prelim"},
                  {"entry", "e13"},
                  {"override_reason", "not every judge scored in this test"}});
  command(*host, {{"action", "reveal"}, {"round", "prelim"}, {"entry", "e13"}});
  json state = await_state(*display, [](const json& s) { return !s.at("reveal").is_null(); });
  CHECK(state.at("reveal").at("provisional") == true);
  CHECK(state.at("rounds").at(0).at("audience_closed") == false);
  CHECK(entry_result(server.port(), "prelim", "e13").at("provisional") == true);

  command(*host, {{"action", "close_audience"}, {"round", "prelim"}});
  state = await_state(*display, [](const json& s) {
    return !s.at("reveal").is_null() && s.at("reveal").at("provisional") == false;
  });
  CHECK(state.at("rounds").at(0).at("audience_closed") == true);
  CHECK(entry_result(server.port(), "prelim", "e13").at("provisional") == false);
  CHECK(entry_result(server.port(), "prelim", "e05").at("provisional") == false);

  refused = host->request({{"type", "cmd"}, {"action", "close_audience"}, {"round", "prelim"}});
  CHECK(refused.at("code") == "invalid_state");
  refused = host->request(
      {{"type", "cmd"}, {"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e05"}}});
  CHECK(refused.at("code") == "invalid_state");

  // The close is ledgered: a restart keeps it.
  server.restart();
  CHECK(entry_result(server.port(), "prelim", "e13").at("provisional") == false);
}
