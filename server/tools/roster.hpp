#pragma once
// Entries and judges, from tables (CSV/XLSX) or inline in the scheme, checked one by one
// against the scheme and each other, then placed in the rounds' running orders.
#include <functional>
#include <string>
#include <vector>

#include "tools/draft.hpp"
#include "tools/table.hpp"

namespace stagevote::tools {

// Rows of an entries / judges table (header row mapped by headers.hpp; title rows above it
// skipped, with a note). Rows with a missing required cell or a bad order number are reported
// and left out. A judges table without a 编号/id column gets ids J1, J2 … in file order (noted).
std::vector<EntryRow> entry_rows_from_table(const Table& table, Problems& problems,
                                            std::vector<std::string>& notes);
std::vector<JudgeRow> judge_rows_from_table(const Table& table, Problems& problems,
                                            std::vector<std::string>& notes);

// Adds entries that pass: unique valid id, title and unit present, unit/form/theme listed
// by the scheme when it lists them, rounds known.
void add_entries(Draft& draft, const std::vector<EntryRow>& rows, Problems& problems);

// Units, forms and themes the scheme did not list are those the entries use (first use order).
void collect_names(Draft& draft);

// Adds judges that pass: unique valid id, name, a known unit (or none), a unique token of
// at least core::kMinJudgeTokenLength (16) URL-safe characters, or none (then `make_token` makes
// one).
void add_judges(Draft& draft, const std::vector<JudgeRow>& rows,
                const std::function<std::string()>& make_token, Problems& problems);

// Fills the running orders: a round the scheme lists entries for keeps that list; other rounds
// get the entries whose 轮次/round names them (an empty cell: the first round), sorted by
// 顺序/order when given, else in file order. Every entry must end up in a round.
void place_entries(Draft& draft, Problems& problems);

// Ids are used in URLs, JSON and file names: non-empty, at most 64 bytes, no spaces or
// control characters.
bool is_valid_id(const std::string& id);

}  // namespace stagevote::tools
