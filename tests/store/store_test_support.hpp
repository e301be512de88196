#pragma once
// What the store tests share: a temporary directory per test, a plain sqlite3 connection
// to look at the file behind the store's back, and builders for ledger writes.
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>

#include "store/store.hpp"

namespace stagevote::store::test {

// A fresh directory, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "stagevote-store-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A plain sqlite3 connection, independent of the store's own.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::string message = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      throw std::runtime_error("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // Returns "" on success, else SQLite's message.
  std::string exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return "";
    std::string text = message != nullptr ? message : "error";
    sqlite3_free(message);
    return text;
  }
  void exec_or_throw(const std::string& sql) {
    std::string error = exec(sql);
    if (!error.empty()) throw std::runtime_error(sql + ": " + error);
  }

  // The first column of the first row; throws if there is no row.
  std::int64_t query_int(const std::string& sql) {
    sqlite3_stmt* statement = first_row(sql);
    std::int64_t value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return value;
  }
  std::string query_text(const std::string& sql) {
    sqlite3_stmt* statement = first_row(sql);
    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    std::string value = text != nullptr ? text : "";
    sqlite3_finalize(statement);
    return value;
  }

 private:
  sqlite3_stmt* first_row(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    if (sqlite3_step(statement) != SQLITE_ROW) {
      std::string message = sql + ": no row (" + sqlite3_errmsg(db_) + ")";
      sqlite3_finalize(statement);
      throw std::runtime_error(message);
    }
    return statement;
  }

  sqlite3* db_ = nullptr;
};

// Holds the writer thread inside a completion, so that the test can queue writes that will
// then be taken together as one batch.
class WriterGate {
 public:
  // A completion that reports its result and keeps the writer until release().
  Done hold(bool* ok_out = nullptr) {
    return [this, ok_out](bool ok) {
      if (ok_out != nullptr) *ok_out = ok;
      held_.set_value();
      released_.wait();
    };
  }
  void wait_until_held() { held_future_.wait(); }
  void release() { release_.set_value(); }

 private:
  std::promise<void> held_;
  std::future<void> held_future_ = held_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

inline LedgerWrite command_write(const std::string& kind, const std::string& payload,
                                 std::int64_t ts = 1'700'000'000'000) {
  LedgerWrite write;
  write.ts = ts;
  write.kind = kind;
  write.actor = "host";
  write.payload = payload;
  return write;
}

inline LedgerWrite vote_write(const std::string& poll, const std::string& device,
                              const std::string& choice, std::int64_t ts = 1'700'000'000'000) {
  LedgerWrite write;
  write.ts = ts;
  write.kind = "vote";
  write.actor = device;
  write.payload = R"({"type":"vote","poll":")" + poll + R"(","choice":")" + choice + "\"}";
  write.vote = VoteRow{poll, device, choice};
  return write;
}

}  // namespace stagevote::store::test
