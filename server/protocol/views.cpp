#include "protocol/views.hpp"

#include <algorithm>
#include <cmath>

#include "core/codec.hpp"

namespace stagevote::protocol {

using nlohmann::json;

const char* to_string(Role role) noexcept {
  switch (role) {
    case Role::audience:
      return "audience";
    case Role::judge:
      return "judge";
    case Role::host:
      return "host";
    case Role::display:
      return "display";
  }
  return "?";
}

std::optional<Role> role_from_string(std::string_view name) noexcept {
  for (const Role role : {Role::audience, Role::judge, Role::host, Role::display}) {
    if (name == to_string(role)) return role;
  }
  return std::nullopt;
}

json connections_json(const Connections& c) {
  return {{"audience", c.audience}, {"judge", c.judge}, {"display", c.display}, {"host", c.host}};
}

Message connections_message(const Connections& connections) {
  const json message = {{"type", "connections"}, {"connections", connections_json(connections)}};
  return make_message(message.dump());
}

Message state_message(json view, std::uint64_t version, core::Millis server_time) {
  view["type"] = "state";
  view["version"] = version;
  view["server_time"] = server_time;
  return make_message(view.dump(-1, ' ', false, json::error_handler_t::replace));
}

json presence_json(const core::Contest& contest, const Presence& presence) {
  json judges = json::array();
  for (const auto& judge : contest.judges) {
    const auto it = presence.find(judge.id);
    const JudgePresence seen = it == presence.end() ? JudgePresence{} : it->second;
    judges.push_back({{"judge", judge.id},
                      {"connected", seen.connected},
                      {"last_seen", seen.last_seen > 0 ? json(seen.last_seen) : json(nullptr)}});
  }
  return judges;
}

Message presence_message(const core::Contest& contest, const Presence& presence) {
  const json message = {{"type", "presence"}, {"judges", presence_json(contest, presence)}};
  return make_message(message.dump(-1, ' ', false, json::error_handler_t::replace));
}

json catalogue_json(const core::Contest& contest) {
  const auto& scoring = contest.scoring;
  json criteria = json::array();
  for (const auto& c : scoring.criteria) {
    criteria.push_back({{"id", c.id}, {"name", c.name}, {"max", c.max}});
  }
  json rounds = json::array();
  for (const auto& r : contest.rounds) rounds.push_back({{"id", r.id}, {"name", r.name}});
  json entries = json::array();
  for (const auto& e : contest.entries) {
    entries.push_back(
        {{"id", e.id}, {"title", e.title}, {"unit", e.unit}, {"form", e.form}, {"theme", e.theme}});
  }
  json judges = json::array();
  for (const auto& j : contest.judges) {
    judges.push_back({{"id", j.id}, {"name", j.name}, {"title", j.title}});
  }
  json awards = json::array();
  for (const auto& a : contest.awards) {
    awards.push_back({{"id", a.id}, {"name", a.name}, {"count", a.count}});
  }
  return {{"id", contest.id},
          {"name", contest.name},
          {"subtitle", contest.subtitle},
          {"criteria", std::move(criteria)},
          {"decimals", scoring.decimals},
          {"trim", scoring.trim},
          {"trim_min", scoring.trim_min},
          {"judge_weight", scoring.judge_weight},
          {"audience_weight", scoring.audience_weight},
          {"rounds", std::move(rounds)},
          {"entries", std::move(entries)},
          {"judges", std::move(judges)},
          {"awards", std::move(awards)},
          {"popularity_award", contest.popularity_award},
          {"audience_mode", core::to_string(scoring.audience_mode)},
          {"min_ratings", scoring.min_ratings}};
}

namespace {

json poll_counts(const core::Poll& poll) {
  json counts = json::object();
  for (std::size_t i = 0; i < poll.entries.size(); ++i) {
    counts[poll.entries[i]] = i < poll.tally.size() ? poll.tally[i] : 0;
  }
  return counts;
}

json stage_json(const core::Show& show) {
  const auto& on_stage = show.on_stage();
  if (!on_stage) return nullptr;
  const auto& order = show.running_order(on_stage->first);
  const auto at = std::find(order.begin(), order.end(), on_stage->second);
  const long position = at == order.end() ? 0 : static_cast<long>(at - order.begin()) + 1;
  return {{"round", on_stage->first}, {"entry", on_stage->second}, {"order", position}};
}

const char* poll_kind(const core::Poll& poll) {
  return poll.kind == core::PollKind::rating ? "rating" : "choice";
}

json open_poll_json(const core::Show& show) {
  const core::Poll* poll = show.open_poll();
  if (!poll) return nullptr;
  return {{"id", poll->id},
          {"round", poll->round},
          {"entries", poll->entries},
          {"opened_at", poll->opened_at},
          {"closes_at", poll->closes_at},
          {"kind", poll_kind(*poll)}};
}

json rounds_json(const core::Show& show) {
  json rounds = json::array();
  for (const auto& round : show.contest().rounds) {
    json order = json::array();
    for (const auto& entry : show.running_order(round.id)) {
      const auto& state = show.entry_state(round.id, entry);
      order.push_back({{"entry", entry},
                       {"status", core::to_string(state.status)},
                       {"amended", state.amended}});
    }
    rounds.push_back({{"id", round.id},
                      {"order", std::move(order)},
                      {"audience_closed", show.audience_closed(round.id)}});
  }
  return rounds;
}

std::string param(const core::Scene& scene, const std::string& key) {
  const auto it = scene.params.find(key);
  return it == scene.params.end() ? std::string() : it->second;
}

bool is_revealed(const core::Show& show, std::string_view round, std::string_view entry) {
  return show.entry_state(round, entry).status == core::EntryStatus::revealed;
}

// The round the leaderboard is about: the scene's, else the one on stage, else the first.
std::string leaderboard_round(const core::Show& show) {
  std::string round = param(show.scene(), "round");
  if (!round.empty() && show.contest().find_round(round)) return round;
  if (show.on_stage()) return show.on_stage()->first;
  return show.contest().rounds.empty() ? std::string() : show.contest().rounds.front().id;
}

json leaderboard_json(const core::Show& show) {
  const std::string round = leaderboard_round(show);
  json entries = json::array();
  if (round.empty()) return {{"round", nullptr}, {"entries", std::move(entries)}};
  const auto results = show.results(round);
  // Ranked among the revealed entries only: an entry's rank is one more than the number of
  // revealed entries ranked strictly better in the whole round (shared ranks stay shared).
  std::vector<const core::EntryResult*> revealed;
  for (const auto& r : results) {
    if (is_revealed(show, round, r.entry)) revealed.push_back(&r);
  }
  for (const auto* r : revealed) {
    const auto better =
        std::count_if(revealed.begin(), revealed.end(),
                      [&](const core::EntryResult* o) { return o->rank < r->rank; });
    json item = entry_result_json(show, round, *r);
    item["rank"] = better + 1;
    entries.push_back(std::move(item));
  }
  return {{"round", round}, {"entries", std::move(entries)}};
}

json judge_names_json(const core::Contest& contest) {
  json names = json::object();
  for (const auto& j : contest.judges) names[j.id] = j.name;
  return names;
}

json reveal_json(const core::Show& show) {
  const auto& scene = show.scene();
  if (scene.name != "reveal") return nullptr;
  const std::string round = param(scene, "round");
  const std::string entry = param(scene, "entry");
  if (!show.contest().find_round(round) || !show.contest().find_entry(entry)) return nullptr;
  if (!is_revealed(show, round, entry)) return nullptr;
  const auto result = show.result(round, entry);
  if (!result) return nullptr;
  json item = entry_result_json(show, round, *result);
  item["round"] = round;
  item["judge_names"] = judge_names_json(show.contest());
  return item;
}

json awards_json(const core::Show& show) {
  const auto& scene = show.scene();
  if (scene.name != "awards") return nullptr;
  const std::string round = param(scene, "round");
  if (!show.contest().find_round(round)) return nullptr;
  json awards = json::array();
  for (const auto& a : show.awards(round)) {
    awards.push_back({{"award", a.award}, {"name", a.name}, {"entry", a.entry}});
  }
  return {{"round", round}, {"awards", std::move(awards)}};
}

json last_poll_json(const core::Show& show) {
  const auto& polls = show.polls();
  for (auto it = polls.rbegin(); it != polls.rend(); ++it) {
    if (it->open) continue;
    return {{"id", it->id},           {"round", it->round},
            {"entries", it->entries}, {"counts", poll_counts(*it)},
            {"total", it->total},     {"kind", poll_kind(*it)}};
  }
  return nullptr;
}

}  // namespace

json public_state_json(const core::Show& show) {
  const auto& scene = show.scene();
  json params = json::object();
  for (const auto& [key, value] : scene.params) params[key] = value;
  return {{"admission", {{"mode", core::to_string(show.admission())}}},
          {"phase", core::to_string(show.phase())},
          {"stage", stage_json(show)},
          {"scene", {{"name", scene.name}, {"params", std::move(params)}}},
          {"poll", open_poll_json(show)},
          {"rounds", rounds_json(show)},
          {"reveal", reveal_json(show)},
          {"leaderboard", leaderboard_json(show)},
          {"awards", awards_json(show)},
          {"last_poll", last_poll_json(show)},
          {"join_corner", {{"visible", show.join_corner()}}}};
}

namespace {

// Entries the judge has marks for now, over every round.
long entries_scored(const core::Show& show, const core::Judge& judge) {
  long scored = 0;
  for (const auto& round : show.contest().rounds) {
    for (const auto& entry : show.running_order(round.id)) {
      if (show.marks(judge.id, round.id, entry)) ++scored;
    }
  }
  return scored;
}

// presence_json() with what the show knows of each judge: entries scored, reissued tokens.
json judges_json(const core::Show& show, const Presence& presence) {
  json judges = presence_json(show.contest(), presence);
  for (std::size_t i = 0; i < judges.size(); ++i) {
    const core::Judge& judge = show.contest().judges[i];
    judges[i]["name"] = judge.name;
    judges[i]["scored"] = entries_scored(show, judge);
    const core::TokenReissue* reissue = show.token_reissue(judge.id);
    judges[i]["reissued"] = reissue ? reissue->count : 0;
    judges[i]["reissued_at"] = reissue ? json(reissue->at) : json(nullptr);
  }
  return judges;
}

}  // namespace

namespace {
json judge_stats_view(const core::Show& show);

// One entry's tolerance review, for the desk and the console: the judges' totals (the desk's
// chief and the host see the marks that break it), what breaks, the re-check, the history.
json review_json(const core::Show& show, const std::string& round, const std::string& entry,
                 const core::ReviewStatus& review) {
  json totals = json::array();
  core::ToleranceCheck check = review.check;
  for (const auto& [judge_id, status] : show.judge_panel(round, entry)) {
    const core::Marks* marks = show.marks(judge_id, round, entry);
    if (!marks) continue;
    const bool breaking =
        std::find(check.judges.begin(), check.judges.end(), judge_id) != check.judges.end();
    totals.push_back(
        {{"judge", judge_id}, {"total", core::judge_total(*marks)}, {"breaks", breaking}});
  }
  json recheck = nullptr;
  if (review.recheck) {
    recheck = {{"judge", review.recheck->judge},
               {"note", review.recheck->note},
               {"at", review.recheck->at}};
  }
  json events = json::array();
  for (const auto& event : review.events) {
    events.push_back(
        {{"kind", event.kind}, {"judge", event.judge}, {"text", event.text}, {"at", event.at}});
  }
  return {{"round", round},
          {"entry", entry},
          {"in_review", review.in_review},
          {"released", review.released},
          {"release_reason", review.release_reason},
          {"kept_gap_broken", check.kept_gap_broken},
          {"extremes_broken", check.extremes_broken},
          {"kept_min", check.kept_min},
          {"kept_max", check.kept_max},
          {"allowed_gap", check.allowed_gap < 0 ? json(nullptr) : json(check.allowed_gap)},
          {"low", check.low},
          {"high", check.high},
          {"allowed_extremes",
           check.allowed_extremes < 0 ? json(nullptr) : json(check.allowed_extremes)},
          {"judges", check.judges},
          {"totals", std::move(totals)},
          {"recheck", std::move(recheck)},
          {"events", std::move(events)}};
}

}  // namespace

json reviews_json(const core::Show& show) {
  json reviews = json::array();
  if (!show.contest().scoring.tolerance.enabled()) return reviews;
  for (const auto& round : show.contest().rounds) {
    for (const auto& entry : show.running_order(round.id)) {
      const auto status = show.entry_state(round.id, entry).status;
      if (status != core::EntryStatus::on_stage && status != core::EntryStatus::locked) continue;
      const core::ReviewStatus review = show.review(round.id, entry);
      if (!review.in_review && !review.released && !review.recheck) continue;
      reviews.push_back(review_json(show, round.id, entry, review));
    }
  }
  return reviews;
}

json desk_json(const core::Show& show) {
  json missing = nullptr;
  if (const auto& on_stage = show.on_stage()) {
    const auto& [round, entry] = *on_stage;
    const auto status = show.entry_state(round, entry).status;
    if (status == core::EntryStatus::on_stage) {
      json names = json::array();
      for (const auto& judge : show.missing_judges(round, entry)) {
        const core::Judge* j = show.contest().find_judge(judge);
        names.push_back({{"judge", judge}, {"name", j ? j->name : judge}});
      }
      missing = {{"round", round}, {"entry", entry}, {"judges", std::move(names)}};
    }
  }
  const core::Judge* chief = show.contest().chief();
  return {{"tolerance", show.contest().scoring.tolerance.enabled()},
          {"chief", chief ? json(chief->id) : json(nullptr)},
          {"reviews", reviews_json(show)},
          {"missing", std::move(missing)}};
}

json host_extras_json(const core::Show& show, const Connections& connections,
                      const Presence& presence) {
  json panel = json::array();
  json preview = nullptr;
  if (const auto& on_stage = show.on_stage()) {
    const auto& [round, entry] = *on_stage;
    for (const auto& [judge_id, status] : show.judge_panel(round, entry)) {
      const core::Judge* judge = show.contest().find_judge(judge_id);
      json item = {{"judge", judge_id},
                   {"name", judge ? judge->name : judge_id},
                   {"status", status},
                   {"total", nullptr}};
      if (const core::Marks* marks = show.marks(judge_id, round, entry)) {
        item["total"] = core::judge_total(*marks);
        item["marks"] = *marks;
      }
      panel.push_back(std::move(item));
    }
    if (const auto result = show.result(round, entry)) {
      preview = entry_result_json(show, round, *result);
    }
  }
  json polls = json::array();
  for (const auto& poll : show.polls()) {
    polls.push_back({{"id", poll.id},
                     {"round", poll.round},
                     {"entries", poll.entries},
                     {"open", poll.open},
                     {"total", poll.total},
                     {"kind", poll_kind(poll)}});
  }
  return {{"panel", std::move(panel)},
          {"preview", std::move(preview)},
          {"connections", connections_json(connections)},
          {"polls", std::move(polls)},
          {"judges", judges_json(show, presence)},
          // Something has happened (a vote, a score, a host action): no more imports.
          {"started", show.version() > 0},
          // Recomputed with every state: a score landing moves the figures.
          {"judge_stats", judge_stats_view(show)},
          // The tolerance review and who the lock waits for (the console's desk view).
          {"desk", desk_json(show)}};
}

json ledger_head_json(std::int64_t seq, std::string_view short_head) {
  return {{"seq", seq}, {"head", std::string(short_head)}};
}

json judge_extras_json(const core::Show& show, const core::Judge& judge) {
  json entries = json::array();
  for (const auto& round : show.contest().rounds) {
    for (const auto& entry_id : show.running_order(round.id)) {
      const core::Entry* entry = show.contest().find_entry(entry_id);
      const auto status = show.entry_state(round.id, entry_id).status;
      const core::Marks* marks = show.marks(judge.id, round.id, entry_id);
      const char* mine = "upcoming";
      if (entry && core::is_recused(judge, *entry)) {
        mine = "recused";
      } else if (status == core::EntryStatus::locked || status == core::EntryStatus::revealed) {
        mine = "locked";
      } else if (marks) {
        mine = "submitted";
      } else if (status == core::EntryStatus::on_stage) {
        mine = "to_score";
      }
      entries.push_back({{"round", round.id},
                         {"entry", entry_id},
                         {"status", mine},
                         {"marks", marks ? json(*marks) : json(nullptr)}});
    }
  }
  // Re-checks asked of this judge: the entry and the panel's kept range, never the other
  // judges' marks.
  json rechecks = json::array();
  for (const auto& round : show.contest().rounds) {
    for (const auto& entry_id : show.running_order(round.id)) {
      if (show.entry_state(round.id, entry_id).status != core::EntryStatus::on_stage) continue;
      const core::ReviewStatus review = show.review(round.id, entry_id);
      if (!review.recheck || review.recheck->judge != judge.id) continue;
      const core::Marks* marks = show.marks(judge.id, round.id, entry_id);
      rechecks.push_back({{"round", round.id},
                          {"entry", entry_id},
                          {"note", review.recheck->note},
                          {"kept_min", review.check.kept_min},
                          {"kept_max", review.check.kept_max},
                          {"total", marks ? json(core::judge_total(*marks)) : json(nullptr)}});
    }
  }
  json extras = {
      {"id", judge.id}, {"entries", std::move(entries)}, {"rechecks", std::move(rechecks)}};
  // The chief's desk rides on the chief's own view (phone and desk tab alike).
  if (judge.chief) extras["desk"] = desk_json(show);
  return extras;
}

Message tally_message(const core::Poll& poll) {
  const json tally = {{"type", "tally"},     {"poll", poll.id},   {"counts", poll_counts(poll)},
                      {"total", poll.total}, {"open", poll.open}, {"closes_at", poll.closes_at}};
  return make_message(tally.dump());
}

json entry_result_json(const core::Show& show, std::string_view round,
                       const core::EntryResult& result) {
  json item = core::result_to_json(result);
  const auto& state = show.entry_state(round, result.entry);
  item["plain_mean"] = result.plain_mean;
  item["status"] = core::to_string(state.status);
  item["amended"] = state.amended;
  return item;
}

json round_results_json(const core::Show& show, std::string_view round) {
  json entries = json::array();
  for (const auto& result : show.results(round)) {
    entries.push_back(entry_result_json(show, round, result));
  }
  return {{"round", round}, {"entries", std::move(entries)}};
}

namespace {

// Figures to 4 decimals: the stats are read by people, not recomputed from the JSON.
json figure_json(const core::Figure& figure) {
  json value = nullptr;
  if (figure.value) value = std::round(*figure.value * 1e4) / 1e4;
  return {{"value", value}, {"n", figure.n}};
}

json judge_stats_view(const core::Show& show) {
  const auto round = live_stats_round(show);
  if (!round) return nullptr;
  return judge_stats_json(show.contest(), *round,
                          core::judge_stats(show.contest().scoring, show.contest().judges,
                                            core::scored_entries(show, *round)));
}

}  // namespace

json judge_stats_json(const core::Contest& contest, std::string_view round,
                      const core::RoundStats& stats, const core::StatsThresholds& thresholds) {
  json judges = json::array();
  for (const auto& s : stats.judges) {
    const core::Judge* judge = contest.find_judge(s.judge);
    judges.push_back(
        {{"judge", s.judge},
         {"name", judge ? judge->name : s.judge},
         {"entries", s.entries},
         {"flags", s.flags},
         {"bias", figure_json(s.bias)},
         {"marking_score", figure_json(s.marking_score)},
         {"scatter", figure_json(s.scatter)},
         {"dropped_high", s.dropped_high},
         {"dropped_low", s.dropped_low},
         {"spearman", figure_json(s.spearman)},
         {"related", figure_json(s.related)},
         {"affinity", figure_json(s.affinity)},
         {"related_units", judge ? judge->related_units : std::vector<std::string>{}}});
  }
  return {{"round", round},
          {"sigma", figure_json(stats.sigma)},
          {"panel_bias", figure_json(stats.panel_bias)},
          {"typical_scatter", figure_json(stats.typical_scatter)},
          {"thresholds",
           {{"min_entries", thresholds.min_entries},
            {"bias", thresholds.bias},
            {"bias_errors", thresholds.bias_errors},
            {"noisy", thresholds.noisy},
            {"reversed", thresholds.reversed},
            {"affinity", thresholds.affinity}}},
          {"judges", std::move(judges)}};
}

std::optional<std::string> live_stats_round(const core::Show& show) {
  if (const auto& on_stage = show.on_stage()) return on_stage->first;
  std::optional<std::string> last;
  for (const auto& round : show.contest().rounds) {
    for (const auto& entry : show.running_order(round.id)) {
      bool scored = false;
      for (const auto& judge : show.contest().judges)
        if (show.marks(judge.id, round.id, entry)) scored = true;
      if (scored) {
        last = round.id;
        break;
      }
    }
  }
  return last;
}

}  // namespace stagevote::protocol
