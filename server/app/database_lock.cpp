#include "app/database_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace stagevote::app {

namespace {

// Beside the database itself: a symlink or a second spelling of the path finds the same lock.
std::string lock_path(const std::string& db) {
  std::error_code ec;
  const auto real = std::filesystem::weakly_canonical(db, ec);
  return (ec ? db : real.string()) + ".lock";
}

// What the holder wrote: its command, or "" if it has not written it yet.
std::string read_holder(int fd) {
  char text[64] = {};
  const ssize_t got = pread(fd, text, sizeof text - 1, 0);
  if (got <= 0) return {};
  std::string holder(text, static_cast<std::size_t>(got));
  return holder.substr(0, holder.find_first_of(" \n"));
}

}  // namespace

DatabaseBusy::DatabaseBusy(std::string path, std::string who)
    : std::runtime_error(path + " is in use by " +
                         (who.empty() ? std::string("another stagevote") : "stagevote " + who)),
      db(std::move(path)),
      holder(std::move(who)) {}

DatabaseLock::DatabaseLock(const std::string& db, std::string_view command) {
  const std::string path = lock_path(db);
  // Close-on-exec: Chromium, started to print a PDF, must not inherit the lock and keep it
  // after the server has gone.
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  // The owner's only, as the database beside it (one made by an older version is narrowed).
  [[maybe_unused]] const int narrowed = ::fchmod(fd_, 0600);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    std::string holder = error == EWOULDBLOCK ? read_holder(fd_) : std::string();
    ::close(fd_);
    if (error == EWOULDBLOCK) throw DatabaseBusy(db, std::move(holder));
    throw std::runtime_error("cannot lock " + path + ": " + std::strerror(error));
  }
  const std::string note = std::string(command) + " " + std::to_string(::getpid()) + "\n";
  // Best effort: the note only makes a refusal more precise.
  [[maybe_unused]] const bool noted =
      ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, note.data(), note.size(), 0) > 0;
}

DatabaseLock::~DatabaseLock() {
  // Emptied first, so that nobody reads a stale holder; closing releases the lock.
  [[maybe_unused]] const int emptied = ::ftruncate(fd_, 0);
  ::close(fd_);
}

std::string refusal(const DatabaseBusy& busy, std::string_view instead) {
  if (busy.holder == "serve") {
    return "the server is running on " + busy.db + ": " + std::string(instead);
  }
  return std::string(busy.what()) + ": try again when it has finished";
}

}  // namespace stagevote::app
