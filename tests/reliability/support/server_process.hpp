#pragma once
// The real `stagevote serve` binary as a child process: started on a free port (--port 0,
// the port read back from its start-up line) with a database file, stopped by a signal of
// the test's choosing, its output kept in a log file that tests can search.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace stagevote::reliability {

struct Launch {
  std::filesystem::path db;
  std::filesystem::path log;  // stdout and stderr of the process (appended)
  std::string host_key = "reliability-host-key-0123456789";  // empty: no --host-key flag
  bool demo = true;
  std::vector<std::string> extra_args;  // e.g. {"--allow-origin", "http://stage.local"}
  std::vector<std::string> extra_env;   // "NAME=value", added to (or replacing) ours
  // The audience's per-address caps (docs/protocol.md, "Admission") are lifted unless a test
  // is about them: most tests connect many phones from 127.0.0.1.
  bool audience_caps = false;
  // What it listens on; readiness is still asked on 127.0.0.1, so 0.0.0.0 or loopback.
  std::string bind = "127.0.0.1";
};

// How a process ended.
struct Exit {
  bool exited = false;  // by exit(): `code` is set; else killed by `signal`
  int code = -1;
  int signal = 0;
};

class ServerProcess {
 public:
  // Starts the server and waits until /healthz answers 200. Throws std::runtime_error (with
  // the log's tail) if it exits or is not ready within `ready_timeout`.
  explicit ServerProcess(Launch launch,
                         std::chrono::milliseconds ready_timeout = std::chrono::seconds(60));
  ~ServerProcess();  // SIGKILL and reap if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const noexcept { return port_; }
  int pid() const noexcept { return pid_; }
  const Launch& launch() const noexcept { return launch_; }

  void signal(int signo);
  // Waits for the process to end; nullopt if it is still running after `timeout`.
  std::optional<Exit> wait(std::chrono::milliseconds timeout);
  bool running();

  // VmRSS of the process in KiB (nullopt once it has ended).
  std::optional<std::uint64_t> resident_kib() const;

 private:
  Launch launch_;
  int pid_ = -1;
  unsigned short port_ = 0;
  std::optional<Exit> exit_;
};

// The whole log file (empty if missing).
std::string read_file(const std::filesystem::path& file);

// The path of the stagevote binary under test (STAGEVOTE_BINARY from CMake, or the
// environment variable of that name).
std::filesystem::path stagevote_binary();

}  // namespace stagevote::reliability
