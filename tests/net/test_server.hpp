#pragma once
// A real server in this process: a temporary SQLite file, the demo contest, an ephemeral
// port on 127.0.0.1, two network threads. restart() keeps the file, like a second start.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/audience_gate.hpp"
#include "engine/clock.hpp"
#include "engine/credentials.hpp"
#include "engine/engine.hpp"
#include "net/server.hpp"
#include "store/store.hpp"
#include "test_client.hpp"

namespace stagevote::test {

inline constexpr const char* kHostKey = "test-host-key-0123456789";

// A fresh temporary directory, removed at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class TestServer {
 public:
  // `clock`: the show's clock (default: the system's); `store_options`: e.g. the store's
  // fail_commit seam.
  explicit TestServer(net::ServeOptions options = {}, const engine::Clock* clock = nullptr,
                      store::StoreOptions store_options = {});
  // A server whose database starts with `contest` instead of the demo (e.g. another scheme).
  explicit TestServer(core::Contest contest, net::ServeOptions options = {});
  ~TestServer();

  unsigned short port() const { return server_->port(); }
  engine::Engine& engine() { return *engine_; }
  net::server& server() { return *server_; }
  const core::Contest& contest() { return *contest_; }
  std::string db_path() const { return (dir_.path() / "show.db").string(); }
  std::string judge_token(const std::string& judge_id);
  const std::string& display_key() const { return credentials_->display_key(); }

  // Clean stop and start on the same database file (the port may change), with these store
  // options from now on.
  void restart(store::StoreOptions store_options = {});
  void stop();
  // Waits until the server has stopped by itself (after a failed commit); true if it did.
  bool wait_stopped();

  // A connected host, already welcomed.
  std::unique_ptr<WsClient> host(ClientIo& io);
  std::unique_ptr<WsClient> display(ClientIo& io);
  std::unique_ptr<WsClient> judge(ClientIo& io, const std::string& judge_id);
  std::unique_ptr<WsClient> audience(ClientIo& io, const std::string& device = {});

 private:
  void start();

  TempDir dir_;
  net::ServeOptions options_;
  engine::SystemClock system_clock_;
  const engine::Clock& clock_;
  store::StoreOptions store_options_;
  std::optional<core::Contest> first_contest_;  // stored on the first start instead of the demo
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Credentials> credentials_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<engine::AudienceGate> gate_;
  std::shared_ptr<const core::Contest> contest_;
  std::unique_ptr<net::server> server_;
};

// Sends a host cmd and requires an ack; returns it.
json command(WsClient& host, json cmd);

// The first `state` that satisfies `wanted` (earlier ones are skipped); throws on timeout.
json await_state(WsClient& client, const std::function<bool(const json&)>& wanted,
                 std::chrono::milliseconds timeout = 5s);

}  // namespace stagevote::test
