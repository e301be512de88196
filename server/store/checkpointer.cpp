#include "store/checkpointer.hpp"

#include <cstdio>

#include "store/connection_setup.hpp"

namespace stagevote::store {

Checkpointer::Checkpointer(const std::string& path, int checkpoint_pages, int wal_limit_pages)
    : db_(path, sqlite::Connection::Mode::read_write),
      checkpoint_pages_(checkpoint_pages),
      wal_limit_pages_(wal_limit_pages) {
  // synchronous=FULL here too: a checkpoint then syncs the database file before the WAL may
  // be reused, so the copy is durable before its source is overwritten.
  configure_reader(db_);
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::watch(sqlite::Connection& writer) {
  // Replaces SQLite's automatic checkpoints on that connection.
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3* writer, const char* schema, int wal_pages) {
  static_cast<Checkpointer*>(self)->after_commit(writer, schema, wal_pages);
  return SQLITE_OK;  // the commit itself has succeeded whatever happens here
}

void Checkpointer::after_commit(sqlite3* writer, const char* schema, int wal_pages) {
  if (wal_pages < last_wal_pages_) wal_pages_at_last_pass_ = 0;  // the WAL started over
  last_wal_pages_ = wal_pages;
  if (wal_pages - wal_pages_at_last_pass_ < checkpoint_pages_) return;
  bool catch_up = false;
  {
    std::lock_guard lock(mutex_);
    if (in_progress_) return;  // a pass is copying; the next commit looks again
    wal_pages_at_last_pass_ = wal_pages;
    if (wal_pages >= wal_limit_pages_) {
      in_progress_ = true;
      catch_up = true;
    } else {
      requested_ = true;
    }
  }
  if (!catch_up) {
    wake_.notify_one();
    return;
  }
  checkpoint(writer, schema);
  std::lock_guard lock(mutex_);
  in_progress_ = false;
}

void Checkpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || (requested_ && !in_progress_); });
      if (stopping_) return;
      requested_ = false;
      in_progress_ = true;
    }
    checkpoint(db_.handle(), "main");
    std::lock_guard lock(mutex_);
    in_progress_ = false;
  }
}

void Checkpointer::checkpoint(sqlite3* db, const char* schema) {
  // PASSIVE: copies what it can without waiting for readers or the writer.
  int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    ++checkpoints_;
  } else if (rc != SQLITE_BUSY) {
    // Not fatal: the WAL keeps every committed write; the next pass tries again.
    std::fprintf(stderr, "stagevote store: WAL checkpoint failed: %s\n", sqlite3_errmsg(db));
  }
}

}  // namespace stagevote::store
