#pragma once
// Command-line parsing of `stagevote serve` and `stagevote results` (docs/protocol.md).
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/args.hpp"
#include "net/serve_options.hpp"

namespace stagevote::app {

struct ServeArgs {
  net::ServeOptions options;           // web_root: --web-root as given, "" if not
  bool max_audience_given = false;     // else serve sets it from the open-file limit
  bool max_connections_given = false;  // else serve sets it from the open-file limit
  std::string tls_cert;                // --tls-cert and --tls-key: both or neither
  std::string tls_key;
  bool help = false;
};

struct ResultsArgs {
  std::string db;
  std::string round;
  bool help = false;
};

// `args` are the words after the subcommand (read by Args). Throw UsageError.
ServeArgs parse_serve_args(const std::vector<std::string>& args);
ResultsArgs parse_results_args(const std::vector<std::string>& args);

extern const char* const kServeUsage;
extern const char* const kResultsUsage;
extern const char* const kUsage;

}  // namespace stagevote::app
