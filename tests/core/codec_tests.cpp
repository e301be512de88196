// JSON forms: every command round-trips through its ledger payload, the contest through the
// contract's /api/contest shape, results in the contract's results shape; bad input gets a
// bad_request naming the field.
#include <catch2/catch.hpp>
#include <set>

#include "core/codec.hpp"
#include "support.hpp"

using namespace stagevote::core;
using nlohmann::json;
using stagevote::core::test::marks;
using stagevote::core::test::small_contest;

namespace {

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

using Keys = std::set<std::string>;

}  // namespace

TEST_CASE("Every command round-trips through its ledger payload", "[codec]") {
  struct Case {
    Command command;
    const char* kind;
    Keys fields;
  };
  const auto k = GENERATE(values<Case>({
      {StartEntry{"r1", "e1"}, "start_entry", {"round", "entry"}},
      {OpenPoll{"r1", {"e1", "e2"}, 30000}, "open_poll", {"round", "entries", "duration_ms"}},
      {OpenPoll{"r1", {"e1"}, 0}, "open_poll", {"round", "entries", "duration_ms"}},
      {ClosePoll{"p3"}, "close_poll", {"poll"}},
      {LockScores{"r1", "e1"}, "lock_scores", {"round", "entry"}},
      {UnlockScores{"r1", "e1", "评委误触"}, "unlock_scores", {"round", "entry", "reason"}},
      {Reveal{"r2", "e5"}, "reveal", {"round", "entry"}},
      {ShowScene{"message", {{"text", "休息十分钟"}, {"title", "通知"}}},
       "show",
       {"scene", "params"}},
      {ShowScene{"blackout", {}}, "show", {"scene", "params"}},
      {DrawOrder{"r1", 18446744073709551557ull}, "draw_order", {"round", "seed"}},
      {DrawOrder{"r1", 0}, "draw_order", {"round", "seed"}},
      {Vote{"dev-abc", "p1", "e2"}, "vote", {"device", "poll", "choice"}},
      {Score{"j3", "r1", "e1", marks(38.55, 27.25, 0, 10)},
       "score",
       {"judge", "round", "entry", "marks"}},
      {CorrectScore{"j3", "r1", "e1", marks(0.1, 0.2, 19.99, 9.5), "纸质评分表为准"},
       "correct_score",
       {"judge", "round", "entry", "marks", "reason"}},
      {ReissueJudgeToken{"j3", std::string(64, 'c')},
       "reissue_judge_token",
       {"judge", "token_sha256"}},
      {OpenPoll{"r1", {"e1"}, 0, PollKind::rating},
       "open_poll",
       {"round", "entries", "duration_ms", "kind"}},
      {Vote{"dev-abc", "p4", "", {}, 7}, "vote", {"device", "poll", "rating"}},
      {CloseAudience{"r1"}, "close_audience", {"round"}},
      {LockScores{"r1", "e1", "j7 离场"}, "lock_scores", {"round", "entry", "override_reason"}},
      {RequestRecheck{"r1", "e1", "j7", "请复核", "j3"},
       "request_recheck",
       {"round", "entry", "judge", "note", "by"}},
      {RequestRecheck{"r1", "e1", "j7"}, "request_recheck", {"round", "entry", "judge", "by"}},
      {ConfirmScore{"j7", "r1", "e1"}, "confirm_score", {"judge", "round", "entry"}},
      {ReleaseReview{"r1", "e1", "理由充分", "j3"},
       "release_review",
       {"round", "entry", "reason", "by"}},
  }));
  CAPTURE(k.kind);
  CHECK(std::string(command_kind(k.command)) == k.kind);
  const json payload = command_to_json(k.command);
  CAPTURE(payload.dump());
  CHECK(keys(payload) == k.fields);

  // Through text, as the ledger stores it.
  const auto parsed = command_from_json(k.kind, json::parse(payload.dump()));
  REQUIRE(parsed.ok());
  CHECK(parsed.value().index() == k.command.index());
  CHECK(command_to_json(parsed.value()) == payload);
  // The ledger's text, written directly for votes, is dump()'s to the byte.
  CHECK(command_payload(k.command) == payload.dump());
}

TEST_CASE("A vote's ledger text is dump()'s whatever its strings hold", "[codec]") {
  const std::string odd = GENERATE(as<std::string>{}, "e07", "", "a\"b", "back\\slash", "tab\there",
                                   "投票", std::string("nul\0x", 5), "~\x7f");
  CAPTURE(odd);
  for (const Vote& vote :
       {Vote{odd, "p1", "e07"}, Vote{"device", odd, "e07"}, Vote{"device", "p1", odd}}) {
    CHECK(command_payload(vote) == command_to_json(vote).dump());
  }
}

TEST_CASE("Payload fields have the contract's JSON types", "[codec]") {
  const json score = command_to_json(Score{"j3", "r1", "e1", marks(38.5, 27, 18, 9)});
  CHECK(score["marks"].is_object());
  CHECK(score["marks"]["c1"] == 38.5);
  const json draw = command_to_json(DrawOrder{"r1", 99});
  CHECK(draw["seed"].is_number_unsigned());
  const json scene = command_to_json(ShowScene{"stage", {{"round", "r1"}}});
  CHECK(scene["params"] == json{{"round", "r1"}});
  const json poll = command_to_json(OpenPoll{"r1", {"e1", "e2"}, 0});
  CHECK(poll["entries"] == json{"e1", "e2"});
  CHECK(poll["duration_ms"] == 0);
}

TEST_CASE("Lenient fields take their defaults", "[codec]") {
  SECTION("open_poll without a duration is open until closed") {
    const auto c = command_from_json("open_poll", json{{"round", "r1"}, {"entries", {"e1"}}});
    REQUIRE(c.ok());
    CHECK(std::get<OpenPoll>(c.value()).duration_ms == 0);
  }
  SECTION("show without params, or with numbers the console sent") {
    const auto plain = command_from_json("show", json{{"scene", "standby"}});
    REQUIRE(plain.ok());
    CHECK(std::get<ShowScene>(plain.value()).params.empty());
    const auto numbers =
        command_from_json("show", json{{"scene", "leaderboard"}, {"params", {{"top", 10}}}});
    REQUIRE(numbers.ok());
    CHECK(std::get<ShowScene>(numbers.value()).params.at("top") == "10");
  }
  SECTION("a host command message with its envelope fields") {
    const auto c = command_from_json("start_entry", json{{"type", "cmd"},
                                                         {"id", "c1"},
                                                         {"action", "start_entry"},
                                                         {"round", "r1"},
                                                         {"entry", "e1"}});
    REQUIRE(c.ok());
    CHECK(std::get<StartEntry>(c.value()).entry == "e1");
  }
  SECTION("a missing reason is left for the show to refuse") {
    const auto c = command_from_json("unlock_scores", json{{"round", "r1"}, {"entry", "e1"}});
    REQUIRE(c.ok());
    CHECK(std::get<UnlockScores>(c.value()).reason.empty());
  }
}

TEST_CASE("Malformed payloads are bad requests naming the field", "[codec]") {
  struct Case {
    const char* kind;
    json payload;
    const char* field;
  };
  const auto k = GENERATE(values<Case>({
      {"start_entry", json{{"round", "r1"}}, "entry"},
      {"start_entry", json{{"round", 1}, {"entry", "e1"}}, "round"},
      {"start_entry", json{{"round", nullptr}, {"entry", "e1"}}, "round"},
      {"start_entry", json::array(), "start_entry"},
      {"start_entry", json("r1"), "start_entry"},
      {"open_poll", json{{"round", "r1"}, {"entries", "e1"}}, "entries"},
      {"open_poll", json{{"round", "r1"}, {"entries", {"e1", 2}}}, "entries"},
      {"open_poll", json{{"round", "r1"}, {"entries", {"e1"}}, {"duration_ms", "5s"}},
       "duration_ms"},
      {"open_poll", json{{"round", "r1"}, {"entries", {"e1"}}, {"duration_ms", 1.5}},
       "duration_ms"},
      {"close_poll", json::object(), "poll"},
      {"lock_scores", json{{"entry", "e1"}}, "round"},
      {"unlock_scores", json{{"round", "r1"}, {"entry", "e1"}, {"reason", 5}}, "reason"},
      {"start_entry", json{{"round", ""}, {"entry", "e1"}}, "round"},
      {"start_entry", json{{"round", std::string(129, 'r')}, {"entry", "e1"}}, "round"},
      {"open_poll", json{{"round", "r1"}, {"entries", json::array()}}, "entries"},
      {"open_poll", json{{"round", "r1"}, {"entries", {"e1"}}, {"duration_ms", 86'400'001}},
       "duration_ms"},
      {"unlock_scores", json{{"round", "r1"}, {"entry", "e1"}, {"reason", std::string(8193, 'x')}},
       "reason"},
      {"reveal", json{{"round", "r1"}, {"entry", true}}, "entry"},
      {"show", json{{"params", json::object()}}, "scene"},
      {"show", json{{"scene", "message"}, {"params", "hi"}}, "params"},
      {"show", json{{"scene", "message"}, {"params", {{"text", {1, 2}}}}}, "params.text"},
      {"draw_order", json{{"round", "r1"}, {"seed", -1}}, "seed"},
      {"draw_order", json{{"round", "r1"}, {"seed", "42"}}, "seed"},
      {"vote", json{{"poll", "p1"}, {"choice", "e1"}}, "device"},
      {"vote", json{{"device", "d"}, {"poll", "p1"}, {"choice", 1}}, "choice"},
      {"score", json{{"judge", "j1"}, {"round", "r1"}, {"entry", "e1"}}, "marks"},
      {"score", json{{"judge", "j1"}, {"round", "r1"}, {"entry", "e1"}, {"marks", {1, 2}}},
       "marks"},
      {"score",
       json{{"judge", "j1"}, {"round", "r1"}, {"entry", "e1"}, {"marks", {{"c1", "38.5"}}}},
       "marks.c1"},
      {"correct_score", json{{"round", "r1"}, {"entry", "e1"}, {"marks", json::object()}}, "judge"},
      {"dance", json::object(), "dance"},
      {"", json::object(), "action"},
      {"vote", json{{"device", "d"}, {"poll", "p1"}, {"rating", 7.5}}, "rating"},
      {"vote", json{{"device", "d"}, {"poll", "p1"}, {"rating", "7"}}, "rating"},
      {"vote", json{{"device", "d"}, {"poll", "p1"}, {"rating", 11}}, "rating"},
      {"vote", json{{"device", "d"}, {"poll", "p1"}, {"rating", 0}}, "rating"},
      {"open_poll", json{{"round", "r1"}, {"entries", {"e1"}}, {"kind", "stars"}}, "kind"},
      {"close_audience", json::object(), "round"},
  }));
  CAPTURE(k.kind, k.payload.dump());
  const auto parsed = command_from_json(k.kind, k.payload);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::bad_request);
  CHECK_THAT(parsed.error().message, Catch::Contains(k.field));
}

TEST_CASE("Marks are read from an object of numbers", "[codec]") {
  const auto ok = marks_from_json(json{{"c1", 38.5}, {"c2", 27}});
  REQUIRE(ok.ok());
  CHECK(ok.value() == Marks{{"c1", 38.5}, {"c2", 27}});
  CHECK(marks_from_json(json::object()).value().empty());
  CHECK(marks_from_json(json{{"c1", nullptr}}).error().code == ErrorCode::bad_request);
  CHECK(marks_from_json(json{{"c1", true}}).error().code == ErrorCode::bad_request);
  CHECK(marks_from_json(json(5)).error().code == ErrorCode::bad_request);
}

TEST_CASE("The contest has the contract's /api/contest shape", "[codec]") {
  const Contest contest = small_contest();
  const json out = contest_to_json(contest, true);
  CHECK(out["contest"] ==
        json{{"id", "test-cup"}, {"name", "Test Cup"}, {"subtitle", "unit tests"}});
  CHECK(keys(out["scoring"]) == Keys{"criteria", "decimals", "result_decimals", "trim", "trim_min",
                                     "judge_weight", "audience_weight", "audience_mode",
                                     "min_ratings"});
  CHECK(out["scoring"]["audience_mode"] == "relative");
  CHECK(out["scoring"]["criteria"][0] == json{{"id", "c1"}, {"name", "Content"}, {"max", 40.0}});
  CHECK(out["scoring"]["decimals"] == 2);
  CHECK(out["scoring"]["result_decimals"] == 3);
  CHECK(out["scoring"]["trim"] == 1);
  CHECK(out["scoring"]["trim_min"] == 5);
  CHECK(out["scoring"]["judge_weight"] == 0.9);
  CHECK(out["scoring"]["audience_weight"] == 0.1);
  CHECK(out["rounds"][1] == json{{"id", "r2"}, {"name", "Final"}, {"entries", {"e5", "e6", "e1"}}});
  CHECK(
      out["entries"][0] ==
      json{
          {"id", "e1"}, {"title", "One"}, {"unit", "U1"}, {"form", "drama"}, {"theme", "service"}});
  CHECK(out["judges"][0] == json{{"id", "j1"},
                                 {"name", "Judge One"},
                                 {"unit", "U1"},
                                 {"title", "expert"},
                                 {"token", "tok1"}});
  CHECK(out["judges"][2]["unit"].is_null());
  CHECK(out["units"] == json{"U1", "U2", "U3", "U4"});
  CHECK(out["forms"] == json{"drama", "song"});
  CHECK(out["themes"] == json{"service", "reform"});
  CHECK(out["awards"][1] == json{{"id", "second"}, {"name", "Second prize"}, {"count", 2}});
  CHECK(out["popularity_award"] == "最佳人气奖");

  SECTION("tokens only when asked for") {
    const json without = contest_to_json(contest, false);
    for (const auto& judge : without["judges"]) {
      CHECK_FALSE(judge.contains("token"));
    }
  }
}

TEST_CASE("The contest round-trips through JSON", "[codec]") {
  const Contest contest = small_contest();
  const json once = contest_to_json(contest, true);
  const auto parsed = contest_from_json(json::parse(once.dump()));
  INFO((parsed ? "" : parsed.error().message));
  REQUIRE(parsed.ok());
  CHECK(contest_to_json(parsed.value(), true) == once);
  const Contest& back = parsed.value();
  CHECK(back.judges[0].unit == std::optional<std::string>("U1"));
  CHECK_FALSE(back.judges[2].unit.has_value());
  CHECK(back.find_judge_by_token("tok7")->id == "j7");
}

TEST_CASE("A minimal contest file takes defaults for what it leaves out", "[codec]") {
  const json minimal = {
      {"contest", {{"id", "x"}, {"name", "X"}}},
      {"scoring", {{"criteria", {{{"id", "all"}, {"max", 100}}}}}},
      {"entries", {{{"id", "a"}}, {{"id", "b"}}}},
      {"rounds", {{{"id", "r"}, {"entries", {"b", "a"}}}}},
      {"judges", {{{"id", "j"}, {"token", "t"}, {"unit", nullptr}}}},
  };
  const auto parsed = contest_from_json(minimal);
  INFO((parsed ? "" : parsed.error().message));
  REQUIRE(parsed.ok());
  const Contest& c = parsed.value();
  CHECK(c.scoring.decimals == 2);
  CHECK(c.scoring.result_decimals == 2);
  CHECK(c.scoring.trim == 1);
  CHECK(c.scoring.trim_min == 5);
  CHECK(c.scoring.judge_weight == 0.9);
  CHECK(c.scoring.criteria[0].name == "all");
  CHECK(c.rounds[0].name == "r");
  CHECK(c.judges[0].name == "j");
  CHECK_FALSE(c.judges[0].unit.has_value());
  CHECK(c.awards.empty());
  CHECK(c.popularity_award == "最佳人气奖");
}

TEST_CASE("A broken contest file is a bad request naming the field", "[codec]") {
  struct Case {
    const char* name;
    json::json_pointer where;
    json value;  // replaces the value at `where`; null removes the key
    const char* field;
  };
  const auto k = GENERATE(values<Case>({
      {"no contest", json::json_pointer("/contest"), nullptr, "contest"},
      {"contest id a number", json::json_pointer("/contest/id"), 7, "contest.id"},
      {"no name", json::json_pointer("/contest/name"), nullptr, "contest.name"},
      {"scoring not an object", json::json_pointer("/scoring"), json::array(), "scoring"},
      {"criteria missing", json::json_pointer("/scoring/criteria"), nullptr, "scoring.criteria"},
      {"criterion max a string", json::json_pointer("/scoring/criteria/1/max"), "30",
       "scoring.criteria[1].max"},
      {"criterion not an object", json::json_pointer("/scoring/criteria/2"), "c3",
       "scoring.criteria[2]"},
      {"decimals fractional", json::json_pointer("/scoring/decimals"), 1.5, "scoring.decimals"},
      {"result_decimals a string", json::json_pointer("/scoring/result_decimals"), "2",
       "scoring.result_decimals"},
      {"weight a string", json::json_pointer("/scoring/judge_weight"), "0.9",
       "scoring.judge_weight"},
      {"entries not an array", json::json_pointer("/entries"), json::object(), "entries"},
      {"entry without id", json::json_pointer("/entries/3/id"), nullptr, "entries[3].id"},
      {"entry title a number", json::json_pointer("/entries/0/title"), 1, "entries[0].title"},
      {"round entries not strings", json::json_pointer("/rounds/0/entries/1"), 2,
       "rounds[0].entries"},
      {"judge unit a number", json::json_pointer("/judges/0/unit"), 3, "judges[0].unit"},
      {"award count a string", json::json_pointer("/awards/0/count"), "1", "awards[0].count"},
      {"units not strings", json::json_pointer("/units/0"), 1, "units"},
      // Well-formed but invalid: validate() speaks.
      {"unknown entry in a round", json::json_pointer("/rounds/0/entries/1"), "e9",
       "rounds.r1.entries"},
      {"criterion max 0", json::json_pointer("/scoring/criteria/0/max"), 0, "c1.max"},
      {"result_decimals 7", json::json_pointer("/scoring/result_decimals"), 7,
       "scoring.result_decimals"},
      {"judge without token", json::json_pointer("/judges/4/token"), nullptr, "judges.j5.token"},
  }));
  CAPTURE(k.name);
  json broken = contest_to_json(small_contest(), true);
  if (k.value.is_null()) {
    broken[k.where.parent_pointer()].erase(k.where.back());
  } else {
    broken[k.where] = k.value;
  }
  const auto parsed = contest_from_json(broken);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::bad_request);
  CHECK_THAT(parsed.error().message, Catch::Contains(k.field));
}

TEST_CASE("A contest exported without tokens must get them before it is valid", "[codec]") {
  const auto parsed = contest_from_json(contest_to_json(small_contest(), false));
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().message, Catch::Contains("token"));
}

TEST_CASE("Results have the contract's results shape", "[codec]") {
  EntryResult scored;
  scored.entry = "e1";
  scored.judge_scores = {{"j1", 91.5, false}, {"j2", 80, true}};
  scored.judge_component = 90.25;
  scored.plain_mean = 85.75;
  scored.votes = 123;
  scored.audience_component = 100;
  scored.final_score = 91.225;
  scored.published = {publish(90.25, 2), publish(100, 2), publish(91.225, 2), publish(85.75, 2)};
  scored.rank = 1;
  EntryResult unscored;
  unscored.entry = "e2";
  unscored.rank = 2;

  const json out = results_to_json("r1", {scored, unscored});
  CHECK(keys(out) == Keys{"round", "entries"});
  CHECK(out["round"] == "r1");
  REQUIRE(out["entries"].size() == 2);
  const json& first = out["entries"][0];
  CHECK(keys(first) == Keys{"entry", "judge_scores", "judge_component", "plain_mean", "votes",
                            "audience_component", "final", "published", "rank", "provisional"});
  CHECK(first["judge_scores"] == json{{{"judge", "j1"}, {"total", 91.5}, {"dropped", false}},
                                      {{"judge", "j2"}, {"total", 80.0}, {"dropped", true}}});
  CHECK(first["judge_component"] == 90.25);
  CHECK(first["votes"] == 123);
  CHECK(first["audience_component"] == 100.0);
  CHECK(first["final"] == 91.225);
  // The published figures are strings: their digits are what everybody shows.
  CHECK(first["published"] == json{{"judge_component", "90.25"},
                                   {"audience_component", "100.00"},
                                   {"final", "91.23"},
                                   {"plain_mean", "85.75"}});
  CHECK(first["rank"] == 1);
  const json& second = out["entries"][1];
  CHECK(second["judge_component"].is_null());
  CHECK(second["judge_scores"] == json::array());
  CHECK(second["final"] == 0.0);
  CHECK(second["published"]["judge_component"].is_null());
  CHECK(result_to_json(scored) == first);
}
