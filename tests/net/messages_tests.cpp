#include <catch2/catch.hpp>

#include "net/messages.hpp"

using namespace stagevote;
using net::parse_client_message;

TEST_CASE("Malformed client messages are typed bad_request errors", "[messages]") {
  const std::string text = GENERATE(
      as<std::string>{}, "", "not json", "{", "[]", "42", "\"hello\"", R"({})", R"({"type":5})",
      R"({"type":"shout"})", R"({"type":"hello"})", R"({"type":"hello","role":"king"})",
      R"({"type":"hello","role":"judge"})", R"({"type":"hello","role":"judge","token":7})",
      R"({"type":"hello","role":"host"})", R"({"type":"vote","id":"v1","poll":"p1"})",
      R"({"type":"vote","id":"v1","poll":5,"choice":"e01"})",
      R"({"type":"vote","id":"v1","poll":"","choice":"e01"})",
      R"({"type":"vote","id":7,"poll":"p1","choice":"e01"})",
      R"({"type":"score","id":"s1","round":"prelim","entry":"e01"})",
      R"({"type":"score","id":"s1","round":"prelim","entry":"e01","marks":[1,2]})",
      R"({"type":"score","id":"s1","round":"prelim","entry":"e01","marks":{"theme":"high"}})",
      R"({"type":"cmd","id":"c1"})", R"({"type":"cmd","id":"c1","action":"dance"})",
      R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim"})",
      R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":[]})",
      R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":[1]})",
      R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":["e01"],"duration_s":-1})",
      R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":["e01"],"duration_s":"9"})",
      R"({"type":"cmd","id":"c1","action":"start_entry","round":"prelim"})",
      R"({"type":"cmd","id":"c1","action":"show"})",
      R"({"type":"cmd","id":"c1","action":"show","scene":"message","text":5})",
      R"({"type":"cmd","id":"c1","action":"draw_order","round":"prelim","seed":-3})",
      R"({"type":"cmd","id":"c1","action":"unlock_scores","round":"prelim","entry":"e01"})");
  CAPTURE(text);
  const auto parsed = parse_client_message(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == core::ErrorCode::bad_request);
  CHECK_FALSE(parsed.error().message.empty());
}

TEST_CASE("An over-long id is refused", "[messages]") {
  const std::string id(net::kMaxIdLength + 1, 'x');
  const auto parsed = parse_client_message(R"({"type":"ping","id":")" + id + R"("})");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == core::ErrorCode::bad_request);
  CHECK_FALSE(net::salvage_request_id(R"({"type":"ping","id":")" + id + R"("})").has_value());
}

TEST_CASE("Well-formed client messages parse into typed requests", "[messages]") {
  SECTION("an audience hello keeps a device hint, even a malformed one, as a hint") {
    auto parsed = parse_client_message(R"({"type":"hello","role":"audience","device":"abc"})");
    REQUIRE(parsed.ok());
    const auto& hello = std::get<net::HelloRequest>(parsed.value());
    CHECK(hello.role == engine::Role::audience);
    CHECK(hello.device == "abc");
    auto odd = parse_client_message(R"({"type":"hello","role":"audience","device":17})");
    REQUIRE(odd.ok());
    CHECK(std::get<net::HelloRequest>(odd.value()).device.empty());
  }
  SECTION("a vote") {
    auto parsed = parse_client_message(R"({"type":"vote","id":"v1","poll":"p1","choice":"e07"})");
    REQUIRE(parsed.ok());
    const auto& vote = std::get<net::VoteRequest>(parsed.value());
    CHECK(vote.id == "v1");
    CHECK(vote.poll == "p1");
    CHECK(vote.choice == "e07");
  }
  SECTION("a score with marks") {
    auto parsed = parse_client_message(
        R"({"type":"score","id":"s1","round":"prelim","entry":"e07","marks":{"theme":27.5,"art":20}})");
    REQUIRE(parsed.ok());
    const auto& score = std::get<net::ScoreRequest>(parsed.value());
    CHECK(score.marks.at("theme") == 27.5);
    CHECK(score.marks.at("art") == 20);
  }
  SECTION("open_poll with a duration in seconds") {
    auto parsed = parse_client_message(
        R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":["e01","e02"],"duration_s":1.5})");
    REQUIRE(parsed.ok());
    const auto& cmd = std::get<net::CommandRequest>(parsed.value());
    const auto& open = std::get<core::OpenPoll>(cmd.command);
    CHECK(open.entries == std::vector<std::string>{"e01", "e02"});
    CHECK(open.duration_ms == 1500);
  }
  SECTION("show takes its parameters from the other fields") {
    auto parsed = parse_client_message(
        R"({"type":"cmd","id":"c1","action":"show","scene":"message","text":"休息十分钟"})");
    REQUIRE(parsed.ok());
    const auto& show =
        std::get<core::ShowScene>(std::get<net::CommandRequest>(parsed.value()).command);
    CHECK(show.scene == "message");
    CHECK(show.params.at("text") == "休息十分钟");
  }
  SECTION("draw_order without a seed asks the server for one") {
    auto parsed =
        parse_client_message(R"({"type":"cmd","id":"c1","action":"draw_order","round":"final"})");
    REQUIRE(parsed.ok());
    CHECK(std::get<net::CommandRequest>(parsed.value()).random_seed);
  }
  SECTION("results is a read-only request") {
    auto parsed =
        parse_client_message(R"({"type":"cmd","id":"c1","action":"results","round":"prelim"})");
    REQUIRE(parsed.ok());
    CHECK(std::get<net::ResultsRequest>(parsed.value()).round == "prelim");
  }
  SECTION("the id of a broken request can still be answered") {
    CHECK(net::salvage_request_id(R"({"type":"vote","id":"v9","poll":5})") == "v9");
    CHECK_FALSE(net::salvage_request_id("garbage").has_value());
  }
}
