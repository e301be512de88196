#include "support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/codec.hpp"

namespace stagevote::core::test {

Contest small_contest() {
  Contest c;
  c.id = "test-cup";
  c.name = "Test Cup";
  c.subtitle = "unit tests";
  c.scoring.criteria = {
      {"c1", "Content", 40}, {"c2", "Art", 30}, {"c3", "Ideas", 20}, {"c4", "Effect", 10}};
  c.scoring.decimals = 2;
  c.scoring.result_decimals = 3;
  c.scoring.trim = 1;
  c.scoring.trim_min = 5;
  c.scoring.judge_weight = 0.9;
  c.scoring.audience_weight = 0.1;
  c.units = {"U1", "U2", "U3", "U4"};
  c.forms = {"drama", "song"};
  c.themes = {"service", "reform"};
  c.entries = {{"e1", "One", "U1", "drama", "service"},  {"e2", "Two", "U2", "song", "reform"},
               {"e3", "Three", "U3", "drama", "reform"}, {"e4", "Four", "U4", "song", "service"},
               {"e5", "Five", "U1", "song", "reform"},   {"e6", "Six", "U2", "drama", "service"}};
  c.rounds = {{"r1", "Preliminary", {"e1", "e2", "e3", "e4"}}, {"r2", "Final", {"e5", "e6", "e1"}}};
  c.judges = {{"j1", "Judge One", "U1", "tok1", "expert"},
              {"j2", "Judge Two", "U2", "tok2", ""},
              {"j3", "Judge Three", std::nullopt, "tok3", ""},
              {"j4", "Judge Four", std::nullopt, "tok4", ""},
              {"j5", "Judge Five", std::nullopt, "tok5", ""},
              {"j6", "Judge Six", std::nullopt, "tok6", ""},
              {"j7", "Judge Seven", std::nullopt, "tok7", ""}};
  c.awards = {
      {"first", "First prize", 1}, {"second", "Second prize", 2}, {"third", "Third prize", 3}};
  return c;
}

Marks marks(double c1, double c2, double c3, double c4) {
  return Marks{{"c1", c1}, {"c2", c2}, {"c3", c3}, {"c4", c4}};
}

void run(Show& show, std::initializer_list<Command> commands, Millis start) {
  Millis now = start;
  for (const auto& command : commands) {
    const auto result = show.apply(command, now);
    INFO(command_kind(command) << " " << command_to_json(command).dump() << " -> "
                               << (result ? "ok" : result.error().message));
    REQUIRE(result.ok());
    now += 1000;
  }
}

std::string fingerprint(const Show& show) {
  using nlohmann::json;
  json out;
  out["version"] = show.version();
  out["phase"] = to_string(show.phase());
  out["on_stage"] =
      show.on_stage() ? json{show.on_stage()->first, show.on_stage()->second} : json(nullptr);
  out["scene"] = {{"name", show.scene().name}, {"params", show.scene().params}};
  out["open_poll"] = show.open_poll() ? json(show.open_poll()->id) : json(nullptr);
  for (const auto& poll : show.polls()) {
    std::vector<std::tuple<std::string, std::uint32_t, std::string, int>> ballots;
    for (const auto& [device, ballot] : poll.ballots) {
      ballots.emplace_back(device, ballot.choice, ballot.request, ballot.rating);
    }
    std::sort(ballots.begin(), ballots.end());
    out["polls"].push_back({{"id", poll.id},
                            {"round", poll.round},
                            {"entries", poll.entries},
                            {"opened_at", poll.opened_at},
                            {"closes_at", poll.closes_at},
                            {"closed_at", poll.closed_at},
                            {"open", poll.open},
                            {"tally", poll.tally},
                            {"total", poll.total},
                            {"ballots", ballots},
                            {"kind", poll.kind == PollKind::rating ? "rating" : "choice"},
                            {"rating_sum", poll.rating_sum}});
  }
  const Contest& contest = show.contest();
  for (const auto& round : contest.rounds) {
    json r;
    r["order"] = show.running_order(round.id);
    r["audience_closed"] = show.audience_closed(round.id);
    for (const auto& entry : round.entries) {
      const EntryState& s = show.entry_state(round.id, entry);
      json e = {{"status", to_string(s.status)},    {"amended", s.amended},
                {"started_at", s.started_at},       {"locked_at", s.locked_at},
                {"revealed_at", s.revealed_at},     {"unlocks", s.unlocks},
                {"unlock_reason", s.unlock_reason}, {"votes", show.votes(round.id, entry)}};
      for (const auto& judge : contest.judges) {
        for (const auto& revision : show.revisions(judge.id, round.id, entry)) {
          e["revisions"][judge.id].push_back({{"marks", revision.marks},
                                              {"at", revision.at},
                                              {"correction", revision.correction},
                                              {"reason", revision.reason}});
        }
      }
      e["panel"] = show.judge_panel(round.id, entry);
      r["entries"][entry] = std::move(e);
    }
    for (const auto& advanced : show.advanced(round.id)) {
      r["advanced"].push_back({advanced.from, advanced.entries, advanced.reason});
    }
    r["results"] = results_to_json(round.id, show.results(round.id));
    for (const auto& award : show.awards(round.id)) {
      r["awards"].push_back({award.award, award.name, award.entry});
    }
    out["rounds"][round.id] = std::move(r);
  }
  for (const auto& [judge, reissue] : show.token_reissues()) {
    out["token_reissues"][judge] = {reissue.token_sha256, reissue.at, reissue.count};
  }
  out["join_corner"] = show.join_corner();
  return out.dump(1);
}

}  // namespace stagevote::core::test
