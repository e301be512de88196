#pragma once
// What every connection of one server shares: the engine, the fan-out hub, the web root
// and the serve options. Owned by a shared_ptr that every session holds.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "net/console_data.hpp"
#include "net/hub.hpp"
#include "net/static_files.hpp"

namespace stagevote::net {

struct ServerOptions {
  std::vector<std::string> allowed_origins;  // empty: any Origin may open /ws
  std::string join_url;                      // what phones open: http://<lan address>:<port>/vote
  std::shared_ptr<ConsoleData> console;      // the console's import and exports (may be null)
};

struct ServerContext {
  ServerContext(engine::Engine& engine_, std::shared_ptr<net::hub> fanout_, static_files files_,
                ServerOptions options_)
      : engine(engine_),
        fanout(std::move(fanout_)),
        files(std::move(files_)),
        options(std::move(options_)) {}

  engine::Engine& engine;
  std::shared_ptr<net::hub> fanout;  // every WebSocket session, by role
  static_files files;
  ServerOptions options;
  std::atomic<bool> accepting{true};  // false once shutting down: /healthz says so
};

}  // namespace stagevote::net
