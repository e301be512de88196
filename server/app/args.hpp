#pragma once
// The one command-line reader of every `stagevote` command: `--flag VALUE` and
// `--flag=VALUE`, switches, flags that may be repeated, and bare words. An unknown flag, a
// missing value or a non-repeatable flag given twice is a UsageError.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace stagevote::app {

// A bad command line: main prints "stagevote: <what>" (and the command's usage) and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // Flag names without the leading dashes. `--help` and `-h` are always the switch "help".
  struct Spec {
    std::set<std::string> flags;       // take a value
    std::set<std::string> switches;    // take none
    std::set<std::string> repeatable;  // of `flags`: may be given more than once
  };

  Args(const std::vector<std::string>& words, const Spec& spec);

  // The flag's value, if given (the last one for a repeatable flag).
  std::optional<std::string> get(const std::string& name) const;
  // Every value of a repeatable flag, in order.
  std::vector<std::string> all(const std::string& name) const;
  // The flag's value; a UsageError if it is missing or empty.
  std::string require(const std::string& name) const;
  // The flag's value if given; a UsageError if it is given empty.
  std::optional<std::string> non_empty(const std::string& name) const;
  // The flag's value as a whole number from 0 to `max`, if given.
  std::optional<unsigned long> number(const std::string& name, unsigned long max) const;
  bool has(const std::string& switch_name) const { return switches_.count(switch_name) != 0; }
  bool help() const { return has("help"); }
  const std::vector<std::string>& positional() const { return positional_; }
  // A UsageError naming the first bare word, if any (for commands that take none).
  void no_positional() const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> switches_;
  std::vector<std::string> positional_;
};

}  // namespace stagevote::app
