#pragma once
// One running server: its io_contexts (one per thread), the listener, the hub and the ticker,
// around an Engine the caller owns. Used by `stagevote serve` and by the tests in-process.
#include <atomic>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "net/io_context_pool.hpp"

namespace stagevote::net {

class ConsoleData;
class hub;
class listener;
class ticker;
struct ServerContext;

struct ServeOptions {
  std::string bind = "0.0.0.0";
  unsigned short port = 8080;  // 0: any free port (see server::port())
  unsigned threads = 0;        // 0: one per core
  std::vector<std::string> allowed_origins;
  std::string public_url;
  std::filesystem::path web_root;  // holds display/ and voter-web/
  bool handle_signals = false;     // SIGINT/SIGTERM start a clean shutdown
  // Import and exports from the host console (null: those routes answer 501). Stop it after
  // wait() and before the server is destroyed: its replies are posted to the connections.
  std::shared_ptr<ConsoleData> console;
};

class server {
 public:
  // Binds the port; throws std::runtime_error with a one-line reason if it cannot.
  server(engine::Engine& engine, const ServeOptions& options);
  ~server();  // stops and waits if still running
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  unsigned short port() const noexcept { return port_; }
  // "http://<lan address>:<port>" or the --public-url.
  const std::string& base_url() const noexcept { return base_url_; }

  void start();
  // Thread-safe, idempotent: stop accepting, commit and send every pending ack, close every
  // WebSocket with a close frame. wait() returns once that is done (or after a grace period).
  void stop();
  void wait();

 private:
  engine::Engine& engine_;
  io_context_pool pool_;  // first member: destroyed last, after everything using it
  std::shared_ptr<hub> hub_;
  std::shared_ptr<ServerContext> context_;
  std::shared_ptr<listener> listener_;
  std::shared_ptr<ticker> ticker_;
  std::optional<boost::asio::signal_set> signals_;
  bool started_ = false;
  std::atomic<unsigned> running_threads_{0};
  std::atomic<bool> stopping_{false};
  unsigned short port_ = 0;
  std::string base_url_;
};

}  // namespace stagevote::net
