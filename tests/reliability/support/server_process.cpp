#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"

extern char** environ;

namespace stagevote::reliability {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

Exit decode(int status) {
  Exit exit;
  if (WIFEXITED(status)) {
    exit.exited = true;
    exit.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
  }
  return exit;
}

std::string tail(const std::string& text, std::size_t bytes = 3000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

// Our environment without STAGEVOTE_HOST_KEY (each test says which key it wants), plus
// `extra` ("NAME=value", replacing a variable of the same name).
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const std::string name = name_of(entry);
    if (name == "STAGEVOTE_HOST_KEY") continue;
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || name_of(x) == name;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (auto& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

fs::path stagevote_binary() {
  if (const char* path = std::getenv("STAGEVOTE_BINARY")) return path;
#ifdef STAGEVOTE_BINARY
  return STAGEVOTE_BINARY;
#else
  throw std::runtime_error("set STAGEVOTE_BINARY to the stagevote executable");
#endif
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ServerProcess::ServerProcess(Launch launch, std::chrono::milliseconds ready_timeout)
    : launch_(std::move(launch)) {
  std::error_code ec;
  const auto log_start = fs::exists(launch_.log, ec) ? fs::file_size(launch_.log, ec) : 0;

  std::vector<std::string> args{
      stagevote_binary().string(), "serve", "--port", "0", "--bind", launch_.bind, "--db",
      launch_.db.string()};
  if (launch_.demo) args.push_back("--demo");
  if (!launch_.host_key.empty()) {
    args.push_back("--host-key");
    args.push_back(launch_.host_key);
  }
  if (!launch_.audience_caps) {
    for (const char* flag : {"--audience-per-address", "--audience-connections-per-address"}) {
      args.insert(args.end(), {flag, "0"});
    }
  }
  args.insert(args.end(), launch_.extra_args.begin(), launch_.extra_args.end());
  auto env = child_environment(launch_.extra_env);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, launch_.log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto argv = pointers(args);
  auto envp = pointers(env);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));

  // The port from the start-up line, then /healthz.
  const std::regex listening(R"(listening on [0-9.]+:([0-9]+))");
  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) {
      throw std::runtime_error("stagevote exited during start-up:\n" +
                               tail(read_file(launch_.log).substr(log_start)));
    }
    if (port_ == 0) {
      const std::string log = read_file(launch_.log).substr(log_start);
      std::smatch match;
      if (std::regex_search(log, match, listening)) {
        port_ = static_cast<unsigned short>(std::stoi(match[1].str()));
      }
    }
    if (port_ != 0) {
      const auto health = http_get(port_, "/healthz", {}, 2s);
      if (health && health->status == 200) return;
    }
    std::this_thread::sleep_for(20ms);
  }
  signal(SIGKILL);
  wait(10s);
  throw std::runtime_error("stagevote was not ready in time:\n" +
                           tail(read_file(launch_.log).substr(log_start)));
}

ServerProcess::~ServerProcess() {
  if (running()) {
    signal(SIGKILL);
    wait(30s);
  }
}

void ServerProcess::signal(int signo) {
  if (!exit_ && pid_ > 0) ::kill(pid_, signo);
}

bool ServerProcess::running() {
  if (exit_ || pid_ <= 0) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) exit_ = decode(status);
  return !exit_;
}

std::optional<Exit> ServerProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
  return exit_;
}

std::optional<std::uint64_t> ServerProcess::resident_kib() const {
  if (exit_ || pid_ <= 0) return std::nullopt;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return std::nullopt;
}

}  // namespace stagevote::reliability
