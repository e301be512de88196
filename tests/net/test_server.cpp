#include "test_server.hpp"

#include <random>
#include <stdexcept>
#include <thread>

namespace stagevote::test {

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("stagevote-net-" + std::to_string(random()) + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

TestServer::TestServer(net::ServeOptions options, const engine::Clock* clock,
                       store::StoreOptions store_options)
    : options_(std::move(options)),
      clock_(clock ? *clock : system_clock_),
      store_options_(store_options) {
  options_.bind = "127.0.0.1";
  options_.port = 0;
  if (options_.threads == 0) options_.threads = 2;
  // Most tests connect many phones from 127.0.0.1: the audience's per-address caps are lifted
  // unless a test sets them.
  if (!options_.audience_per_address) options_.audience_per_address = 0;
  if (!options_.audience_connections_per_address) options_.audience_connections_per_address = 0;
  if (options_.web_root.empty()) options_.web_root = STAGEVOTE_TEST_WEB_ROOT;
  start();
}

TestServer::TestServer(core::Contest contest, net::ServeOptions options)
    : options_(std::move(options)), clock_(system_clock_), first_contest_(std::move(contest)) {
  options_.bind = "127.0.0.1";
  options_.port = 0;
  if (options_.threads == 0) options_.threads = 2;
  if (!options_.audience_per_address) options_.audience_per_address = 0;
  if (!options_.audience_connections_per_address) options_.audience_connections_per_address = 0;
  if (options_.web_root.empty()) options_.web_root = STAGEVOTE_TEST_WEB_ROOT;
  start();
}

TestServer::~TestServer() {
  stop();
}

void TestServer::start() {
  store_ = std::make_unique<store::Store>(db_path(), store_options_);
  if (first_contest_ && !engine::has_contest(*store_)) {
    engine::store_contest(*store_, *first_contest_, "test", clock_.now());
  }
  engine::ensure_contest(*store_, /*demo=*/true);
  credentials_ = std::make_unique<engine::Credentials>(*store_, kHostKey);
  engine_ = std::make_unique<engine::Engine>(*store_, clock_, engine::restore(*store_));
  gate_ = std::make_unique<engine::AudienceGate>(
      *store_, *engine_, *credentials_,
      engine::AudienceLimits{options_.audience_per_address,
                             options_.audience_connections_per_address, options_.max_audience,
                             options_.alert_identities_per_minute});
  contest_ = engine_->contest();
  server_ = std::make_unique<net::server>(*engine_, *credentials_, *gate_, options_);
  server_->start();
}

void TestServer::stop() {
  if (server_) {
    server_->stop();
    server_->wait();
  }
  server_.reset();
  gate_.reset();
  engine_.reset();
  credentials_.reset();
  store_.reset();
}

bool TestServer::wait_stopped() {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!server_->failed() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  if (!server_->failed()) return false;
  server_->wait();  // returns once every connection has closed
  return true;
}

void TestServer::restart(store::StoreOptions store_options) {
  stop();
  store_options_ = store_options;
  start();
}

std::string TestServer::judge_token(const std::string& judge_id) {
  const auto* judge = contest().find_judge(judge_id);
  if (!judge) throw std::runtime_error("no judge " + judge_id);
  return judge->token;
}

namespace {

std::unique_ptr<WsClient> welcomed(ClientIo& io, unsigned short port, const json& hello) {
  auto client = std::make_unique<WsClient>(io, port);
  const json welcome = client->hello(hello);
  if (welcome.value("type", "") != "welcome") {
    throw std::runtime_error("hello refused: " + welcome.dump());
  }
  return client;
}

}  // namespace

std::unique_ptr<WsClient> TestServer::host(ClientIo& io) {
  return welcomed(io, port(), {{"role", "host"}, {"key", kHostKey}});
}

std::unique_ptr<WsClient> TestServer::display(ClientIo& io) {
  return welcomed(io, port(), {{"role", "display"}, {"key", display_key()}});
}

std::unique_ptr<WsClient> TestServer::judge(ClientIo& io, const std::string& judge_id) {
  return welcomed(io, port(), {{"role", "judge"}, {"token", judge_token(judge_id)}});
}

std::unique_ptr<WsClient> TestServer::audience(ClientIo& io, const std::string& device) {
  json hello = {{"role", "audience"}};
  if (!device.empty()) hello["device"] = device;
  return welcomed(io, port(), hello);
}

json command(WsClient& host, json cmd) {
  cmd["type"] = "cmd";
  json reply = host.request(cmd);
  if (reply.value("type", "") != "ack") {
    throw std::runtime_error("cmd " + cmd.dump() + " failed: " + reply.dump());
  }
  return reply;
}

json await_state(WsClient& client, const std::function<bool(const json&)>& wanted,
                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("no state as wanted arrived");
    const json state = client.receive_type("state", left);
    if (wanted(state)) return state;
  }
}

}  // namespace stagevote::test
