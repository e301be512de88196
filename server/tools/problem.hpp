#pragma once
// One thing wrong with an organiser's file, precise enough to fix it without guessing.
#include <string>
#include <vector>

namespace stagevote::tools {

struct Problem {
  std::string file;    // the file's name as the organiser gave it
  int line = 0;        // 1-based line (CSV), row (XLSX) or source line (TOML/JSON); 0: whole file
  std::string reason;  // what is wrong, and where it matters, in one sentence
};

// "entries.csv:7: duplicate id e03 (first on line 4)"; "judges.xlsx: no header row".
std::string to_string(const Problem& problem);

using Problems = std::vector<Problem>;

}  // namespace stagevote::tools
