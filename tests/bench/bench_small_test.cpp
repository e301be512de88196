// bench.small: the real server (demo contest, temporary database, free port) under a small
// load from the real stagevote-bench. Counts only, never speed: CI machines vary.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
const std::string host_key = "bench-small-key-0123456";

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool healthy(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char reply[64] = {};
      ok = ::read(fd, reply, sizeof reply - 1) > 12 &&
           std::string(reply).find(" 200 ") != std::string::npos;
    }
  }
  ::close(fd);
  return ok;
}

// The real server on a free port with a fresh database; stopped with SIGTERM.
class Server {
 public:
  Server() : dir_(fs::temp_directory_path() / ("stagevote-bench-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    port_ = free_port();
    const std::vector<std::string> args = {STAGEVOTE_SERVER_BIN,
                                           "serve",
                                           "--port",
                                           std::to_string(port_),
                                           "--bind",
                                           "127.0.0.1",
                                           "--db",
                                           (dir_ / "bench.db").string(),
                                           "--demo",
                                           "--host-key",
                                           host_key};
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (dir_ / "server.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!healthy(port_)) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      int status = 0;
      REQUIRE(::waitpid(pid_, &status, WNOHANG) == 0);  // still running
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~Server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  // SIGTERM, then the exit status (-1: did not exit normally).
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  fs::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

json run_bench(int port, const std::string& extra) {
  const std::string command = std::string(STAGEVOTE_BENCH_BIN) +
                              " --url ws://127.0.0.1:" + std::to_string(port) + "/ws --host-key " +
                              host_key + " --json " + extra;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char chunk[4096];
  while (const auto n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
  const int status = ::pclose(pipe);
  INFO("bench: " << command << "\n" << output);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return json::parse(output);
}

}  // namespace

TEST_CASE("A hall of 500 phones: every vote acked, each counted once, none lost") {
  Server server;
  const json report = run_bench(server.port(), "--phones 500 --polls 2");
  INFO(report.dump(2));
  CHECK(report["connected"] == 500);
  CHECK(report["votes_sent"] == 1000);
  CHECK(report["acked"] == report["votes_sent"]);
  CHECK(report["counted"] == 1000);  // distinct phones x polls
  CHECK(report["expected_counted"] == report["counted"]);
  CHECK(report["duplicates"] == 0);
  CHECK(report["errors"] == 0);
  CHECK(report["results_checked"] == true);
  CHECK(report["lost"] == 0);
  CHECK(report["double"] == 0);
  CHECK(report["tally_mismatches"] == 0);
  CHECK(server.stop() == 0);
}

TEST_CASE("Screens that never read join, and the phones' votes are still counted and tallied") {
  // The latency with them is the bench's figure to report, not this test's to judge.
  Server server;
  const json report = run_bench(server.port(), "--phones 200 --slow-readers 50 --polls 2");
  INFO(report.dump(2));
  CHECK(report["slow_readers"] == 50);
  CHECK(report["slow_readers_joined"] == 50);
  CHECK(report["slow_readers_failed"] == 0);
  CHECK(report["connected"] == 200);
  CHECK(report["counted"] == 400);
  CHECK(report["errors"] == 0);
  CHECK(report["tally_samples"] == 400);
  CHECK(report["tally_unseen"] == 0);
  CHECK(report["lost"] == 0);
  CHECK(report["double"] == 0);
  CHECK(report["tally_mismatches"] == 0);
  CHECK(server.stop() == 0);
}

TEST_CASE("A duplicate storm: resends over two connections per device count once") {
  Server server;
  const json report =
      run_bench(server.port(), "--phones 200 --conns-per-phone 2 --resends 5 --polls 1");
  INFO(report.dump(2));
  CHECK(report["connected"] == 200);
  CHECK(report["votes_sent"] == 200 * 6);
  CHECK(report["acked"] == report["votes_sent"]);
  CHECK(report["counted"] == 200);
  CHECK(report["duplicates"] == 200 * 5);
  CHECK(report["errors"] == 0);
  CHECK(report["lost"] == 0);
  CHECK(report["double"] == 0);
  CHECK(report["tally_mismatches"] == 0);
  CHECK(server.stop() == 0);
}
