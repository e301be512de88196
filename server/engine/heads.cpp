#include "engine/heads.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

namespace stagevote::engine {

std::string heads_path(const std::string& db) {
  return db + ".heads";
}

void append_head(const std::string& db, core::Millis at, const store::LedgerHead& head) {
  const std::time_t seconds = static_cast<std::time_t>(at / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
  const std::string line =
      std::string(when) + " " + std::to_string(head.seq) + " " + head.hash + "\n";
  const int fd = ::open(heads_path(db).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fsync(fd) != 0) {
    std::cerr << "stagevote: could not record the ledger head in " << heads_path(db) << ": "
              << std::strerror(errno) << "\n";
  }
  if (fd >= 0) ::close(fd);
}

std::vector<PublishedHead> read_heads(const std::string& db) {
  std::vector<PublishedHead> heads;
  std::ifstream in(heads_path(db));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    PublishedHead head;
    if (!(fields >> head.when >> head.seq >> head.hash)) head = PublishedHead{line, 0, {}};
    heads.push_back(std::move(head));
  }
  return heads;
}

}  // namespace stagevote::engine
