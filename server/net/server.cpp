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
      ioc_(static_cast<int>(options.threads ? options.threads
                                            : std::max(1u, std::thread::hardware_concurrency()))),
      thread_count_(options.threads ? options.threads
                                    : std::max(1u, std::thread::hardware_concurrency())) {
  hub_ = std::make_shared<hub>(ioc_.get_executor(), engine_);
  ServerOptions server_options;
  server_options.allowed_origins = options.allowed_origins;
  server_options.console = options.console;
  context_ = std::make_shared<ServerContext>(engine_, hub_, static_files(options.web_root),
                                             std::move(server_options));
  listener_ = std::make_shared<listener>(
      ioc_, asio::ip::tcp::endpoint(parse_address(options.bind), options.port), context_);
  port_ = listener_->port();
  base_url_ = net::base_url(options.public_url, options.bind, port_);
  context_->options.join_url = base_url_ + "/vote";
  ticker_ = std::make_shared<ticker>(ioc_, engine_, hub_);
  if (options.handle_signals) {
    signals_.emplace(ioc_, SIGINT, SIGTERM);
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
  for (unsigned i = 0; i < thread_count_; ++i) {
    ++running_threads_;
    threads_.emplace_back([this] {
      ioc_.run();
      --running_threads_;
    });
  }
}

void server::stop() {
  if (stopping_.exchange(true)) return;
  context_->accepting = false;
  listener_->stop();
  ticker_->stop();
  asio::post(ioc_, [this] {
    if (signals_) signals_->cancel();
    // Nothing more is taken: a request read from now on (before its connection's close
    // frame) would be committed after the flush, and its ack dropped by the closing session.
    engine_.stop_taking_requests();
    // Every request taken has its ack queued before the close frames.
    engine_.flush();
    hub_->close_all();
  });
}

void server::wait() {
  if (threads_.empty()) return;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool forced = false;
  while (running_threads_ > 0) {
    if (stopping_ && !deadline) deadline = std::chrono::steady_clock::now() + kShutdownGrace;
    if (deadline && !forced && std::chrono::steady_clock::now() > *deadline) {
      ioc_.stop();  // peers that never answered the close frame, idle keep-alive HTTP
      forced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  engine_.flush();
  engine_.set_listener(nullptr);
}

}  // namespace stagevote::net
