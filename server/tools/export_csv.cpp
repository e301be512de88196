// Results as CSV: the seal, then the grid of each round, written as RFC 4180 with a BOM.
#include <stdexcept>

#include "tools/csv.hpp"
#include "tools/exporters.hpp"
#include "tools/grid.hpp"

namespace stagevote::tools {

std::string export_results_csv(const core::Show& show, const std::optional<std::string>& round,
                               const LedgerSeal& seal) {
  const core::Contest& contest = show.contest();
  std::string out(kUtf8Bom);
  // First, so that a printed or forwarded file names the ledger it came from.
  append_csv_row(out, {seal_text(seal)});
  auto write = [&](const Grid& grid, bool with_header) {
    if (with_header) append_csv_row(out, grid.header);
    for (const auto& cells : grid.rows) {
      std::vector<std::string> fields;
      fields.reserve(cells.size());
      for (const auto& cell : cells) fields.push_back(cell.text);
      append_csv_row(out, fields);
    }
  };
  if (round) {
    write(round_grid(contest, build_round_report(show, *round), false), true);
    return out;
  }
  if (contest.rounds.empty()) throw std::invalid_argument("the contest has no rounds");
  bool first = true;
  for (const auto& r : contest.rounds) {
    write(round_grid(contest, build_round_report(show, r.id), true), first);
    first = false;
  }
  return out;
}

}  // namespace stagevote::tools
