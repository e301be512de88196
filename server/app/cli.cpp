#include "app/cli.hpp"

#include <algorithm>
#include <string>

#include "engine/credential_guard.hpp"
#include "engine/credentials.hpp"
#include "net/connection_budget.hpp"

namespace stagevote::app {

const char* const kUsage =
    "usage: stagevote <command> [options]\n"
    "  serve     run a show: pages, WebSocket, API (stagevote serve --help)\n"
    "  results   print a round's results JSON from a database\n"
    "  import, export, verify, recount   organisers' tools (docs/data.md)\n"
    "  tickets   make seat tickets and print them to PDF (stagevote tickets --help)\n"
    "  keys      a new host key for a database (stagevote keys --help)\n"
    "  judge-cards   print the judges' cards to PDF (stagevote judge-cards --help)\n"
    "  judges-report the judges' marking statistics of a round (docs/judging.md)\n";

const char* const kServeUsage =
    "usage: stagevote serve [--port N] [--bind ADDR] [--db FILE] [--demo] [--host-key KEY]\n"
    "                       [--host-from CIDR]... [--allow-origin ORIGIN]... [--threads N]\n"
    "                       [--public-url URL] [--web-root DIR] [--audience-per-address N]\n"
    "                       [--audience-connections-per-address N] [--max-audience N]\n"
    "                       [--tls-cert FILE --tls-key FILE] [--max-connections N]\n"
    "  --port N             TCP port (default 8080; 0 picks a free one)\n"
    "  --bind ADDR          address to listen on (default 0.0.0.0)\n"
    "  --db FILE            SQLite database (default stagevote.db; created if missing)\n"
    "  --demo               load the bundled demo contest into an empty database\n"
    "  --host-key KEY       host console key, 16 characters or more (else $STAGEVOTE_HOST_KEY,\n"
    "                       else stored/generated)\n"
    "  --host-from CIDR     also accept the host console from this network (repeatable;\n"
    "                       e.g. 192.168.1.20/32, fd00::/64); default: this computer only\n"
    "  --allow-origin O     pages from this origin may open /ws too, besides the server's own\n"
    "                       (repeatable)\n"
    "  --tls-cert FILE      serve HTTPS and WSS with this PEM certificate (chain) ...\n"
    "  --tls-key FILE       ... and its PEM private key (default: plain HTTP)\n"
    "  --threads N          network threads (default: one per core)\n"
    "  --public-url URL     base URL phones use (default http(s)://<LAN address>:<port>)\n"
    "  --web-root DIR       folder holding display/ and voter-web/\n"
    "  --audience-per-address N   new audience identities one address may make per 10\n"
    "                       minutes (default: the scheme's, 4; 0: no cap)\n"
    "  --audience-connections-per-address N   open audience connections per address\n"
    "                       (default: the scheme's, 8; 0: no cap)\n"
    "  --max-audience N     audience connections in all (default: the open-file limit less\n"
    "                       room for judges, hosts and displays; 0: no cap)\n"
    "  --alert-identities-per-minute N   the integrity panel's alert (default: the scheme's)\n"
    "  --max-connections N  connections in all (default: the open-file limit less 64; 0: no\n"
    "                       cap); the last 2% (at least 32) are for hosts, judges, displays\n";

const char* const kResultsUsage = "usage: stagevote results --db FILE --round ID\n";

ServeArgs parse_serve_args(const std::vector<std::string>& words) {
  const Args args(words, {{"port", "bind", "db", "host-key", "host-from", "allow-origin", "threads",
                           "public-url", "web-root", "audience-per-address",
                           "audience-connections-per-address", "max-audience",
                           "alert-identities-per-minute", "tls-cert", "tls-key", "max-connections"},
                          {"demo"},
                          {"allow-origin", "host-from"}});
  args.no_positional();
  ServeArgs parsed;
  parsed.help = args.help();
  net::ServeOptions& out = parsed.options;
  if (auto port = args.number("port", 65535)) out.port = static_cast<unsigned short>(*port);
  if (auto bind = args.non_empty("bind")) out.bind = *bind;
  if (auto db = args.non_empty("db")) out.db = *db;
  out.demo = args.has("demo");
  out.host_key = args.non_empty("host-key");
  if (out.host_key && out.host_key->size() < engine::kMinHostKeyLength) {
    throw UsageError("--host-key must be at least " + std::to_string(engine::kMinHostKeyLength) +
                     " characters (it is " + std::to_string(out.host_key->size()) + ")");
  }
  for (const auto& cidr : args.all("host-from")) {
    if (!engine::Network::parse(cidr)) {
      throw UsageError("--host-from " + cidr +
                       " is not an address or CIDR (e.g. 192.168.1.0/24 or fd00::/64)");
    }
    out.host_from.push_back(cidr);
  }
  args.non_empty("allow-origin");  // refuses an empty one
  out.allowed_origins = args.all("allow-origin");
  if (auto threads = args.number("threads", 256)) out.threads = static_cast<unsigned>(*threads);
  if (auto url = args.non_empty("public-url")) out.public_url = *url;
  if (auto root = args.non_empty("web-root")) out.web_root = *root;
  if (auto cap = args.number("audience-per-address", 1'000'000)) {
    out.audience_per_address = static_cast<int>(*cap);
  }
  if (auto cap = args.number("audience-connections-per-address", 1'000'000)) {
    out.audience_connections_per_address = static_cast<int>(*cap);
  }
  if (auto alert = args.number("alert-identities-per-minute", 1'000'000)) {
    out.alert_identities_per_minute = static_cast<int>(std::max(1UL, *alert));
  }
  if (auto cap = args.number("max-audience", 10'000'000)) {
    out.max_audience = static_cast<long>(*cap);
    parsed.max_audience_given = true;
  }
  if (auto cap = args.number("max-connections", 10'000'000)) {
    out.max_connections = static_cast<long>(*cap);
    out.reserved_connections = net::connection_budget::default_reserve(out.max_connections);
    parsed.max_connections_given = true;
  }
  parsed.tls_cert = args.non_empty("tls-cert").value_or("");
  parsed.tls_key = args.non_empty("tls-key").value_or("");
  if (parsed.tls_cert.empty() != parsed.tls_key.empty()) {
    throw UsageError(parsed.tls_cert.empty() ? "--tls-key needs --tls-cert"
                                             : "--tls-cert needs --tls-key");
  }
  return parsed;
}

ResultsArgs parse_results_args(const std::vector<std::string>& words) {
  const Args args(words, {{"db", "round"}, {}, {}});
  args.no_positional();
  ResultsArgs out;
  out.help = args.help();
  if (out.help) return out;
  out.db = args.require("db");
  out.round = args.require("round");
  return out;
}

}  // namespace stagevote::app
