// The chief judge's desk on a real server (issue 17): an entry whose marks break the
// tolerance cannot be locked or revealed until the chief releases it; a re-check reaches the
// asked judge's socket and a revision lands in the ledger; a restart keeps a pending review
// pending; a lock with a judge missing is refused unless the host gives a reason, which the
// ledger keeps.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/demo.hpp"
#include "test_server.hpp"
#include "tools/verify.hpp"

using namespace stagevote;
using namespace stagevote::test;
using Catch::Detail::Approx;

namespace {

// The demo contest (criteria out of 100, trim 1 from 5) with the FIG aerobic table and j2
// (no unit: recused from nothing) its chief.
core::Contest desk_contest() {
  core::Contest contest = core::demo_contest();
  contest.scoring.tolerance.bands = {{8.0, 0.3}, {7.0, 0.4}, {6.0, 0.5}, {0.0, 0.6}};
  contest.scoring.tolerance.extremes_gap = 1.0;
  for (auto& judge : contest.judges) {
    judge.chief = judge.id == "j2";
    judge.token = "judge-token-for-" + judge.id + "-0123456789";
  }
  return contest;
}

json marks_for(const core::Contest& contest, double total) {
  // The demo's criteria, each filled in proportion to its maximum.
  json marks = json::object();
  double max = 0;
  for (const auto& criterion : contest.scoring.criteria) max += criterion.max;
  for (const auto& criterion : contest.scoring.criteria) {
    marks[criterion.id] = std::round(criterion.max * total / max * 100) / 100;
  }
  return marks;
}

// The server stopped first: the ledger's kinds in order, and verify agrees with the chain.
std::vector<std::string> ledger_kinds(TestServer& server) {
  server.stop();
  const std::string db = server.db_path();
  const auto report = tools::verify_database(db);
  INFO(report.reason);
  CHECK(report.ok);
  std::vector<std::string> kinds;
  store::Store store(db);
  store.for_each_record([&](const store::LedgerRecord& r) { kinds.push_back(r.kind); });
  return kinds;
}

json expect_error(WsClient& client, json message, const std::string& code) {
  const json reply = client.request(std::move(message));
  INFO(reply.dump());
  REQUIRE(reply.at("type") == "error");
  CHECK(reply.at("code") == code);
  return reply;
}

}  // namespace

TEST_CASE("review: out of tolerance, no lock or reveal until the chief releases", "[net][review]") {
  const core::Contest contest = desk_contest();
  TestServer server(contest);
  ClientIo io;
  auto host = server.host(io);
  std::map<std::string, std::unique_ptr<WsClient>> judges;
  for (const auto& judge : contest.judges) judges[judge.id] = server.judge(io, judge.id);

  // e13 (省商务厅: nobody recused): all about 80, j9 at 95.
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  for (const auto& judge : contest.judges) {
    const double total = judge.id == "j9" ? 95 : 80;
    REQUIRE(judges[judge.id]
                ->request({{"type", "score"},
                           {"round", "prelim"},
                           {"entry", "e13"},
                           {"marks", marks_for(contest, total)}})
                .at("type") == "ack");
  }
  const json lock = {
      {"type", "cmd"}, {"action", "lock_scores"}, {"round", "prelim"}, {"entry", "e13"}};
  const json refused = expect_error(*host, lock, "in_review");
  // The marks that break it: the outlier's, not the four who agree.
  CHECK(refused.at("judges") == json::array({"j9"}));

  // The console shows it in review, with the marks that break it.
  const json state = await_state(
      *host, [](const json& s) { return !s.at("host").at("desk").at("reviews").empty(); });
  const json review = state.at("host").at("desk").at("reviews").at(0);
  CHECK(review.at("entry") == "e13");
  CHECK(review.at("in_review") == true);
  CHECK(review.at("extremes_broken") == true);

  // Neither the host (a chief is named) nor another judge may release; the chief may.
  const json release = {{"type", "cmd"},
                        {"action", "release_review"},
                        {"round", "prelim"},
                        {"entry", "e13"},
                        {"reason", "j9 explained"}};
  expect_error(*host, release, "forbidden");
  expect_error(*judges["j3"], release, "forbidden");
  // The chief's desk: a second tab with the chief's token, beside the chief's phone.
  auto desk = std::make_unique<WsClient>(io, server.port());
  const json welcome = desk->hello(
      {{"type", "hello"}, {"role", "judge"}, {"token", server.judge_token("j2")}, {"desk", true}});
  REQUIRE(welcome.at("type") == "welcome");
  CHECK(welcome.at("judge").at("chief") == true);
  const json desk_state = await_state(*desk, [](const json& s) {
    return s.contains("judge") && s.at("judge").contains("desk") &&
           !s.at("judge").at("desk").at("reviews").empty();
  });
  CHECK(desk_state.at("judge").at("desk").at("reviews").at(0).at("entry") == "e13");
  CHECK(desk->request(release).at("type") == "ack");
  // The chief's phone is still connected: the desk did not replace it.
  CHECK(judges["j2"]->request({{"type", "ping"}}).at("type") == "pong");

  command(*host, lock);
  command(*host, {{"action", "reveal"}, {"round", "prelim"}, {"entry", "e13"}});
  // Another judge may not open a desk.
  auto other = std::make_unique<WsClient>(io, server.port());
  const json no_desk = other->hello(
      {{"type", "hello"}, {"role", "judge"}, {"token", server.judge_token("j3")}, {"desk", true}});
  CHECK(no_desk.at("code") == "forbidden");

  const auto kinds = ledger_kinds(server);
  CHECK(std::find(kinds.begin(), kinds.end(), "release_review") != kinds.end());
}

TEST_CASE(
    "review: a re-check reaches the judge, a revision lands in the ledger, a restart "
    "keeps it pending",
    "[net][review]") {
  const core::Contest contest = desk_contest();
  TestServer server(contest);
  ClientIo io;
  {
    auto host = server.host(io);
    std::map<std::string, std::unique_ptr<WsClient>> judges;
    for (const auto& judge : contest.judges) judges[judge.id] = server.judge(io, judge.id);
    command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    for (const auto& judge : contest.judges) {
      const double total = judge.id == "j9" ? 95 : 80;
      REQUIRE(judges[judge.id]
                  ->request({{"type", "score"},
                             {"round", "prelim"},
                             {"entry", "e13"},
                             {"marks", marks_for(contest, total)}})
                  .at("type") == "ack");
    }
    const json ask = {{"type", "cmd"},     {"action", "request_recheck"},
                      {"round", "prelim"}, {"entry", "e13"},
                      {"judge", "j9"},     {"note", "请复核"}};
    CHECK(judges["j2"]->request(ask).at("type") == "ack");
    // j9's phone gets the prompt: the kept range, not the others' marks.
    const json prompt = await_state(
        *judges["j9"], [](const json& s) { return !s.at("judge").at("rechecks").empty(); });
    const json recheck = prompt.at("judge").at("rechecks").at(0);
    CHECK(recheck.at("entry") == "e13");
    CHECK(recheck.at("note") == "请复核");
    CHECK(recheck.at("kept_min") == Approx(80));
    CHECK(recheck.at("kept_max") == Approx(80));
    CHECK_FALSE(prompt.at("judge").contains("desk"));
    // Only the asked judge confirms.
    expect_error(*judges["j3"], {{"type", "confirm_score"}, {"round", "prelim"}, {"entry", "e13"}},
                 "forbidden");
  }
  // A restart replays the ledger: the re-check is still pending.
  server.restart();
  auto host = server.host(io);
  auto j9 = server.judge(io, "j9");
  const json again =
      await_state(*j9, [](const json& s) { return !s.at("judge").at("rechecks").empty(); });
  CHECK(again.at("judge").at("rechecks").at(0).at("entry") == "e13");
  const json lock = {
      {"type", "cmd"}, {"action", "lock_scores"}, {"round", "prelim"}, {"entry", "e13"}};
  expect_error(*host, lock, "in_review");

  // j9 revises into tolerance: the review is over and the lock goes through.
  CHECK(j9->request({{"type", "score"},
                     {"round", "prelim"},
                     {"entry", "e13"},
                     {"marks", marks_for(contest, 80.5)}})
            .at("type") == "ack");
  command(*host, lock);
  const auto kinds = ledger_kinds(server);
  const auto recheck = std::find(kinds.begin(), kinds.end(), "request_recheck");
  REQUIRE(recheck != kinds.end());
  // The revision is a score after the request.
  CHECK(std::find(recheck, kinds.end(), "score") != kinds.end());
}

TEST_CASE(
    "lock: refused with a judge missing, accepted with an override whose reason is in "
    "the ledger",
    "[net][review][lock]") {
  TestServer server;
  ClientIo io;
  auto host = server.host(io);
  auto j4 = server.judge(io, "j4");
  command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  REQUIRE(j4->request({{"type", "score"},
                       {"round", "prelim"},
                       {"entry", "e13"},
                       {"marks", marks_for(server.contest(), 80)}})
              .at("type") == "ack");
  json lock = {{"type", "cmd"}, {"action", "lock_scores"}, {"round", "prelim"}, {"entry", "e13"}};
  const json refused = expect_error(*host, lock, "judges_missing");
  CHECK(refused.at("judges").size() == 8);
  CHECK(std::find(refused.at("judges").begin(), refused.at("judges").end(), "j4") ==
        refused.at("judges").end());

  lock["override_reason"] = "八位评委因故缺席";
  CHECK(host->request(lock).at("type") == "ack");
  CHECK(ledger_kinds(server).back() == "lock_scores");
  store::Store store(server.db_path());
  bool found = false;
  store.for_each_record([&](const store::LedgerRecord& r) {
    if (r.kind == "lock_scores") {
      found = json::parse(r.payload).at("override_reason") == "八位评委因故缺席";
    }
  });
  CHECK(found);
}
