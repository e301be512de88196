// The judges' path and the results: scores, recusal, lock, reveal, and the results API
// checked against numbers worked out by hand from the contract's definitions.
#include <catch2/catch.hpp>

#include "engine/heads.hpp"
#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;
using Catch::Detail::Approx;

namespace {

json marks(double theme, double innovation, double art, double live) {
  return {{"theme", theme}, {"innovation", innovation}, {"art", art}, {"live", live}};
}

json find_entry(const json& entries, const std::string& id) {
  for (const auto& entry : entries) {
    if (entry.at("entry") == id) return entry;
  }
  throw std::runtime_error("no entry " + id);
}

}  // namespace

TEST_CASE("Judges score, the host locks and reveals, and the results follow the rulebook",
          "[net][judging]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto display = server.display(io);
  std::map<std::string, std::unique_ptr<WsClient>> judges;
  for (int i = 1; i <= 9; ++i) {
    const std::string id = "j" + std::to_string(i);
    judges[id] = server.judge(io, id);
  }

  // On stage: e13 (省商务厅, no judge's unit). Audience: 3 votes for e13, 2 for e05.
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  const std::string poll =
      command(*host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}})
          .at("poll");
  for (const char* choice : {"e13", "e13", "e13", "e05", "e05"}) {
    auto phone = server.audience(io);
    CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", choice}}).at("counted") ==
          true);
  }
  command(*host, {{"action", "close_poll"}, {"poll", poll}});

  // Totals 80, 85, 90, 70, 95, 88, 82, 77.25, 91; j1 first sends 60 and then revises.
  const std::map<std::string, json> sheet = {
      {"j1", marks(24, 24, 20, 12)}, {"j2", marks(26, 25, 21, 13)},
      {"j3", marks(27, 27, 22, 14)}, {"j4", marks(21, 21, 17, 11)},
      {"j5", marks(29, 29, 23, 14)}, {"j6", marks(26.5, 26.5, 21.5, 13.5)},
      {"j7", marks(25, 24, 20, 13)}, {"j8", marks(23.25, 23, 19, 12)},
      {"j9", marks(28, 27, 22, 14)},
  };
  const json first = judges["j1"]->request(
      {{"type", "score"}, {"round", "prelim"}, {"entry", "e13"}, {"marks", marks(15, 15, 15, 15)}});
  CHECK(first.at("type") == "ack");
  CHECK(first.at("total") == Approx(60));
  for (const auto& [id, m] : sheet) {
    const json ack = judges[id]->request(
        {{"type", "score"}, {"round", "prelim"}, {"entry", "e13"}, {"marks", m}});
    REQUIRE(ack.at("type") == "ack");
  }

  SECTION("the host's panel shows every judge scored, with totals") {
    const json state = await_state(*host, [](const json& s) {
      bool all_scored = !s.at("host").at("panel").empty();
      for (const auto& row : s.at("host").at("panel")) {
        all_scored = all_scored && row.at("status") == "scored";
      }
      return all_scored;
    });
    CHECK(state.at("host").at("panel").size() == 9);
    for (const auto& row : state.at("host").at("panel")) {
      if (row.at("judge") == "j1") CHECK(row.at("total") == Approx(80));
    }
  }

  SECTION("a recused judge cannot score an entry of their own unit") {
    // j5 is from 省税务局, which performs e05.
    const json refused = judges["j5"]->request(
        {{"type", "score"}, {"round", "prelim"}, {"entry", "e05"}, {"marks", marks(1, 1, 1, 1)}});
    CHECK(refused.at("type") == "error");
    CHECK(refused.at("code") == "recused");
  }

  SECTION("after lock no judge can revise, and the reveal shows the result everywhere") {
    command(*host, {{"action", "lock_scores"}, {"round", "prelim"}, {"entry", "e13"}});
    const json late = judges["j1"]->request({{"type", "score"},
                                             {"round", "prelim"},
                                             {"entry", "e13"},
                                             {"marks", marks(30, 30, 25, 15)}});
    CHECK(late.at("type") == "error");
    CHECK(late.at("code") == "locked");

    auto phone = server.audience(io);
    command(*host, {{"action", "reveal"}, {"round", "prelim"}, {"entry", "e13"}});
    const json state =
        await_state(*display, [](const json& s) { return s.at("scene").at("name") == "reveal"; });
    CHECK(state.at("phase") == "revealed");
    const json& reveal = state.at("reveal");
    CHECK(reveal.at("entry") == "e13");
    CHECK(reveal.at("judge_component") == Approx(84.75));
    CHECK(reveal.at("final") == Approx(86.275));
    CHECK(reveal.at("judge_names").at("j1") == "王建华");
    CHECK(state.at("leaderboard").at("entries").size() == 1);
    CHECK(state.at("leaderboard").at("entries").at(0).at("rank") == 1);
    const json phone_state =
        await_state(*phone, [](const json& s) { return !s.at("reveal").is_null(); });
    CHECK(phone_state.at("reveal").at("entry") == "e13");
    // The head published at the reveal (<db>.heads) is on the screens and the console, short,
    // so that a photo of the screen can be checked with `stagevote verify --head`.
    const auto heads = engine::read_heads(server.db_path());
    REQUIRE(heads.size() == 1);
    CHECK(state.at("ledger").at("head") == engine::short_hash(heads.back().hash));
    CHECK(state.at("ledger").at("seq") == heads.back().seq);
    CHECK_FALSE(phone_state.contains("ledger"));
    const json host_state = await_state(*host, [](const json& s) { return s.contains("ledger"); });
    CHECK(host_state.at("ledger") == state.at("ledger"));

    SECTION("the results API matches the contract's definitions") {
      const auto response = http_get(server.port(), "/api/rounds/prelim/results",
                                     {{"Authorization", std::string("Bearer ") + kHostKey}});
      REQUIRE(response.status == 200);
      CHECK(response.headers.at("content-type") == "application/json");
      const json results = response.json_body();
      CHECK(results.at("round") == "prelim");
      CHECK(results.at("entries").size() == 24);

      const json e13 = find_entry(results.at("entries"), "e13");
      // Nine judges >= trim_min 5: drop the highest (95, j5) and lowest (70, j4) totals;
      // the mean of the other seven is 593.25 / 7 = 84.75.
      CHECK(e13.at("judge_component") == Approx(84.75));
      CHECK(e13.at("judge_scores").size() == 9);
      for (const auto& score : e13.at("judge_scores")) {
        const bool dropped = score.at("judge") == "j4" || score.at("judge") == "j5";
        CHECK(score.at("dropped") == dropped);
        if (score.at("judge") == "j1") CHECK(score.at("total") == Approx(80));  // the revision
        if (score.at("judge") == "j8") CHECK(score.at("total") == Approx(77.25));
      }
      CHECK(e13.at("votes") == 3);
      CHECK(e13.at("audience_component") == Approx(100.0));  // 100 * 3 / 3
      CHECK(e13.at("final") == Approx(0.9 * 84.75 + 0.1 * 100.0));
      CHECK(e13.at("rank") == 1);
      CHECK(e13.at("plain_mean") == Approx(758.25 / 9));

      const json e05 = find_entry(results.at("entries"), "e05");
      CHECK(e05.at("judge_component").is_null());
      CHECK(e05.at("votes") == 2);
      CHECK(e05.at("audience_component") == Approx(100.0 * 2 / 3));
      CHECK(e05.at("final") == Approx(0.1 * 100.0 * 2 / 3));
      CHECK(e05.at("rank") == 2);

      // Everyone else: no scores, no votes, final 0, one shared rank.
      const json e02 = find_entry(results.at("entries"), "e02");
      CHECK(e02.at("final") == Approx(0));
      CHECK(e02.at("rank") == 3);
      CHECK(find_entry(results.at("entries"), "e20").at("rank") == 3);

      SECTION("the host's results command says the same") {
        const json ack = command(*host, {{"action", "results"}, {"round", "prelim"}});
        CHECK(ack.at("results") == results);
      }
    }
  }
}

TEST_CASE("A judge's state lists their entries with their own marks", "[net][judging]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto judge = server.judge(io, "j5");
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  CHECK(judge
            ->request({{"type", "score"},
                       {"round", "prelim"},
                       {"entry", "e13"},
                       {"marks", marks(20, 20, 20, 10)}})
            .at("total") == Approx(70));
  auto e13_of = [](const json& state) {
    for (const auto& e : state.at("judge").at("entries")) {
      if (e.at("round") == "prelim" && e.at("entry") == "e13") return e;
    }
    return json();
  };
  const json state = await_state(
      *judge, [&](const json& s) { return e13_of(s).value("status", "") == "submitted"; });
  CHECK(state.at("judge").at("id") == "j5");
  const json mine = e13_of(state);
  CHECK(mine.at("status") == "submitted");
  CHECK(mine.at("marks").at("art") == Approx(20));
  // e35 has not been on stage yet.
  const json refused = judge->request(
      {{"type", "score"}, {"round", "prelim"}, {"entry", "e35"}, {"marks", marks(1, 1, 1, 1)}});
  CHECK(refused.at("code") == "invalid_state");
}
