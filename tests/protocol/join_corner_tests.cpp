// The join corner on the wire: the host's set_join_corner parses into the core's command (and
// a string for the boolean is refused), and every screen's state says whether it is shown.
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "core/demo.hpp"
#include "core/show.hpp"
#include "protocol/requests.hpp"
#include "protocol/views.hpp"

using namespace stagevote;
using protocol::parse_client_message;

TEST_CASE("The host's set_join_corner parses into its command", "[protocol]") {
  const auto parsed = parse_client_message(
      R"({"type":"cmd","id":"c7","action":"set_join_corner","visible":false})");
  REQUIRE(parsed.ok());
  const auto& cmd = std::get<protocol::CommandRequest>(parsed.value());
  CHECK(std::get<core::SetJoinCorner>(cmd.command).visible == false);

  const std::string bad =
      GENERATE(as<std::string>{}, R"({"type":"cmd","id":"c7","action":"set_join_corner"})",
               R"({"type":"cmd","id":"c7","action":"set_join_corner","visible":"false"})",
               R"({"type":"cmd","id":"c7","action":"set_join_corner","visible":1})");
  CAPTURE(bad);
  const auto refused = parse_client_message(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == core::ErrorCode::bad_request);
}

TEST_CASE("The screens' state says whether the join corner is shown", "[protocol]") {
  core::Show show(core::demo_contest());
  CHECK(protocol::public_state_json(show)["join_corner"] == nlohmann::json{{"visible", true}});
  REQUIRE(show.apply(core::SetJoinCorner{false}, 1000).ok());
  CHECK(protocol::public_state_json(show)["join_corner"] == nlohmann::json{{"visible", false}});
}
