#pragma once
// What the import tests share: deterministic judge tokens and ways to look at import problems.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "tools/problem.hpp"

namespace stagevote::tools::testing {

// Deterministic tokens so that tests can compare whole contests.
inline std::function<std::string()> counting_tokens() {
  auto next = std::make_shared<int>(0);
  return [next] { return "generated-" + std::to_string(++*next); };
}

inline std::string problems_text(const Problems& problems) {
  std::string text;
  for (const auto& p : problems) text += to_string(p) + "\n";
  return text;
}

inline bool has_problem(const Problems& problems, const std::string& file, int line,
                        const std::string& words) {
  return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) {
    return p.file == file && p.line == line && p.reason.find(words) != std::string::npos;
  });
}

}  // namespace stagevote::tools::testing
