#include "tools/problem.hpp"

namespace stagevote::tools {

std::string to_string(const Problem& problem) {
  std::string text = problem.file;
  if (problem.line > 0) text += ":" + std::to_string(problem.line);
  return text + ": " + problem.reason;
}

}  // namespace stagevote::tools
