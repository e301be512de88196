#include <catch2/catch.hpp>

#include "flat_json.hpp"

using stagevote::bench::scan_top_level;

TEST_CASE("A vote ack is read field by field whatever the key order") {
  const auto ack =
      scan_top_level(R"({"choice":"e07","counted":true,"id":"v12","poll":"p3","type":"ack"})");
  CHECK(ack.valid);
  CHECK(ack.type == "ack");
  CHECK(ack.id == "v12");
  CHECK(ack.poll == "p3");
  CHECK(ack.choice == "e07");
  CHECK(ack.counted == "true");

  const auto duplicate = scan_top_level(R"({ "type" : "ack", "id" : "v3", "counted" : false })");
  CHECK(duplicate.valid);
  CHECK(duplicate.counted == "false");
}

TEST_CASE("Nested objects are skipped, so their keys never pass for top-level ones") {
  const auto state =
      scan_top_level(R"({"type":"state","poll":{"id":"p9","entries":["e1","e2"]},)"
                     R"("rounds":[{"id":"r1","order":[{"entry":"e1","type":"x"}]}],"version":3})");
  CHECK(state.valid);
  CHECK(state.type == "state");
  CHECK(state.id.empty());
  CHECK(state.poll == R"({"id":"p9","entries":["e1","e2"]})");
}

TEST_CASE("Strings with escaped quotes and braces do not end a value early") {
  const auto error = scan_top_level(
      R"({"type":"error","id":"v5","code":"poll_closed","message":"poll \"p3\" is {closed}"})");
  CHECK(error.valid);
  CHECK(error.code == "poll_closed");
  CHECK(error.id == "v5");
}

TEST_CASE("The device token is picked out of a welcome") {
  const auto welcome = scan_top_level(
      R"({"type":"welcome","role":"audience","device":"Qm9x.8f1c","votes":{"p1":"e03"},)"
      R"("contest":{"entries":[{"id":"e01","device":"no"}]}})");
  CHECK(welcome.device == "Qm9x.8f1c");
  CHECK(welcome.type == "welcome");
}

TEST_CASE("Text that is not a whole JSON object is reported as invalid") {
  const auto text = GENERATE(as<std::string>{}, "", "[1,2]", R"({"type":"ack")",
                             R"({"type":"ack",})", "not json", R"({"type":"ack","id":"v1)");
  CAPTURE(text);
  CHECK_FALSE(scan_top_level(text).valid);
}
