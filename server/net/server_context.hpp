#pragma once
// What every connection of one server shares. Owned by a shared_ptr that every session holds.
#include <atomic>
#include <memory>
#include <string>

#include "engine/service.hpp"
#include "net/connection_budget.hpp"
#include "net/console_data.hpp"
#include "net/hub.hpp"
#include "net/serve_options.hpp"
#include "net/static_files.hpp"

namespace stagevote::net {

struct ServerContext {
  ServerContext(engine::Service& service_, std::shared_ptr<net::hub> fanout_, static_files files_,
                ServeOptions options_)
      : service(service_),
        fanout(std::move(fanout_)),
        files(std::move(files_)),
        options(std::move(options_)),
        connections(options.max_connections, options.reserved_connections) {}

  engine::Service& service;
  std::shared_ptr<net::hub> fanout;  // every WebSocket session, by role
  static_files files;
  const ServeOptions options;
  connection_budget connections;  // every open TCP connection holds a slot
  std::string base_url;           // where phones reach this server: http(s)://<LAN address>:<port>
  std::string join_url;           // what phones open: <base url>/vote
  std::atomic<bool> accepting{true};  // false once shutting down: /healthz says so
};

}  // namespace stagevote::net
