#pragma once
// What every export says about a round: each entry's result as the show computes it (the
// contract's definitions, via core::Show::results), every judge's marks, awards, and the
// host's corrections with before and after.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/show.hpp"

namespace stagevote::tools {

// A score corrected by the host after lock.
struct Correction {
  std::string round, entry, judge;
  std::optional<core::Marks> before;  // the marks it replaced (none: the judge had not scored)
  core::Marks after;
  std::string who = "host";  // the operator the console named; "host" in older records
  core::Millis at = 0;
  std::string reason;
};

struct JudgeCell {
  enum class State { not_scored, scored, recused };
  std::string judge;
  State state = State::not_scored;
  core::Marks marks;
  double total = 0;
  bool dropped = false;    // trimmed as a highest or lowest total
  bool corrected = false;  // the current marks are a host correction
};

struct ReportRow {
  const core::Entry* entry = nullptr;
  core::EntryResult result;
  std::vector<JudgeCell> judges;    // in the contest's judge order
  std::vector<std::string> awards;  // award names (a tier and/or the popularity award)
  core::EntryStatus status = core::EntryStatus::pending;
  bool amended = false;
};

// An audience poll of the round: who could vote (the admission mode it was opened in) and
// the hellos refused while it was open.
struct PollRecord {
  std::string id;
  std::vector<std::string> entries;
  core::Admission admission = core::Admission::open;
  long total = 0;
  core::Millis opened_at = 0, closed_at = 0;  // closed_at 0: still open
  std::map<std::string, long> refusals;       // by reason
};

struct RoundReport {
  const core::Round* round = nullptr;
  std::vector<ReportRow> rows;  // rank order, as Show::results gives it
  std::vector<Correction> corrections;
  std::vector<PollRecord> polls;                      // opening order
  core::Admission admission = core::Admission::open;  // the mode in force now
};

// "code" for the polls that counted an entry's votes ("open+code" when they differ; "" none).
std::string admission_of(const RoundReport& report, std::string_view entry);
// "too_many 3, unauthorized 12" ("none" when nothing was refused).
std::string describe_refusals(const std::map<std::string, long>& refusals);
// "观众入场 admission: code" and what it means, bilingual, for the head of every export.
std::string admission_label(core::Admission admission);

// Throws std::invalid_argument for an unknown round.
RoundReport build_round_report(const core::Show& show, std::string_view round);

// Corrections of a round, oldest first.
std::vector<Correction> corrections_of(const core::Show& show, std::string_view round);

// "theme 27.5, art 30, live 20 = 77.5" (criterion ids in the scheme's order).
std::string describe_marks(const core::ScoringScheme& scheme, const core::Marks& marks);

// Local wall-clock time of a ledger timestamp: "2025-11-26 20:15:03 +0800".
std::string format_time(core::Millis at);

// The 公示's standing of a row: a revealed entry is ranked among the revealed ones; an entry
// that never went on stage is 未参赛, one on stage or locked but not revealed is 未完成 (both
// listed without rank or figures: nothing was published for them).
enum class Standing { ranked, not_started, not_finished };
Standing standing_of(const ReportRow& row);
// The printed rank of each row of `report` (0 for an unranked one): its place among the
// revealed entries, ties sharing one as the show ranks them (1, 1, 3).
std::vector<int> published_ranks(const RoundReport& report);
// Whether the figure may still move (暂计): the round's audience vote is not over (relative
// mode) or the entry's rating poll is not closed (rating mode).
bool is_provisional(const core::EntryResult& result);

// Bilingual labels used by every export.
const char* status_label(core::EntryStatus status);  // "已揭晓 revealed"
inline constexpr const char* kAmendedLabel = "已更正 amended";
inline constexpr const char* kDroppedLabel = "去掉 dropped";
inline constexpr const char* kRecusedLabel = "回避 recused";

}  // namespace stagevote::tools
