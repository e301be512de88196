// Exactly-once requests (docs/protocol.md): a request re-sent with an id its actor already
// used, on the same connection, after a reconnect or after a restart, gets its first reply
// again and changes nothing.
#include <catch2/catch.hpp>

#include "store/sqlite.hpp"
#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

enum class Retry { same_connection, reconnect, restart };

const char* to_string(Retry retry) {
  switch (retry) {
    case Retry::same_connection:
      return "on the same connection";
    case Retry::reconnect:
      return "after a reconnect";
    case Retry::restart:
      return "after a restart";
  }
  return "?";
}

// Ledger records of one kind in the file (read beside the running server: WAL).
std::int64_t records(const TestServer& server, const std::string& kind) {
  store::sqlite::Connection db(server.db_path(), store::sqlite::Connection::Mode::read_only);
  return db.query_int("SELECT count(*) FROM ledger WHERE kind = '" + kind + "'");
}

json marks(double theme) {
  return {{"theme", theme}, {"innovation", 20}, {"art", 20}, {"live", 10}};
}

// A show with one host, one judge (j2) and one phone, whose connections `retry` re-makes.
class Retrying {
 public:
  explicit Retrying(Retry retry) : retry_(retry) { connect(); }

  TestServer server;
  ClientIo io;
  std::unique_ptr<WsClient> host, judge, phone;
  std::string device;

  // Sends `message`, then re-sends it as `retry_` says; requires the same reply both times.
  json twice(std::unique_ptr<WsClient>& client, const json& message) {
    const json first = client->request(message);
    INFO(first.dump());
    REQUIRE(first.at("type") == "ack");
    if (retry_ == Retry::restart) server.restart();
    if (retry_ != Retry::same_connection) connect();
    const json second = client->request(message);
    CHECK(second == first);
    return first;
  }

 private:
  void connect() {
    host = server.host(io);
    judge = server.judge(io, "j2");
    // The phone keeps its device token, as the page does in localStorage.
    phone = std::make_unique<WsClient>(io, server.port());
    json hello = {{"role", "audience"}};
    if (!device.empty()) hello["device"] = device;
    device = phone->hello(hello).at("device");
  }

  Retry retry_;
};

}  // namespace

TEST_CASE("A re-sent request gets its first reply and changes nothing", "[net][exactly-once]") {
  const Retry retry = GENERATE(Retry::same_connection, Retry::reconnect, Retry::restart);
  CAPTURE(to_string(retry));
  Retrying show(retry);
  auto cmd = [](json fields, const std::string& id) {
    fields["type"] = "cmd";
    fields["id"] = id;
    return fields;
  };

  SECTION("draw_order without a seed draws once: the same order and seed again") {
    const json ack =
        show.twice(show.host, cmd({{"action", "draw_order"}, {"round", "final"}}, "d1"));
    CHECK(ack.contains("seed"));
    CHECK(records(show.server, "draw_order") == 1);
  }

  SECTION("open_poll opens one poll, and the retry is told its id, not invalid_state") {
    show.host->request(
        cmd({{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}}, "c1"));
    const json ack = show.twice(
        show.host,
        cmd({{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}}, "c2"));
    CHECK(ack.at("poll") == "p1");
    CHECK(records(show.server, "open_poll") == 1);
  }

  SECTION("a judge's score is one revision") {
    show.host->request(
        cmd({{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}}, "c1"));
    const json score = {{"type", "score"},
                        {"id", "s1"},
                        {"round", "prelim"},
                        {"entry", "e13"},
                        {"marks", marks(25)}};
    const json ack = show.twice(show.judge, score);
    CHECK(ack.at("total") == 75);
    CHECK(records(show.server, "score") == 1);
  }

  SECTION("a correction after lock is made once") {
    show.host->request(
        cmd({{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}}, "c1"));
    show.judge->request(
        {{"type", "score"}, {"round", "prelim"}, {"entry", "e13"}, {"marks", marks(25)}});
    show.host->request(cmd({{"action", "lock_scores"},
                            {"round", "prelim"},
                            {"entry", "e13"},
                            {"override_reason", "not every judge scored in this test"}},
                           "c2"));
    show.twice(show.host, cmd({{"action", "correct_score"},
                               {"judge", "j2"},
                               {"round", "prelim"},
                               {"entry", "e13"},
                               {"marks", marks(27)},
                               {"reason", "typed 25 for 27"}},
                              "c3"));
    CHECK(records(show.server, "correct_score") == 1);
  }

  SECTION("a vote is counted once, and its retry is told it was counted") {
    show.host->request(
        cmd({{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}}, "c1"));
    const std::string poll =
        show.host
            ->request(cmd(
                {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}}, "c2"))
            .at("poll");
    const json ack =
        show.twice(show.phone, {{"type", "vote"}, {"id", "v1"}, {"poll", poll}, {"choice", "e05"}});
    CHECK(ack.at("counted") == true);
    CHECK(records(show.server, "vote") == 1);
    // A new request from the device is a second ballot: not counted.
    const json another =
        show.phone->request({{"type", "vote"}, {"id", "v2"}, {"poll", poll}, {"choice", "e13"}});
    CHECK(another.at("counted") == false);
    CHECK(another.at("choice") == "e05");
    // The retry stands even once the poll has closed.
    show.host->request(cmd({{"action", "close_poll"}, {"poll", poll}}, "c3"));
    CHECK(show.phone->request(
              {{"type", "vote"}, {"id", "v1"}, {"poll", poll}, {"choice", "e05"}}) == ack);
  }

  SECTION("a refused request is refused again, and a different actor's id is its own") {
    const json reveal = cmd({{"action", "reveal"}, {"round", "prelim"}, {"entry", "e13"}}, "r1");
    const json refused = show.host->request(reveal);
    CHECK(refused.at("code") == "invalid_state");
    CHECK(show.host->request(reveal) == refused);
    // The judge's "r1" is not the host's.
    show.host->request(
        cmd({{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}}, "c1"));
    const json score = show.judge->request({{"type", "score"},
                                            {"id", "r1"},
                                            {"round", "prelim"},
                                            {"entry", "e13"},
                                            {"marks", marks(25)}});
    CHECK(score.at("type") == "ack");
  }
}
