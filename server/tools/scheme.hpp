#pragma once
// The contest's scheme file (TOML or JSON, the shape of GET /api/contest): contest name,
// scoring rules, rounds, awards, and optionally units, forms, themes, entries and judges.
// See docs/data.md for the format.
#include <vector>

#include "tools/document.hpp"
#include "tools/draft.hpp"

namespace stagevote::tools {

// Reads the scheme into `draft.contest` (without entries and judges) and returns the
// entries and judges the scheme lists inline. Every problem names the file and line.
struct SchemeRosters {
  std::vector<EntryRow> entries;
  std::vector<JudgeRow> judges;
};
SchemeRosters read_scheme(const Document& doc, Draft& draft, Problems& problems);

}  // namespace stagevote::tools
