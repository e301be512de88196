#pragma once
// A running server owns its database. `stagevote serve` holds an exclusive lock on
// `<db>.lock` (beside the database) for its whole life, and every command that writes the
// ledger outside the server (`stagevote tickets`, `stagevote import`) takes the same lock
// first. Two writers would each extend the hash chain from the head they last read, and the
// server would not see records written behind its back: one of them must be refused.
//
// flock(2) on a file of its own, never on the SQLite file: SQLite keeps POSIX (fcntl) locks on
// its files, and a process that closes *any* descriptor of a file drops all of them.
#include <stdexcept>
#include <string>
#include <string_view>

namespace stagevote::app {

// The lock is held by another process.
struct DatabaseBusy : std::runtime_error {
  DatabaseBusy(std::string path, std::string who);
  std::string db;      // as the command was given it
  std::string holder;  // the holder's command ("serve", "tickets", "import"); "" if not known
};

class DatabaseLock {
 public:
  // Takes the lock for `command` ("serve", "tickets", "import"), which is written into the
  // lock file so that a refusal can say who holds it. Throws DatabaseBusy if another process
  // holds it, std::runtime_error if the lock file cannot be opened.
  DatabaseLock(const std::string& db, std::string_view command);
  ~DatabaseLock();  // releases it
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

 private:
  int fd_ = -1;
};

// The one-line refusal of a command that found the lock taken: "the server is running on
// show.db: <instead>" when the server holds it, else which command does.
std::string refusal(const DatabaseBusy& busy, std::string_view instead);

}  // namespace stagevote::app
