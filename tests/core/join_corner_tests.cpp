// The join corner (set_join_corner): shown by default, hidden and shown again by the host in
// any state, through the ledger's payload and back, and a malformed action refused.
#include <catch2/catch.hpp>

#include "core/codec.hpp"
#include "core/show.hpp"
#include "support.hpp"

using namespace stagevote::core;
using nlohmann::json;
using stagevote::core::test::fingerprint;
using stagevote::core::test::run;
using stagevote::core::test::small_contest;

TEST_CASE("The join corner is shown until the host hides it, and follows the host", "[show]") {
  Show show(small_contest());
  CHECK(show.join_corner());

  // While a poll is open (when the screens show it) and while none is.
  run(show, {StartEntry{"r1", "e1"}, OpenPoll{"r1", {"e1"}, 0}});
  const auto version = show.version();
  const auto hidden = show.apply(SetJoinCorner{false}, 5000);
  REQUIRE(hidden.ok());
  CHECK(hidden.value().state_changed);
  CHECK_FALSE(show.join_corner());
  CHECK(show.version() == version + 1);
  // Nothing else moves: the poll stays open, the scene stays.
  CHECK(show.open_poll() != nullptr);
  CHECK(show.scene().name == "poll");

  run(show, {ClosePoll{"p1"}, SetJoinCorner{false}}, 6000);  // hiding twice is still hidden
  CHECK_FALSE(show.join_corner());
  run(show, {SetJoinCorner{true}}, 9000);
  CHECK(show.join_corner());
}

TEST_CASE("set_join_corner round-trips through its ledger payload and replays", "[codec]") {
  for (const bool visible : {false, true}) {
    const Command command = SetJoinCorner{visible};
    CHECK(std::string(command_kind(command)) == "set_join_corner");
    const json payload = command_to_json(command);
    CHECK(payload == json{{"visible", visible}});
    CHECK(command_payload(command) == payload.dump());
    const auto parsed = command_from_json("set_join_corner", json::parse(payload.dump()));
    REQUIRE(parsed.ok());
    CHECK(std::get<SetJoinCorner>(parsed.value()).visible == visible);
  }

  // A show restored from the ledger hides the corner as the live one did.
  Show live(small_contest()), restored(small_contest());
  run(live, {StartEntry{"r1", "e1"}, OpenPoll{"r1", {"e1"}, 0}, SetJoinCorner{false}});
  Millis at = 1000;
  for (const Command& command :
       {Command{StartEntry{"r1", "e1"}}, Command{OpenPoll{"r1", {"e1"}, 0}},
        Command{SetJoinCorner{false}}}) {
    const auto line = command_to_json(command).dump();
    const auto read = command_from_json(command_kind(command), json::parse(line));
    REQUIRE(read.ok());
    REQUIRE(restored.apply(read.value(), at).ok());
    at += 1000;
  }
  CHECK_FALSE(restored.join_corner());
  CHECK(fingerprint(restored) == fingerprint(live));
}

TEST_CASE("A malformed set_join_corner is a bad request naming visible", "[codec]") {
  const json payload = GENERATE(json::object(), json{{"visible", "false"}}, json{{"visible", 0}},
                                json{{"visible", nullptr}}, json{{"shown", true}});
  CAPTURE(payload.dump());
  const auto parsed = command_from_json("set_join_corner", payload);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::bad_request);
  CHECK_THAT(parsed.error().message, Catch::Contains("visible"));
}
