#include "net/server.hpp"

#include <boost/asio/post.hpp>
#include <chrono>

#include "net/hub.hpp"
#include "net/lan_address.hpp"
#include "net/listener.hpp"
#include "net/server_context.hpp"
#include "net/ticker.hpp"

namespace stagevote::net {

namespace asio = boost::asio;

namespace {

// Clients that do not answer a close frame are cut off after this.
constexpr std::chrono::seconds kShutdownGrace{3};

asio::ip::address parse_address(const std::string& text) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(text, ec);
  if (ec) throw std::runtime_error("--bind " + text + " is not an IP address");
  return address;
}

}  // namespace

server::server(engine::Engine& engine, const ServeOptions& options)
    : engine_(engine),
      pool_(options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency())) {
  hub_ = std::make_shared<hub>(pool_.main().get_executor(), engine_);
  ServerOptions server_options;
  server_options.allowed_origins = options.allowed_origins;
  server_options.console = options.console;
  context_ = std::make_shared<ServerContext>(engine_, hub_, static_files(options.web_root),
                                             std::move(server_options));
  listener_ = std::make_shared<listener>(
      pool_, asio::ip::tcp::endpoint(parse_address(options.bind), options.port), context_);
  port_ = listener_->port();
  base_url_ = net::base_url(options.public_url, options.bind, port_);
  context_->options.join_url = base_url_ + "/vote";
  ticker_ = std::make_shared<ticker>(pool_.main(), engine_, hub_);
  if (options.handle_signals) {
    signals_.emplace(pool_.main(), SIGINT, SIGTERM);
    signals_->async_wait([this](boost::system::error_code ec, int) {
      if (!ec) stop();
    });
  }
  engine_.set_listener(hub_.get());
}

server::~server() {
  stop();
  wait();
}

void server::start() {
  listener_->run();
  ticker_->start();
  running_threads_ = static_cast<unsigned>(pool_.size());
  started_ = true;
  pool_.start([this] { --running_threads_; });
}

void server::stop() {
  if (stopping_.exchange(true)) return;
  context_->accepting = false;
  listener_->stop();
  ticker_->stop();
  asio::post(pool_.main(), [this] {
    if (signals_) signals_->cancel();
    // Nothing more is taken: a request read from now on (before its connection's close
    // frame) would be committed after the flush, and its ack dropped by the closing session.
    engine_.stop_taking_requests();
    // Every request taken has its ack queued before the close frames.
    engine_.flush();
    hub_->close_all();
    // Each context's thread ends once its connections have closed.
    pool_.release_work();
  });
}

void server::wait() {
  if (!started_) return;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool forced = false;
  while (running_threads_ > 0) {
    if (stopping_ && !deadline) deadline = std::chrono::steady_clock::now() + kShutdownGrace;
    if (deadline && !forced && std::chrono::steady_clock::now() > *deadline) {
      pool_.stop();  // peers that never answered the close frame, idle keep-alive HTTP
      forced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pool_.join();
  started_ = false;
  engine_.flush();
  engine_.set_listener(nullptr);
}

}  // namespace stagevote::net
