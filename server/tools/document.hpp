#pragma once
// A scheme file (TOML or JSON) read into one JSON value, remembering the source line of
// every value so that a problem deep inside it can say where to look.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tools/problem.hpp"
#include "tools/table.hpp"

namespace stagevote::tools {

struct Document {
  std::string file;
  nlohmann::json root;
  std::map<std::string, int> lines;  // JSON pointer ("/scoring/criteria/0/max") -> line

  // The line of `pointer`, or of its nearest ancestor that has one (0 if none).
  int line_of(std::string pointer) const;
};

// Parses .toml or .json (by extension). Syntax errors are Problems with their line;
// returns nullopt then.
std::optional<Document> parse_document(const SourceFile& source, Problems& problems);

}  // namespace stagevote::tools
