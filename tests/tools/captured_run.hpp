#pragma once
// Runs a command-line tool (app::run_import, run_tickets ...) in-process with std::cout and
// std::cerr captured, as a user at a terminal would see them.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace stagevote::tools::testing {

struct Run {
  int code = 0;
  std::string out, err;
};

template <class Tool>
Run run(Tool tool, const std::vector<std::string>& args) {
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  Run result;
  result.code = tool(args);
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace stagevote::tools::testing
