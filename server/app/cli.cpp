#include "app/cli.hpp"

#include <charconv>

namespace stagevote::app {

const char* const kUsage =
    "usage: stagevote <command> [options]\n"
    "  serve     run a show: pages, WebSocket, API (stagevote serve --help)\n"
    "  results   print a round's results JSON from a database\n"
    "  import, export, verify, recount   organisers' tools (docs/data.md)\n";

const char* const kServeUsage =
    "usage: stagevote serve [--port N] [--bind ADDR] [--db FILE] [--demo] [--host-key KEY]\n"
    "                       [--allow-origin ORIGIN]... [--threads N] [--public-url URL]\n"
    "                       [--web-root DIR]\n"
    "  --port N             TCP port (default 8080; 0 picks a free one)\n"
    "  --bind ADDR          address to listen on (default 0.0.0.0)\n"
    "  --db FILE            SQLite database (default stagevote.db; created if missing)\n"
    "  --demo               load the bundled demo contest into an empty database\n"
    "  --host-key KEY       host console key (else $STAGEVOTE_HOST_KEY, else stored/generated)\n"
    "  --allow-origin O     only pages from this Origin may open /ws (repeatable)\n"
    "  --threads N          network threads (default: one per core)\n"
    "  --public-url URL     base URL phones use (default http://<LAN address>:<port>)\n"
    "  --web-root DIR       folder holding display/ and voter-web/\n";

const char* const kResultsUsage = "usage: stagevote results --db FILE --round ID\n";

namespace {

// Walks "--flag value" pairs; values may also be given as "--flag=value".
class ArgReader {
 public:
  explicit ArgReader(const std::vector<std::string>& args) : args_(args) {}

  bool next() {
    if (index_ >= args_.size()) return false;
    const std::string& word = args_[index_++];
    inline_value_.reset();
    flag_ = word;
    if (const auto eq = word.find('='); word.rfind("--", 0) == 0 && eq != std::string::npos) {
      flag_ = word.substr(0, eq);
      inline_value_ = word.substr(eq + 1);
    }
    return true;
  }
  const std::string& flag() const { return flag_; }

  std::string value() {
    if (inline_value_) return *inline_value_;
    if (index_ >= args_.size()) throw UsageError(flag_ + " needs a value");
    return args_[index_++];
  }

  unsigned long number(unsigned long max) {
    const std::string text = value();
    unsigned long result = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (ec != std::errc() || end != text.data() + text.size() || result > max) {
      throw UsageError(flag_ + " expects a number from 0 to " + std::to_string(max) + ", not '" +
                       text + "'");
    }
    return result;
  }

  void no_value() {
    if (inline_value_) throw UsageError(flag_ + " takes no value");
  }

 private:
  const std::vector<std::string>& args_;
  std::size_t index_ = 0;
  std::string flag_;
  std::optional<std::string> inline_value_;
};

std::string non_empty(ArgReader& reader) {
  std::string value = reader.value();
  if (value.empty()) throw UsageError(reader.flag() + " must not be empty");
  return value;
}

}  // namespace

ServeArgs parse_serve_args(const std::vector<std::string>& args) {
  ServeArgs parsed;
  net::ServeOptions& out = parsed.options;
  ArgReader reader(args);
  while (reader.next()) {
    const std::string& flag = reader.flag();
    if (flag == "--port") {
      out.port = static_cast<unsigned short>(reader.number(65535));
    } else if (flag == "--bind") {
      out.bind = non_empty(reader);
    } else if (flag == "--db") {
      out.db = non_empty(reader);
    } else if (flag == "--demo") {
      reader.no_value();
      out.demo = true;
    } else if (flag == "--host-key") {
      out.host_key = non_empty(reader);
    } else if (flag == "--allow-origin") {
      out.allowed_origins.push_back(non_empty(reader));
    } else if (flag == "--threads") {
      out.threads = static_cast<unsigned>(reader.number(256));
    } else if (flag == "--public-url") {
      out.public_url = non_empty(reader);
    } else if (flag == "--web-root") {
      out.web_root = non_empty(reader);
    } else if (flag == "--help" || flag == "-h") {
      parsed.help = true;
    } else {
      throw UsageError("unknown option '" + flag + "' (see stagevote serve --help)");
    }
  }
  return parsed;
}

ResultsArgs parse_results_args(const std::vector<std::string>& args) {
  ResultsArgs out;
  ArgReader reader(args);
  while (reader.next()) {
    const std::string& flag = reader.flag();
    if (flag == "--db") {
      out.db = non_empty(reader);
    } else if (flag == "--round") {
      out.round = non_empty(reader);
    } else if (flag == "--help" || flag == "-h") {
      out.help = true;
    } else {
      throw UsageError("unknown option '" + flag +
                       "' (usage: stagevote results --db FILE --round ID)");
    }
  }
  if (!out.help && out.db.empty()) throw UsageError("results needs --db FILE");
  if (!out.help && out.round.empty()) throw UsageError("results needs --round ID");
  return out;
}

}  // namespace stagevote::app
