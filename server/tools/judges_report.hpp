#pragma once
// `stagevote judges-report`: the judges' marking statistics of a round (core/judge_stats.hpp)
// as a spreadsheet and as a print-ready page (docs/judging.md). The JSON is the protocol's
// (protocol::judge_stats_json), so the report and the console show the same figures.
#include <cstdint>
#include <string>

#include "core/judge_stats.hpp"
#include "tools/grid.hpp"

namespace stagevote::tools {

// One row per judge: id, name, entries, flags, each figure with its N.
Grid judges_grid(const core::Contest& contest, const core::RoundStats& stats);

// A workbook with the grid and a sheet of definitions and thresholds.
std::string judges_report_xlsx(const core::Contest& contest, const std::string& round,
                               const core::RoundStats& stats,
                               const core::StatsThresholds& thresholds = {});

// A4 landscape HTML (no scripts), for print_pdf. `generated_at` (ms) is printed.
std::string judges_report_html(const core::Contest& contest, const std::string& round,
                               const core::RoundStats& stats, std::int64_t generated_at,
                               const core::StatsThresholds& thresholds = {});

}  // namespace stagevote::tools
