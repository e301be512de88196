#pragma once
// One running server: its io_contexts (one per thread), the listener, the hub and the ticker,
// the publisher and the service, around an Engine and Credentials the caller owns. Used by
// `stagevote serve` and by the tests in-process.
#include <atomic>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/audience_gate.hpp"
#include "engine/credentials.hpp"
#include "engine/engine.hpp"
#include "engine/publisher.hpp"
#include "engine/service.hpp"
#include "net/io_context_pool.hpp"
#include "net/serve_options.hpp"

namespace stagevote::net {

class hub;
class listener;
class ticker;
struct ServerContext;

class server {
 public:
  // Binds the port; throws std::runtime_error with a one-line reason if it cannot.
  server(engine::Engine& engine, const engine::Credentials& credentials, engine::AudienceGate& gate,
         const ServeOptions& options);
  ~server();  // stops and waits if still running
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  unsigned short port() const noexcept { return port_; }
  // "http(s)://<lan address>:<port>" or the --public-url.
  const std::string& base_url() const noexcept { return base_url_; }

  void start();
  // Thread-safe, idempotent: stop accepting, commit and send every pending ack, close every
  // WebSocket with a close frame. wait() returns once that is done (or after a grace period).
  void stop();
  void wait();

  // Fail-stop: a commit failed, and the server stopped itself (every connection closed with
  // 1011 and the reason). `failure()` is the store's error.
  bool failed() const noexcept { return failed_.load(); }
  std::string failure() const;

 private:
  // Forwards what the engine commits to the hub, and a failed commit to fail().
  class Commits final : public engine::CommitListener {
   public:
    explicit Commits(server& owner) : owner_(owner) {}
    void state_committed(std::uint64_t version) override;
    void contest_replaced() override;
    void commit_failed(const std::string& reason) override;
    void judge_token_reissued(const std::string& judge) override;

   private:
    server& owner_;
  };

  void shut_down(boost::beast::websocket::close_reason reason);

  engine::Engine& engine_;
  io_context_pool pool_;  // first member: destroyed last, after everything using it
  engine::Publisher publisher_;
  engine::Service service_;
  Commits commits_{*this};
  std::shared_ptr<hub> hub_;
  std::shared_ptr<ServerContext> context_;
  std::shared_ptr<listener> listener_;
  std::shared_ptr<ticker> ticker_;
  std::optional<boost::asio::signal_set> signals_;
  bool started_ = false;
  std::atomic<unsigned> running_threads_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> failed_{false};
  mutable std::mutex failure_mutex_;
  std::string failure_;  // guarded by failure_mutex_
  unsigned short port_ = 0;
  std::string base_url_;
};

}  // namespace stagevote::net
