#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <variant>

#include "protocol/replies.hpp"
#include "protocol/requests.hpp"

using namespace stagevote;
using protocol::parse_client_message;

TEST_CASE("Malformed client messages are typed bad_request errors", "[protocol]") {
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
      R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":["e01"],"duration_ms":-1})",
      R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":["e01"],"duration_ms":"9"})",
      R"({"type":"cmd","id":"c1","action":"start_entry","round":"prelim"})",
      R"({"type":"cmd","id":"c1","action":"show"})",
      R"({"type":"cmd","id":"c1","action":"show","scene":"message","text":{}})",
      R"({"type":"cmd","id":"c1","action":"draw_order","round":"prelim","seed":-3})",
      R"({"type":"cmd","id":"c1","action":"vote","poll":"p1","choice":"e01","device":"d"})");
  CAPTURE(text);
  const auto parsed = parse_client_message(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == core::ErrorCode::bad_request);
  CHECK_FALSE(parsed.error().message.empty());
}

TEST_CASE("An over-long id is refused", "[protocol]") {
  const std::string id(protocol::kMaxIdLength + 1, 'x');
  const auto parsed = parse_client_message(R"({"type":"ping","id":")" + id + R"("})");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == core::ErrorCode::bad_request);
  CHECK_FALSE(protocol::salvage_request_id(R"({"type":"ping","id":")" + id + R"("})").has_value());
}

TEST_CASE("Well-formed client messages parse into typed requests", "[protocol]") {
  SECTION("an audience hello keeps a device hint, even a malformed one, as a hint") {
    auto parsed = parse_client_message(R"({"type":"hello","role":"audience","device":"abc"})");
    REQUIRE(parsed.ok());
    const auto& hello = std::get<protocol::HelloRequest>(parsed.value());
    CHECK(hello.role == protocol::Role::audience);
    CHECK(hello.device == "abc");
    auto odd = parse_client_message(R"({"type":"hello","role":"audience","device":17})");
    REQUIRE(odd.ok());
    CHECK(std::get<protocol::HelloRequest>(odd.value()).device.empty());
  }
  SECTION("a vote") {
    auto parsed = parse_client_message(R"({"type":"vote","id":"v1","poll":"p1","choice":"e07"})");
    REQUIRE(parsed.ok());
    const auto& vote = std::get<protocol::VoteRequest>(parsed.value());
    CHECK(vote.id == "v1");
    CHECK(vote.poll == "p1");
    CHECK(vote.choice == "e07");
  }
  SECTION("a score with marks") {
    auto parsed = parse_client_message(
        R"({"type":"score","id":"s1","round":"prelim","entry":"e07","marks":{"theme":27.5,"art":20}})");
    REQUIRE(parsed.ok());
    const auto& score = std::get<protocol::ScoreRequest>(parsed.value());
    CHECK(score.marks.at("theme") == 27.5);
    CHECK(score.marks.at("art") == 20);
  }
  SECTION("open_poll with a duration, in ms as in the ledger") {
    auto parsed = parse_client_message(
        R"({"type":"cmd","id":"c1","action":"open_poll","round":"prelim","entries":["e01","e02"],"duration_ms":1500})");
    REQUIRE(parsed.ok());
    const auto& cmd = std::get<protocol::CommandRequest>(parsed.value());
    const auto& open = std::get<core::OpenPoll>(cmd.command);
    CHECK(open.entries == std::vector<std::string>{"e01", "e02"});
    CHECK(open.duration_ms == 1500);
  }
  SECTION("show takes its parameters from the other fields") {
    auto parsed = parse_client_message(
        R"({"type":"cmd","id":"c1","action":"show","scene":"message","text":"休息十分钟"})");
    REQUIRE(parsed.ok());
    const auto& show =
        std::get<core::ShowScene>(std::get<protocol::CommandRequest>(parsed.value()).command);
    CHECK(show.scene == "message");
    CHECK(show.params.at("text") == "休息十分钟");
  }
  SECTION("draw_order without a seed asks the server for one") {
    auto parsed =
        parse_client_message(R"({"type":"cmd","id":"c1","action":"draw_order","round":"final"})");
    REQUIRE(parsed.ok());
    const auto& draw =
        std::get<core::DrawOrder>(std::get<protocol::CommandRequest>(parsed.value()).command);
    CHECK_FALSE(draw.seed.has_value());
  }
  SECTION("results is a read-only request") {
    auto parsed =
        parse_client_message(R"({"type":"cmd","id":"c1","action":"results","round":"prelim"})");
    REQUIRE(parsed.ok());
    CHECK(std::get<protocol::ResultsRequest>(parsed.value()).round == "prelim");
  }
  SECTION("the id of a broken request can still be answered") {
    CHECK(protocol::salvage_request_id(R"({"type":"vote","id":"v9","poll":5})") == "v9");
    CHECK_FALSE(protocol::salvage_request_id("garbage").has_value());
  }
}

namespace {

// What the general parser makes of a message, as a vote (or nothing if not a vote).
std::optional<protocol::VoteRequest> general_vote(const std::string& text) {
  auto parsed = protocol::parse_any_message(text);
  if (!parsed.ok()) return std::nullopt;
  if (auto* vote = std::get_if<protocol::VoteRequest>(&parsed.value())) return *vote;
  return std::nullopt;
}

bool same_vote(const protocol::VoteRequest& a, const protocol::VoteRequest& b) {
  return a.id == b.id && a.poll == b.poll && a.choice == b.choice;
}

}  // namespace

TEST_CASE("A plain vote is read without a JSON tree, as the general parser reads it",
          "[protocol]") {
  const std::string long_name(protocol::kMaxNameLength, 'p');
  const std::string too_long_name(protocol::kMaxNameLength + 1, 'p');
  const std::string long_id(protocol::kMaxIdLength, 'i');
  const std::string too_long_id(protocol::kMaxIdLength + 1, 'i');
  // Each: the text, and whether the plain reader takes it (else the general parser decides).
  const auto [text, plain] = GENERATE_COPY(table<std::string, bool>({
      {R"({"type":"vote","id":"v1","poll":"p1","choice":"e07"})", true},
      {R"({"choice":"e07","poll":"p1","type":"vote"})", true},
      {" {\n\t\"type\" : \"vote\" ,\r\"poll\":\"p1\", \"choice\":\"e07\" } \n", true},
      {R"({"type":"vote","poll":"p1","choice":"e07","extra":"ignored"})", true},
      {R"({"type":"vote","poll":")" + long_name + R"(","choice":"e07"})", true},
      {R"({"type":"vote","id":")" + long_id + R"(","poll":"p1","choice":"e07"})", true},
      // Left to the general parser, which accepts these ...
      {R"({"type":"vote","poll":"p1","choice":"e07","n":5})", false},
      {R"({"type":"vote","id":null,"poll":"p1","choice":"e07"})", false},
      {R"({"type":"vote","poll":"p\u0031","choice":"e07"})", false},
      {R"({"type":"vote","poll":"p1","choice":"投票"})", false},
      {R"({"type":"vote","poll":"p1","choice":"e07","choice":"e08"})", false},
      // ... and refuses these.
      {R"({"type":"vote","poll":")" + too_long_name + R"(","choice":"e07"})", false},
      {R"({"type":"vote","id":")" + too_long_id + R"(","poll":"p1","choice":"e07"})", false},
      {R"({"type":"vote","id":"","poll":"p1","choice":"e07"})", false},
      {R"({"type":"vote","poll":"","choice":"e07"})", false},
      {R"({"type":"vote","poll":"p1"})", false},
      {R"({"type":"vote","poll":"p1","choice":"e07"} x)", false},
      {R"({"type":"vote","poll":"p1","choice":"e07",})", false},
      {R"({"type":"vote","poll":"p1","choice":"e07")", false},
      {R"({"type":"vote" "poll":"p1","choice":"e07"})", false},
      {R"({"type":"Vote","poll":"p1","choice":"e07"})", false},
      {R"({"type":"ping","poll":"p1","choice":"e07"})", false},
      {R"({})", false},
      {"", false},
  }));
  CAPTURE(text);
  const auto fast = protocol::parse_plain_vote(text);
  CHECK(fast.has_value() == plain);
  const auto general = general_vote(text);
  if (fast) {
    REQUIRE(general);
    CHECK(same_vote(*fast, *general));
  }
  // Either way the session gets what the general parser says.
  const auto parsed = parse_client_message(text);
  const auto* vote = parsed.ok() ? std::get_if<protocol::VoteRequest>(&parsed.value()) : nullptr;
  REQUIRE(static_cast<bool>(vote) == general.has_value());
  if (vote) CHECK(same_vote(*vote, *general));
}

TEST_CASE("advance parses with and without a tie's include and reason", "[protocol][advance]") {
  auto parsed = parse_client_message(
      R"({"type":"cmd","id":"a1","action":"advance","from":"prelim","to":"final","count":6})");
  REQUIRE(parsed.ok());
  const auto& plain =
      std::get<core::Advance>(std::get<protocol::CommandRequest>(parsed.value()).command);
  CHECK(plain.from == "prelim");
  CHECK(plain.to == "final");
  CHECK(plain.count == 6);
  CHECK(plain.include.empty());

  parsed = parse_client_message(
      R"({"type":"cmd","id":"a2","action":"advance","from":"prelim","to":"final","count":6,"include":["e28"],"reason":"复议"})");
  REQUIRE(parsed.ok());
  const auto& tie =
      std::get<core::Advance>(std::get<protocol::CommandRequest>(parsed.value()).command);
  CHECK(tie.include == std::vector<std::string>{"e28"});
  CHECK(tie.reason == "复议");

  for (
      const char* bad : {
          R"({"type":"cmd","id":"a3","action":"advance","from":"prelim","to":"final"})",
          R"({"type":"cmd","id":"a3","action":"advance","from":"prelim","count":6})",
          R"({"type":"cmd","id":"a3","action":"advance","from":"prelim","to":"final","count":6.5})",
          R"({"type":"cmd","id":"a3","action":"advance","from":"prelim","to":"final","count":6,"include":[7]})",
      }) {
    CAPTURE(bad);
    const auto refused = parse_client_message(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == core::ErrorCode::bad_request);
  }
}

TEST_CASE("A tie_at_cut error carries the tied entries", "[protocol][advance]") {
  core::Error error{core::ErrorCode::tie_at_cut, "entries e28, e44 share rank 6"};
  error.entries = {"e28", "e44"};
  const auto message = protocol::error(std::string("a1"), error);
  const auto reply = nlohmann::json::parse(*message);
  CHECK(reply.at("type") == "error");
  CHECK(reply.at("id") == "a1");
  CHECK(reply.at("code") == "tie_at_cut");
  CHECK(reply.at("message") == "entries e28, e44 share rank 6");
  CHECK(reply.at("entries") == nlohmann::json{"e28", "e44"});
  // Other errors keep their shape.
  const auto plain = nlohmann::json::parse(
      *protocol::error(std::string("a2"), core::Error{core::ErrorCode::not_found, "no round x"}));
  CHECK_FALSE(plain.contains("entries"));
}

TEST_CASE("A rating vote carries a whole number from 1 to 10 and no choice", "[protocol][vote]") {
  const auto parsed = parse_client_message(R"({"type":"vote","id":"v9","poll":"p4","rating":8})");
  REQUIRE(parsed.ok());
  const auto* vote = std::get_if<protocol::VoteRequest>(&parsed.value());
  REQUIRE(vote);
  CHECK(vote->poll == "p4");
  CHECK(vote->choice.empty());
  CHECK(vote->rating == 8);
  CHECK(vote->id == std::optional<std::string>("v9"));
  // A plain choice vote has none.
  const auto choice = parse_client_message(R"({"type":"vote","poll":"p1","choice":"e07"})");
  REQUIRE(choice.ok());
  CHECK(std::get<protocol::VoteRequest>(choice.value()).rating == 0);

  const std::string bad = GENERATE(
      as<std::string>{}, R"({"type":"vote","poll":"p4","rating":0})",
      R"({"type":"vote","poll":"p4","rating":11})", R"({"type":"vote","poll":"p4","rating":7.5})",
      R"({"type":"vote","poll":"p4","rating":"8"})", R"({"type":"vote","poll":"p4","rating":null})",
      R"({"type":"vote","rating":8})");
  CAPTURE(bad);
  const auto refused = parse_client_message(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == core::ErrorCode::bad_request);
}

TEST_CASE("the chief's desk and the re-check on the wire (issue 17)", "[protocol][review]") {
  // The desk's hello: a judge's, with "desk": true.
  const auto desk = parse_client_message(
      R"({"type":"hello","id":"h1","role":"judge","token":"tok-0123456789abcdef","desk":true})");
  REQUIRE(desk.ok());
  CHECK(std::get<protocol::HelloRequest>(desk.value()).desk);
  const auto phone = parse_client_message(R"({"type":"hello","role":"judge","token":"t"})");
  REQUIRE(phone.ok());
  CHECK_FALSE(std::get<protocol::HelloRequest>(phone.value()).desk);
  CHECK_FALSE(
      parse_client_message(R"({"type":"hello","role":"judge","token":"t","desk":"yes"})").ok());

  // The asked judge keeps the marks.
  const auto confirm =
      parse_client_message(R"({"type":"confirm_score","id":"k1","round":"prelim","entry":"e13"})");
  REQUIRE(confirm.ok());
  const auto& request = std::get<protocol::ConfirmRequest>(confirm.value());
  CHECK(request.round == "prelim");
  CHECK(request.entry == "e13");
  CHECK_FALSE(parse_client_message(R"({"type":"confirm_score","round":"prelim"})").ok());
  // Not as a cmd: the judge is the connection's, never the message's.
  CHECK_FALSE(parse_client_message(
                  R"({"type":"cmd","action":"confirm_score","judge":"j1","round":"r","entry":"e"})")
                  .ok());

  // The chief's cmds; `by` is filled in by the server from the connection.
  const auto recheck = parse_client_message(
      R"({"type":"cmd","id":"d1","action":"request_recheck","round":"prelim","entry":"e13","judge":"j9","note":"请复核"})");
  REQUIRE(recheck.ok());
  const auto& ask =
      std::get<core::RequestRecheck>(std::get<protocol::CommandRequest>(recheck.value()).command);
  CHECK(ask.judge == "j9");
  CHECK(ask.note == "请复核");
  const auto release = parse_client_message(
      R"({"type":"cmd","action":"release_review","round":"prelim","entry":"e13"})");
  REQUIRE(release.ok());
  CHECK(std::holds_alternative<core::ReleaseReview>(
      std::get<protocol::CommandRequest>(release.value()).command));
  const auto lock = parse_client_message(
      R"({"type":"cmd","action":"lock_scores","round":"prelim","entry":"e13","override_reason":"评委离场"})");
  REQUIRE(lock.ok());
  CHECK(std::get<core::LockScores>(std::get<protocol::CommandRequest>(lock.value()).command)
            .override_reason == "评委离场");
}
