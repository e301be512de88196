#include "options.hpp"

#include <stdexcept>

namespace stagevote::bench {
namespace {

void parse_url(const std::string& url, Options& options) {
  const std::string scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("--url must start with ws://");
  const auto authority_end = url.find('/', scheme.size());
  const std::string authority = url.substr(scheme.size(), authority_end - scheme.size());
  options.path = authority_end == std::string::npos ? "/ws" : url.substr(authority_end);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    options.host = authority;
    options.port = "80";
  } else {
    options.host = authority.substr(0, colon);
    options.port = authority.substr(colon + 1);
  }
  if (options.host.empty() || options.port.empty()) {
    throw std::invalid_argument("--url needs a host and a port: " + url);
  }
}

double to_number(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used != text.size() || value < 0) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    throw std::invalid_argument(flag + " needs a non-negative number, got '" + text + "'");
  }
}

int to_int(const std::string& flag, const std::string& text) {
  const double value = to_number(flag, text);
  if (value != static_cast<int>(value)) throw std::invalid_argument(flag + " needs an integer");
  return static_cast<int>(value);
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  bool have_url = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--json") {
      options.json = true;
      continue;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value");
    const std::string& value = args[++i];
    if (flag == "--url") {
      parse_url(value, options);
      have_url = true;
    } else if (flag == "--host-key") {
      options.host_key = value;
    } else if (flag == "--phones") {
      options.phones = static_cast<std::size_t>(to_int(flag, value));
    } else if (flag == "--polls") {
      options.polls = to_int(flag, value);
    } else if (flag == "--rate") {
      options.rate = to_number(flag, value);
    } else if (flag == "--window") {
      options.window_s = to_number(flag, value);
    } else if (flag == "--resends") {
      options.resends = to_int(flag, value);
    } else if (flag == "--conns-per-phone") {
      options.conns_per_phone = to_int(flag, value);
    } else if (flag == "--threads") {
      options.threads = to_int(flag, value);
    } else if (flag == "--connect-rate") {
      options.connect_rate = to_number(flag, value);
    } else if (flag == "--connect-inflight") {
      options.connect_inflight = to_int(flag, value);
    } else if (flag == "--connect-attempts") {
      options.connect_attempts = to_int(flag, value);
    } else if (flag == "--sources") {
      options.sources = to_int(flag, value);
    } else if (flag == "--round") {
      options.round = value;
    } else if (flag == "--duration") {
      options.duration_s = to_int(flag, value);
    } else if (flag == "--wave-timeout") {
      options.wave_timeout_s = to_number(flag, value);
    } else if (flag == "--slow-readers") {
      options.slow_readers = static_cast<std::size_t>(to_int(flag, value));
    } else if (flag == "--server-pid") {
      options.server_pid = to_int(flag, value);
    } else if (flag == "--settle") {
      options.settle_s = to_number(flag, value);
    } else {
      throw std::invalid_argument("unknown flag " + flag);
    }
  }
  if (!have_url) throw std::invalid_argument("--url is required");
  if (options.host_key.empty()) throw std::invalid_argument("--host-key is required");
  if (options.phones == 0) throw std::invalid_argument("--phones must be at least 1");
  if (options.polls < 1) throw std::invalid_argument("--polls must be at least 1");
  if (options.threads < 1) throw std::invalid_argument("--threads must be at least 1");
  if (options.conns_per_phone < 1 || options.conns_per_phone > 2) {
    throw std::invalid_argument("--conns-per-phone must be 1 or 2");
  }
  if (options.connect_inflight < 1 || options.connect_rate <= 0 || options.connect_attempts < 1) {
    throw std::invalid_argument(
        "--connect-rate, --connect-inflight, --connect-attempts must be > 0");
  }
  if (options.sources > 1'000'000) {
    throw std::invalid_argument("--sources must be at most 1000000");
  }
  if (options.slow_readers > 100'000) {
    throw std::invalid_argument("--slow-readers must be at most 100000");
  }
  return options;
}

const char* usage() noexcept {
  return "usage: stagevote-bench --url ws://HOST:PORT/ws --host-key KEY --phones N [--polls K]\n"
         "                       [--json] [--rate VOTES_PER_S | --window SECONDS]\n"
         "                       [--resends R --conns-per-phone 2] [--threads T]\n"
         "                       [--connect-rate PER_S] [--connect-inflight N]\n"
         "                       [--connect-attempts N] [--sources N] [--round ID]\n"
         "                       [--duration S] [--wave-timeout S] [--server-pid PID]\n"
         "                       [--settle S] [--slow-readers N]\n";
}

}  // namespace stagevote::bench
