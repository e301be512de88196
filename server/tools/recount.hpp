#pragma once
// `stagevote recount`: the round's results rebuilt from raw data — the votes table (one row
// per device and poll) and the ledger's score and correction records — without replaying the
// show, compared entry by entry with what the replayed show reported (what was shown).
#include <optional>
#include <string>
#include <vector>

#include "core/scoring.hpp"

namespace stagevote::store {
class Store;
}

namespace stagevote::tools {

struct RecountLine {
  std::string entry;
  long votes_shown = 0, votes_counted = 0;
  // Published figures, as printed; the checks compare the unrounded ones.
  std::optional<core::Decimal> judges_shown, judges_counted;  // judge components
  core::Decimal final_shown, final_counted;
  int rank_shown = 0, rank_counted = 0;
  bool totals_match = true;              // every judge's total and dropped flag agree
  std::vector<std::string> differences;  // "votes", "judge totals", "final", "rank" ...
};

struct RecountReport {
  std::string round;
  std::vector<RecountLine> lines;  // in the recount's rank order
  std::vector<std::string> notes;  // e.g. votes for an entry the poll did not offer
  std::string replay_error;        // the ledger did not replay: nothing to compare with
  std::string chain_error;         // the hash chain is broken: nothing recounted
  long polls = 0;
  long table_votes = 0;
  bool ok() const;
};

// Checks the ledger's hash chain first: a broken chain (a record edited by hand) is reported in
// `chain_error` and nothing is recounted, since raw data that may have been edited proves
// nothing. Throws std::invalid_argument for an unknown round, engine::RestoreError without a
// contest.
RecountReport recount_round(const store::Store& store, const std::string& round);

// The comparison as a text table, ending with "ok: ..." or "DIFFERENT: ...".
std::string format_recount(const RecountReport& report);

}  // namespace stagevote::tools
