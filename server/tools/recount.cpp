#include "tools/recount.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/codec.hpp"
#include "core/scoring.hpp"
#include "engine/restore.hpp"
#include "store/store.hpp"

namespace stagevote::tools {
namespace {

struct RawPoll {
  std::string id;
  std::vector<std::string> entries;
  bool rating = false;  // a rating poll (scoring.audience_mode rating)
  bool closed = false;
};

// What the ledger says about the round, read record by record without the show.
struct RawRound {
  std::vector<RawPoll> polls;
  std::map<std::string, std::map<std::string, core::Marks>> marks;  // entry -> judge -> last
};

RawRound read_raw_round(const store::Store& store, const std::string& round,
                        std::vector<std::string>& notes) {
  RawRound raw;
  long poll_number = 0;  // polls are "p1", "p2", ... in opening order over the whole show
  store.for_each_record([&](const store::LedgerRecord& record) {
    if (record.kind != "open_poll" && record.kind != "score" && record.kind != "correct_score" &&
        record.kind != "close_poll")
      return;
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);
    auto command = core::command_from_json(record.kind, payload);
    if (!command) {
      notes.push_back("ledger seq " + std::to_string(record.seq) + " (" + record.kind +
                      ") does not decode: " + command.error().message);
      if (record.kind == "open_poll") ++poll_number;
      return;
    }
    if (auto* open = std::get_if<core::OpenPoll>(&command.value())) {
      ++poll_number;
      if (open->round == round)
        raw.polls.push_back({"p" + std::to_string(poll_number), open->entries,
                             open->kind == core::PollKind::rating});
    } else if (auto* close = std::get_if<core::ClosePoll>(&command.value())) {
      for (auto& poll : raw.polls)
        if (poll.id == close->poll) poll.closed = true;
    } else if (auto* score = std::get_if<core::Score>(&command.value())) {
      if (score->round == round) raw.marks[score->entry][score->judge] = score->marks;
    } else if (auto* fix = std::get_if<core::CorrectScore>(&command.value())) {
      if (fix->round == round) raw.marks[fix->entry][fix->judge] = fix->marks;
    }
  });
  return raw;
}

bool same(double a, double b) {
  return std::fabs(a - b) < 1e-9;
}

std::string text(const std::optional<core::Decimal>& figure) {
  return figure ? figure->text() : std::string("-");
}

}  // namespace

bool RecountReport::ok() const {
  if (!replay_error.empty() || !chain_error.empty()) return false;
  for (const auto& line : lines)
    if (!line.differences.empty()) return false;
  return true;
}

RecountReport recount_round(const store::Store& store, const std::string& round_id) {
  const core::Contest contest = engine::load_contest(store);
  const core::Round* round = contest.find_round(round_id);
  if (!round) throw std::invalid_argument("unknown round " + round_id);

  RecountReport report;
  report.round = round_id;
  if (const store::ChainCheck chain = store::Store::verify_chain(store.path()); !chain.ok) {
    report.chain_error =
        chain.first_bad_seq > 0
            ? "BROKEN at seq " + std::to_string(chain.first_bad_seq) + ": " + chain.reason
            : "BROKEN: " + chain.reason;
    return report;
  }
  RawRound raw = read_raw_round(store, round_id, report.notes);
  report.polls = static_cast<long>(raw.polls.size());

  // Votes: rows of the votes table, per poll of the round, for an entry the poll offered.
  std::map<std::string, long> votes;
  // Rating mode: an entry's ratings are those of its last closed rating poll.
  std::map<std::string, std::pair<long, long>> ratings;  // entry -> (count, sum)
  for (const auto& poll : raw.polls) {
    if (poll.rating) {
      const auto rows = store.votes_of_poll(poll.id);
      report.table_votes += static_cast<long>(rows.size());
      if (!poll.closed) continue;
      auto& [count, sum] = ratings[poll.entries.front()];
      count = 0;
      sum = 0;
      for (const auto& row : rows) {
        ++count;
        sum += row.rating;
      }
      continue;
    }
    for (const auto& row : store.votes_of_poll(poll.id)) {
      ++report.table_votes;
      if (std::find(poll.entries.begin(), poll.entries.end(), row.choice) == poll.entries.end()) {
        report.notes.push_back("poll " + poll.id + ": a vote for " + row.choice +
                               ", which the poll did not offer, is not counted");
        continue;
      }
      ++votes[row.choice];
    }
  }

  std::vector<core::ResultInput> inputs;
  for (const auto& entry_id : round->entries) {
    core::ResultInput input;
    input.entry = entry_id;
    input.votes = votes[entry_id];
    if (contest.scoring.audience_mode == core::AudienceMode::rating) {
      input.votes = ratings[entry_id].first;
      input.rating_sum = ratings[entry_id].second;
    }
    const core::Entry* entry = contest.find_entry(entry_id);
    for (const auto& judge : contest.judges) {
      auto found = raw.marks[entry_id].find(judge.id);
      if (found == raw.marks[entry_id].end()) continue;
      if (entry && core::is_recused(judge, *entry)) {
        report.notes.push_back("entry " + entry_id + ": marks of recused judge " + judge.id +
                               " are not counted");
        continue;
      }
      input.judge_totals.push_back({judge.id, core::judge_total(found->second), false});
    }
    inputs.push_back(std::move(input));
  }
  const auto counted = core::compute_results(contest.scoring, inputs);

  std::map<std::string, core::EntryResult> shown;
  try {
    core::Show show = engine::restore(store).show;
    for (auto& result : show.results(round_id)) shown[result.entry] = result;
  } catch (const engine::RestoreError& error) {
    report.replay_error = error.what();
  }

  for (const auto& result : counted) {
    RecountLine line;
    line.entry = result.entry;
    line.votes_counted = result.votes;
    line.judges_counted = result.published.judge_component;
    line.final_counted = result.published.final_score;
    line.rank_counted = result.rank;
    auto found = shown.find(result.entry);
    if (found == shown.end()) {
      if (report.replay_error.empty()) line.differences.push_back("not shown");
      report.lines.push_back(std::move(line));
      continue;
    }
    const core::EntryResult& s = found->second;
    line.votes_shown = s.votes;
    line.judges_shown = s.published.judge_component;
    line.final_shown = s.published.final_score;
    line.rank_shown = s.rank;
    if (s.votes != result.votes) line.differences.push_back("votes");
    std::map<std::string, std::pair<double, bool>> shown_totals;
    for (const auto& t : s.judge_scores) shown_totals[t.judge] = {t.total, t.dropped};
    line.totals_match = shown_totals.size() == result.judge_scores.size();
    for (const auto& t : result.judge_scores) {
      auto other = shown_totals.find(t.judge);
      if (other == shown_totals.end() || !same(other->second.first, t.total) ||
          other->second.second != t.dropped)
        line.totals_match = false;
    }
    if (!line.totals_match) line.differences.push_back("judge totals");
    if (s.judge_component.has_value() != result.judge_component.has_value() ||
        (s.judge_component && !same(*s.judge_component, *result.judge_component)))
      line.differences.push_back("judge component");
    if (!same(s.final_score, result.final_score)) line.differences.push_back("final");
    if (s.rank != result.rank) line.differences.push_back("rank");
    report.lines.push_back(std::move(line));
  }
  return report;
}

std::string format_recount(const RecountReport& report) {
  if (!report.chain_error.empty()) {
    return "round " + report.round + ": " + report.chain_error +
           "\nDIFFERENT: the ledger's hash chain is broken (the file was changed by hand), so "
           "its raw data proves nothing: not recounted (see stagevote verify)\n";
  }
  std::string out = "round " + report.round + ": " + std::to_string(report.polls) + " polls, " +
                    std::to_string(report.table_votes) + " rows in the votes table\n";
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%-12s %15s %21s %21s %9s  %s\n", "entry", "votes shown/raw",
                "judges shown/raw", "final shown/raw", "rank", "check");
  out += buffer;
  long differences = 0;
  for (const auto& line : report.lines) {
    std::string check = "ok";
    if (!line.differences.empty()) {
      ++differences;
      check = "DIFF";
      for (const auto& d : line.differences) check += " " + d;
    }
    std::snprintf(buffer, sizeof buffer, "%-12s %7ld/%-7ld %10s/%-10s %10s/%-10s %4d/%-4d  %s\n",
                  line.entry.c_str(), line.votes_shown, line.votes_counted,
                  text(line.judges_shown).c_str(), text(line.judges_counted).c_str(),
                  line.final_shown.text().c_str(), line.final_counted.text().c_str(),
                  line.rank_shown, line.rank_counted, check.c_str());
    out += buffer;
  }
  for (const auto& note : report.notes) out += "note: " + note + "\n";
  if (!report.replay_error.empty()) {
    out += "DIFFERENT: the ledger does not replay, so there is nothing shown to compare: " +
           report.replay_error + "\n";
  } else if (differences > 0) {
    out += "DIFFERENT: " + std::to_string(differences) + " of " +
           std::to_string(report.lines.size()) + " entries differ from what was shown\n";
  } else {
    out += "ok: " + std::to_string(report.lines.size()) +
           " entries match what was shown (votes, judge totals, components, finals, ranks)\n";
  }
  return out;
}

}  // namespace stagevote::tools
