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
namespace websocket = boost::beast::websocket;

namespace {

// Clients that do not answer a close frame are cut off after this.
constexpr std::chrono::seconds kShutdownGrace{3};

asio::ip::address parse_address(const std::string& text) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(text, ec);
  if (ec) throw std::runtime_error("--bind " + text + " is not an IP address");
  return address;
}

std::vector<engine::Network> host_networks(const std::vector<std::string>& texts) {
  std::vector<engine::Network> networks;
  for (const auto& text : texts) {
    auto network = engine::Network::parse(text);
    if (!network) throw std::runtime_error("--host-from " + text + " is not an address or CIDR");
    networks.push_back(*network);
  }
  return networks;
}

}  // namespace

void server::Commits::state_committed(std::uint64_t version) {
  owner_.hub_->state_committed(version);
}

void server::Commits::contest_replaced() {
  owner_.hub_->contest_replaced();
}

void server::Commits::judge_token_reissued(const std::string& judge) {
  owner_.hub_->revoke_judge(judge);
}

void server::Commits::commit_failed(const std::string& reason) {
  {
    std::lock_guard lock(owner_.failure_mutex_);
    owner_.failure_ = reason;
  }
  owner_.failed_ = true;
  // A close reason is at most 123 bytes: the clients hear the gist, the log has the detail.
  owner_.shut_down({websocket::close_code::internal_error,
                    "the server could not save to its database and stopped"});
}

server::server(engine::Engine& engine, const engine::Credentials& credentials,
               engine::AudienceGate& gate, const ServeOptions& options)
    : engine_(engine),
      pool_(options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency())),
      publisher_(engine, gate),
      service_(engine, credentials, publisher_, gate, host_networks(options.host_from)) {
  engine_.set_annotator([&gate](core::Command& command) { gate.annotate(command); });
  hub_ = std::make_shared<hub>(pool_.main().get_executor(), engine_, publisher_);
  context_ =
      std::make_shared<ServerContext>(service_, hub_, static_files(options.web_root), options);
  listener_ = std::make_shared<listener>(
      pool_, asio::ip::tcp::endpoint(parse_address(options.bind), options.port), context_);
  port_ = listener_->port();
  base_url_ = net::base_url(options.public_url, options.bind, port_, options.tls != nullptr);
  context_->base_url = base_url_;
  context_->join_url = base_url_ + "/vote";
  ticker_ = std::make_shared<ticker>(pool_.main(), engine_, publisher_, gate, hub_);
  if (options.handle_signals) {
    signals_.emplace(pool_.main(), SIGINT, SIGTERM);
    signals_->async_wait([this](boost::system::error_code ec, int) {
      if (!ec) stop();
    });
  }
  engine_.set_listener(&commits_);
}

server::~server() {
  stop();
  wait();
}

std::string server::failure() const {
  std::lock_guard lock(failure_mutex_);
  return failure_;
}

void server::start() {
  listener_->run();
  ticker_->start();
  running_threads_ = static_cast<unsigned>(pool_.size());
  started_ = true;
  pool_.start([this] { --running_threads_; });
}

void server::stop() {
  shut_down(websocket::close_code::going_away);
}

void server::shut_down(websocket::close_reason reason) {
  if (stopping_.exchange(true)) return;
  context_->accepting = false;
  listener_->stop();
  ticker_->stop();
  asio::post(pool_.main(), [this, reason = std::move(reason)] {
    if (signals_) signals_->cancel();
    // Nothing more is taken: a request read from now on (before its connection's close
    // frame) would be committed after the flush, and its ack dropped by the closing session.
    engine_.stop_taking_requests();
    // Every request taken has its reply queued before the close frames (after a failed
    // commit, its `internal` error).
    engine_.flush();
    hub_->close_all(reason);
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
  engine_.set_annotator(nullptr);
}

}  // namespace stagevote::net
