#pragma once
// A contest being assembled from an organiser's files, with where each part came from, so
// that every check can name the file and line to fix.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "tools/problem.hpp"

namespace stagevote::tools {

struct Origin {
  std::string file;
  int line = 0;
};

// One entry as a file states it, before it is checked.
struct EntryRow {
  Origin origin;
  core::Entry entry;
  std::vector<std::string> rounds;  // round ids or names as written (table column 轮次)
  bool rounds_given = false;        // the file had a round column (tables only)
  std::optional<int> order;         // running order within its rounds (table column 顺序)
  std::string order_text;           // as written, for messages
};

// One judge as a file states it.
struct JudgeRow {
  Origin origin;
  core::Judge judge;  // token empty: one is made
};

struct Draft {
  core::Contest contest;        // the scheme part first; entries and judges added as they pass
  Origin scheme;                // the scheme file (line 0)
  bool units_declared = false;  // the scheme lists units: entries must use them
  bool forms_declared = false;
  bool themes_declared = false;
  std::vector<Origin> round_origin;       // parallel to contest.rounds
  std::vector<bool> round_lists_entries;  // the scheme gives the round's running order
  std::vector<std::vector<Origin>> round_entry_origin;  // line of each listed entry id
  std::map<std::string, Origin> entry_origin;           // by entry id
  std::map<std::string, Origin> judge_origin;           // by judge id
  std::map<std::string, Origin> token_origin;  // by token (tokens are secrets: not printed)
  // Table rows that name rounds, in file order: (entry id, round index, order).
  struct Membership {
    std::string entry;
    std::size_t round = 0;
    std::optional<int> order;
    Origin origin;
  };
  std::vector<Membership> memberships;
  std::vector<std::string> generated_tokens;  // judge ids whose token was made here
  std::vector<std::string> notes;             // for ImportPlan::notes (outside judges)
};

}  // namespace stagevote::tools
