#pragma once
// Everything `stagevote serve` is told (docs/protocol.md, "Command line"): the one options
// struct of a server, filled by the command line (app/args) or by a test.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/session_limits.hpp"

namespace boost::asio::ssl {
class context;
}

namespace stagevote::net {

class ConsoleData;

struct ServeOptions {
  // The show.
  std::string db = "stagevote.db";
  bool demo = false;                    // load the demo contest into an empty database
  std::optional<std::string> host_key;  // else $STAGEVOTE_HOST_KEY, else stored or generated
  // Where besides loopback the host may connect from (--host-from CIDR, already checked).
  std::vector<std::string> host_from;

  // Where it listens and what it serves.
  std::string bind = "0.0.0.0";
  unsigned short port = 8080;  // 0: any free port (see server::port())
  unsigned threads = 0;        // network threads; 0: one per core
  // Pages from these origins may open /ws besides the server's own (a request without
  // Origin, not from a browser, always may).
  std::vector<std::string> allowed_origins;
  std::string public_url;  // what phones open; default http(s)://<LAN>:<port>
  // HTTPS and WSS on the port (net/tls.hpp: make_tls_context); null: plain HTTP and WS.
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::filesystem::path web_root;  // holds display/ and voter-web/

  SessionLimits limits;
  // Caps on the audience over the scheme's (docs/protocol.md, "Admission"): new identities per
  // source address per window and open connections per address (nullopt: the scheme's; 0: no
  // cap), and audience connections in all (0: no cap; `serve` sets it below the open-file
  // limit so that judges, hosts and displays always find room).
  std::optional<int> audience_per_address;
  std::optional<int> audience_connections_per_address;
  long max_audience = 0;
  // Connections of every kind in all (0: no cap; `serve` sets it below the open-file limit),
  // of which the last `reserved_connections` are for hosts, judges and displays only
  // (net/connection_budget.hpp).
  long max_connections = 0;
  long reserved_connections = 0;
  std::optional<int> alert_identities_per_minute;  // over the scheme's (the integrity panel)
  bool handle_signals = false;                     // SIGINT/SIGTERM start a clean shutdown
  // Import and exports from the host console (null: those routes answer 501). Stop it after
  // wait() and before the server is destroyed: its replies are posted to the connections.
  std::shared_ptr<ConsoleData> console;
};

}  // namespace stagevote::net
