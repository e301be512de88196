#pragma once
// The real `stagevote` binary as a child process, its stdout and stderr in files (the binary
// and end-to-end tests).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace stagevote::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The binary running with stdout and stderr captured in files.
class Process {
 public:
  Process(const std::vector<std::string>& args, const fs::path& dir)
      : out_(dir / "out.txt"), err_(dir / "err.txt") {
    std::vector<char*> argv;
    std::string binary = STAGEVOTE_BIN;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& arg : copy) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + binary);
  }
  ~Process() {
    if (!exited_) {
      kill(pid_, SIGKILL);
      wait();
    }
  }

  // Exit code (or 128 + signal).
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void signal(int sig) { kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }

  // The port from "listening on ADDR:PORT", once the server printed it.
  unsigned short port() {
    const std::regex listening(R"(listening on [^ ]+:(\d+))");
    for (int i = 0; i < 600; ++i) {
      std::smatch match;
      const std::string text = out();
      if (std::regex_search(text, match, listening))
        return static_cast<unsigned short>(std::stoi(match[1]));
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        exited_ = true;
        throw std::runtime_error("server exited: " + err());
      }
      std::this_thread::sleep_for(50ms);
    }
    throw std::runtime_error("server did not start: " + out() + err());
  }

 private:
  fs::path out_, err_;
  pid_t pid_ = 0;
  bool exited_ = false;
};

}  // namespace stagevote::test
