#include "store/sqlite.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>

namespace stagevote::store::sqlite {

void fail(sqlite3* db, int rc, std::string_view what) {
  // The connection's message is more specific than sqlite3_errstr(rc) when there is one.
  const char* message =
      db != nullptr && sqlite3_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw StoreError(std::string(what) + ": " + message);
}

namespace {
// Memory statistics take a global mutex on every SQLite allocation; the store never reads
// them. Must run before SQLite initialises, so: before the first connection. If something
// else in the process initialised SQLite first, the call fails harmlessly.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

int open_flags(Connection::Mode mode) {
  int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread
  switch (mode) {
    case Connection::Mode::read_write_create:
      return flags | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    case Connection::Mode::read_write:
      return flags | SQLITE_OPEN_READWRITE;
    case Connection::Mode::read_only:
      return flags | SQLITE_OPEN_READONLY;
  }
  return flags;
}

// The database holds the show's credentials (judge tokens, the device token secret, key
// hashes): only its owner may read it. Made 0600 before SQLite creates it; SQLite gives the WAL
// and SHM it makes the database's mode. Files made by an older version, or left by a crash,
// are narrowed to their owner.
void keep_private(const std::string& path, bool create) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (fd < 0) return;  // SQLite says why, with the path
  struct stat status {};
  if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && (status.st_mode & 077) != 0) {
    [[maybe_unused]] const int narrowed = ::fchmod(fd, status.st_mode & 0700);
  }
  ::close(fd);
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string companion = path + suffix;
    if (::stat(companion.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
        (status.st_mode & 077) != 0) {
      [[maybe_unused]] const int narrowed = ::chmod(companion.c_str(), status.st_mode & 0700);
    }
  }
}
}  // namespace

Connection::Connection(const std::string& path, Mode mode) : path_(path) {
  configure_sqlite_once();
  if (mode != Mode::read_only) keep_private(path, mode == Mode::read_write_create);
  int rc = sqlite3_open_v2(path.c_str(), &db_, open_flags(mode), nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError(path + ": " + reason);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  sqlite3_close_v2(db_);
}

void Connection::exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string reason = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw StoreError(path_ + ": " + reason);
  }
}

std::int64_t Connection::query_int(const std::string& sql) {
  Statement statement(*this, sql);
  if (!statement.step()) throw StoreError(path_ + ": no result from " + sql);
  return statement.column_int(0);
}

std::string Connection::query_text(const std::string& sql) {
  Statement statement(*this, sql);
  if (!statement.step()) throw StoreError(path_ + ": no result from " + sql);
  return statement.column_text(0);
}

bool Connection::is_read_only() const {
  return sqlite3_db_readonly(db_, "main") == 1;
}

Statement::Statement(Connection& connection, const std::string& sql) : db_(connection.handle()) {
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, connection.path() + ": preparing \"" + sql + "\"");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Statement::bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Statement::bind_text_static(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Statement::bind_text_or_null(int index, std::string_view text) {
  if (!text.empty()) return bind_text_static(index, text);
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Statement::bind_int_or_null(int index, std::int64_t value) {
  if (value != 0) return bind(index, value);
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, sqlite3_db_filename(db_, "main"));
}

void Statement::run() {
  ResetOnExit reset_on_exit(*this);
  step();
}

void Statement::reset() {
  // sqlite3_reset repeats the last step's error; step() has reported it already.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
  return std::string(column_view(index));
}

std::string_view Statement::column_view(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

}  // namespace stagevote::store::sqlite
