#pragma once
// A round's results laid out as a table, once, for the CSV and XLSX exports: the same header
// and cells in both, the XLSX adding number formats and highlighting.
#include <optional>
#include <string>
#include <vector>

#include "tools/report.hpp"

namespace stagevote::tools {

struct GridCell {
  enum class Mark { none, dropped, corrected, recused, amended };
  std::string text;              // as the CSV writes it
  std::optional<double> number;  // the XLSX writes numbers as numbers
  int decimals = -1;             // the XLSX's number format (-1: as it is)
  Mark mark = Mark::none;
};

struct Grid {
  std::string name;  // sheet name
  std::vector<std::string> header;
  std::vector<std::vector<GridCell>> rows;
};

// One row per entry in rank order: rank, entry fields, each judge's marks per criterion, total
// and whether it was dropped, the published components, plain mean and final (the digits the
// ranks were decided on), award, status, amended. With
// `round_column` every row starts with the round (for the whole-contest CSV).
Grid round_grid(const core::Contest& contest, const RoundReport& report, bool round_column);

// One row per audience poll of the rounds: round, poll, entries, admission, votes, opened,
// closed, refused.
Grid polls_grid(const std::vector<RoundReport>& reports);

// One row per correction: round, entry, judge, before, after, who, when, why.
Grid corrections_grid(const core::Contest& contest, const std::vector<Correction>& corrections);

// A workbook of the grids, one sheet each, formatted as the results' sheets (export_xlsx.cpp).
std::string grids_xlsx(const std::vector<Grid>& grids);

}  // namespace stagevote::tools
