// Advancement over real sockets: the host plays part of the demo's 初赛, advances its top into
// the 决赛 (a tie at the cut first waits for the host), draws and starts the final; a restart
// keeps the final's line-up.
#include <catch2/catch.hpp>
#include <set>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

using Ids = std::vector<std::string>;

json marks_for(double total) {
  // theme, innovation, art and live out of 30, 30, 25, 15 (the demo's scheme).
  return {{"theme", total - 60}, {"innovation", 25}, {"art", 20}, {"live", 15}};
}

// An entry performs: on stage, the judges score it `total`, locked, revealed.
void perform(WsClient& host, std::map<std::string, std::unique_ptr<WsClient>>& judges,
             const std::string& entry, double total) {
  command(host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", entry}});
  for (auto& [id, judge] : judges) {
    const json ack = judge->request(
        {{"type", "score"}, {"round", "prelim"}, {"entry", entry}, {"marks", marks_for(total)}});
    REQUIRE(ack.at("type") == "ack");
  }
  command(host, {{"action", "lock_scores"},
                 {"round", "prelim"},
                 {"entry", entry},
                 {"override_reason", "not every judge scored in this test"}});
  command(host, {{"action", "reveal"}, {"round", "prelim"}, {"entry", entry}});
}

Ids order_of(const json& state, const std::string& round) {
  for (const auto& r : state.at("rounds")) {
    if (r.at("id") != round) continue;
    Ids order;
    for (const auto& item : r.at("order")) order.push_back(item.at("entry"));
    return order;
  }
  throw std::runtime_error("no round " + round + " in the state");
}

const json kAdvanceTop3 = {
    {"type", "cmd"}, {"action", "advance"}, {"from", "prelim"}, {"to", "final"}, {"count", 3}};

}  // namespace

TEST_CASE("The host advances the top of the 初赛 into the 决赛, draws it and starts it",
          "[net][advance]") {
  TestServer server;
  json resolved;
  Ids drawn;
  json state_before;
  {
    ClientIo io;
    auto host = server.host(io);
    auto display = server.display(io);
    std::map<std::string, std::unique_ptr<WsClient>> judges;
    for (const char* id : {"j2", "j4"}) judges[id] = server.judge(io, id);

    // e13 first, e05 second, e35 and e02 equal third; the other twenty never perform.
    perform(*host, judges, "e13", 90);
    perform(*host, judges, "e05", 85);
    perform(*host, judges, "e35", 80);
    perform(*host, judges, "e02", 80);
    // The hall's vote of the 初赛 is over: its ranks are final, the cut can be made.
    command(*host, {{"action", "close_audience"}, {"round", "prelim"}});

    // The cut of three falls inside the tie: the host is told which entries are tied.
    json tie = kAdvanceTop3;
    tie["id"] = "adv-1";
    const json refused = host->request(tie);
    REQUIRE(refused.at("type") == "error");
    CHECK(refused.at("id") == "adv-1");
    CHECK(refused.at("code") == "tie_at_cut");
    CHECK(refused.at("entries").get<std::set<std::string>>() ==
          std::set<std::string>{"e35", "e02"});
    CHECK(refused.at("message").get<std::string>().find("e35") != std::string::npos);

    // include without a reason is a bad request; with one it goes through.
    json no_reason = kAdvanceTop3;
    no_reason["include"] = {"e02"};
    CHECK(host->request(no_reason).at("code") == "bad_request");
    json resolve = no_reason;
    resolve["reason"] = "评审组复议：e02 现场效果更好";
    resolve["id"] = "adv-2";
    resolved = command(*host, resolve);
    CHECK(resolved.at("advanced") == json{"e13", "e05", "e02"});
    CHECK(resolved.at("order") == json{"e13", "e05", "e02"});

    // Every client's state lists the final's new line-up, nobody on stage yet.
    const json state = await_state(*display, [](const json& s) {
      return order_of(s, "final") == Ids{"e13", "e05", "e02"};
    });
    for (const auto& item : state.at("rounds")[1].at("order")) {
      CHECK(item.at("status") == "pending");
    }
    // The same request re-sent gets the same reply and changes nothing.
    CHECK(host->request(resolve) == resolved);

    // Drawn and started as any round.
    const json draw = command(*host, {{"action", "draw_order"}, {"round", "final"}, {"seed", 7}});
    drawn = draw.at("order").get<Ids>();
    CHECK(std::set<std::string>(drawn.begin(), drawn.end()) ==
          std::set<std::string>{"e13", "e05", "e02"});
    // Too late to advance again: the final is drawn.
    json again = kAdvanceTop3;
    again["count"] = 2;
    CHECK(host->request(again).at("code") == "invalid_state");
    command(*host, {{"action", "show"}, {"scene", "order"}, {"round", "final"}});
    command(*host, {{"action", "start_entry"}, {"round", "final"}, {"entry", drawn[0]}});
    state_before = await_state(*display, [&](const json& s) {
      return s.at("stage").is_object() && s.at("stage").at("round") == "final";
    });
    CHECK(state_before.at("stage").at("entry") == drawn[0]);
    CHECK(state_before.at("stage").at("order") == 1);
    CHECK(order_of(state_before, "final") == drawn);
    // An entry not advanced is not in the final.
    CHECK(
        host->request(
                {{"type", "cmd"}, {"action", "start_entry"}, {"round", "final"}, {"entry", "e35"}})
            .at("code") == "not_found");
  }

  server.restart();
  ClientIo io;
  SECTION("a restart keeps the advanced, drawn final and the reply to the advance") {
    auto display = server.display(io);
    const json state = display->receive_type("state");
    CHECK(order_of(state, "final") == drawn);
    CHECK(state.at("stage") == state_before.at("stage"));
    CHECK(state.at("rounds") == state_before.at("rounds"));
    // The contest as the API gives it lists the final as it is now, not as it was imported.
    const json contest = http_get(server.port(), "/api/contest",
                                  {{"Authorization", std::string("Bearer ") + kHostKey}})
                             .json_body();
    CHECK(contest.at("rounds").at(1).at("id") == "final");
    CHECK(contest.at("rounds").at(1).at("entries") == drawn);
    auto host = server.host(io);
    json resolve = kAdvanceTop3;
    resolve["id"] = "adv-2";
    resolve["include"] = {"e02"};
    resolve["reason"] = "评审组复议：e02 现场效果更好";
    CHECK(host->request(resolve) == resolved);
  }
}
