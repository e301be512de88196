#pragma once
// A thin RAII layer over the SQLite C API: a connection, statements prepared once and kept
// for the connection's life, and every failure turned into a StoreError that carries
// SQLite's own message. Nothing here knows about ledgers or votes.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace stagevote::store::sqlite {

// Throws StoreError("<what>: <sqlite message>") for a result code that is not `rc_ok`.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what);

class Statement;

class Connection {
 public:
  enum class Mode { read_write_create, read_write, read_only };

  // `path` may be a plain path or an SQLite URI ("file:x.db?mode=ro").
  Connection(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows we care about.
  void exec(const std::string& sql);
  // Runs a statement that returns one row with one column (a PRAGMA, a count).
  std::int64_t query_int(const std::string& sql);
  std::string query_text(const std::string& sql);

  bool is_read_only() const;
  // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// One prepared statement. bind → step → (read columns) → reset, as often as needed.
class Statement {
 public:
  Statement(Connection& connection, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQLite. Text is copied only when asked to:
  // bind_text_static requires the text to outlive the next reset().
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);
  void bind_text_static(int index, std::string_view text);
  // An empty text binds NULL (an absent optional column).
  void bind_text_or_null(int index, std::string_view text);
  // 0 binds NULL (an absent optional number).
  void bind_int_or_null(int index, std::int64_t value);

  // true when a row is available, false when the statement is done; throws on error.
  bool step();
  // Steps a statement that must return no rows (INSERT, UPDATE ...), then resets it.
  void run();
  // Clears the last result and the bindings so the statement can run again.
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::string_view column_view(int index) const;  // valid until the next step/reset

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets the statement on scope exit, so an exception cannot leave it busy.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

}  // namespace stagevote::store::sqlite
