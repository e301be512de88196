// stagevote-bench: many audience phones against one server, through the documented protocol
// only. See docs/benchmarks.md.
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "options.hpp"
#include "report.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  using namespace stagevote::bench;
  Options options;
  try {
    options = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& bad) {
    std::cerr << "stagevote-bench: " << bad.what() << '\n' << usage();
    return 2;
  }
  try {
    const Report report = run(options);
    if (options.json) {
      std::cout << to_json(report).dump() << std::endl;
    } else {
      print_table(std::cout, report);
    }
    return 0;
  } catch (const std::exception& failure) {
    std::cerr << "stagevote-bench: " << failure.what() << '\n';
    return 1;
  }
}
