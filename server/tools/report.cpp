#include "tools/report.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "tools/text.hpp"

namespace stagevote::tools {

const char* status_label(core::EntryStatus status) {
  switch (status) {
    case core::EntryStatus::pending:
      return "未上场 pending";
    case core::EntryStatus::on_stage:
      return "进行中 on stage";
    case core::EntryStatus::locked:
      return "已锁定 locked";
    case core::EntryStatus::revealed:
      return "已揭晓 revealed";
  }
  return "";
}

std::string describe_marks(const core::ScoringScheme& scheme, const core::Marks& marks) {
  std::string text;
  for (const auto& criterion : scheme.criteria) {
    auto mark = marks.find(criterion.id);
    if (mark == marks.end()) continue;
    if (!text.empty()) text += ", ";
    text += criterion.id + " " + format_number(mark->second);
  }
  return text + " = " + format_fixed(core::judge_total(marks), scheme.decimals);
}

std::string format_time(core::Millis at) {
  std::time_t seconds = static_cast<std::time_t>(at / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S %z", &local);
  return buffer;
}

std::vector<Correction> corrections_of(const core::Show& show, std::string_view round_id) {
  std::vector<Correction> corrections;
  const core::Contest& contest = show.contest();
  const core::Round* round = contest.find_round(round_id);
  if (!round) return corrections;
  for (const auto& entry : round->entries) {
    for (const auto& judge : contest.judges) {
      const auto& revisions = show.revisions(judge.id, round_id, entry);
      for (std::size_t i = 0; i < revisions.size(); ++i) {
        if (!revisions[i].correction) continue;
        Correction c;
        c.round = round->id;
        c.entry = entry;
        c.judge = judge.id;
        if (i > 0) c.before = revisions[i - 1].marks;
        c.after = revisions[i].marks;
        c.at = revisions[i].at;
        c.reason = revisions[i].reason;
        if (!revisions[i].by.empty()) c.who = revisions[i].by;
        corrections.push_back(std::move(c));
      }
    }
  }
  std::stable_sort(corrections.begin(), corrections.end(),
                   [](const Correction& a, const Correction& b) { return a.at < b.at; });
  return corrections;
}

RoundReport build_round_report(const core::Show& show, std::string_view round_id) {
  const core::Contest& contest = show.contest();
  RoundReport report;
  report.round = contest.find_round(round_id);
  if (!report.round) throw std::invalid_argument("unknown round " + std::string(round_id));

  const auto awards = show.awards(round_id);
  for (auto& result : show.results(round_id)) {
    ReportRow row;
    row.entry = contest.find_entry(result.entry);
    const auto& state = show.entry_state(round_id, result.entry);
    row.status = state.status;
    row.amended = state.amended;
    for (const auto& award : awards)
      if (award.entry == result.entry) row.awards.push_back(award.name);
    for (const auto& judge : contest.judges) {
      JudgeCell cell;
      cell.judge = judge.id;
      if (row.entry && core::is_recused(judge, *row.entry)) {
        cell.state = JudgeCell::State::recused;
      } else if (const core::Marks* marks = show.marks(judge.id, round_id, result.entry)) {
        cell.state = JudgeCell::State::scored;
        cell.marks = *marks;
        cell.total = core::judge_total(*marks);
        const auto& revisions = show.revisions(judge.id, round_id, result.entry);
        cell.corrected = !revisions.empty() && revisions.back().correction;
        for (const auto& scored : result.judge_scores)
          if (scored.judge == judge.id) cell.dropped = scored.dropped;
      }
      row.judges.push_back(std::move(cell));
    }
    row.result = std::move(result);
    report.rows.push_back(std::move(row));
  }
  report.corrections = corrections_of(show, round_id);
  for (const auto& poll : show.polls()) {
    if (poll.round != round_id) continue;
    report.polls.push_back({poll.id, poll.entries, poll.admission, poll.total, poll.opened_at,
                            poll.closed_at, poll.refusals});
  }
  report.admission = show.admission();
  return report;
}

Standing standing_of(const ReportRow& row) {
  switch (row.status) {
    case core::EntryStatus::revealed:
      return Standing::ranked;
    case core::EntryStatus::pending:
      return Standing::not_started;
    case core::EntryStatus::on_stage:
    case core::EntryStatus::locked:
      return Standing::not_finished;
  }
  return Standing::not_finished;
}

std::vector<int> published_ranks(const RoundReport& report) {
  std::vector<int> ranks;
  for (const auto& row : report.rows) {
    if (standing_of(row) != Standing::ranked) {
      ranks.push_back(0);
      continue;
    }
    // Revealed entries the show ranks above this one; an unrevealed one never pushes it down.
    int above = 0;
    for (const auto& other : report.rows)
      if (standing_of(other) == Standing::ranked && other.result.rank < row.result.rank) ++above;
    ranks.push_back(above + 1);
  }
  return ranks;
}

bool is_provisional(const core::EntryResult& result) {
  return result.provisional;
}

std::string admission_of(const RoundReport& report, std::string_view entry) {
  std::string modes;
  for (const auto& poll : report.polls) {
    if (std::find(poll.entries.begin(), poll.entries.end(), entry) == poll.entries.end()) continue;
    const std::string mode = core::to_string(poll.admission);
    if (modes.find(mode) == std::string::npos) modes += (modes.empty() ? "" : "+") + mode;
  }
  return modes;
}

std::string describe_refusals(const std::map<std::string, long>& refusals) {
  std::string out;
  for (const auto& [reason, count] : refusals) {
    out += (out.empty() ? "" : ", ") + reason + " " + std::to_string(count);
  }
  return out.empty() ? "none" : out;
}

std::string admission_label(core::Admission admission) {
  switch (admission) {
    case core::Admission::open:
      return "观众入场 admission: open（每部手机一票，按来源地址限额 one vote per phone, capped "
             "per network address）";
    case core::Admission::code:
      return "观众入场 admission: code（凭现场大屏加入码 with the join code on the venue screen）";
    case core::Admission::ticket:
      return "观众入场 admission: ticket（凭座位票，一票一人 one seat ticket, one voter）";
  }
  return "";
}

}  // namespace stagevote::tools
