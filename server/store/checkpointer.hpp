#pragma once
// Copies the WAL into the database file on its own thread and connection, so that the writer
// thread, which every ack waits for, never spends its time on checkpoints.
//
// After each commit the writer's WAL hook looks at the WAL's size. Once it has grown by
// `checkpoint_pages` since the last pass (or since it started over) it asks the checkpointer
// thread for a PASSIVE checkpoint, which runs alongside the writer. Counting growth rather
// than size matters at moderate rates: small commits past the threshold would otherwise each
// start a pass that copies the same few hot pages and syncs the database file again.
// The WAL starts over from its beginning only when a commit finds every frame already copied;
// under a steady flood the writer always commits new frames before a pass ends, so past
// `wal_limit_pages` the writer itself finishes the copy between two transactions (a short
// catch-up: the checkpointer has copied most of it), and the next commit restarts the WAL.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite.hpp"

namespace stagevote::store {

class Checkpointer {
 public:
  Checkpointer(const std::string& path, int checkpoint_pages, int wal_limit_pages);
  // Finishes the pass under way, then stops the thread.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Installs the WAL hook on the writer's connection (which must outlive this object's use).
  void watch(sqlite::Connection& writer);

  std::uint64_t checkpoints() const { return checkpoints_.load(); }

 private:
  static int on_commit(void* self, sqlite3* writer, const char* schema, int wal_pages);
  void after_commit(sqlite3* writer, const char* schema, int wal_pages);
  void run();
  void checkpoint(sqlite3* db, const char* schema);

  sqlite::Connection db_;
  const int checkpoint_pages_;
  const int wal_limit_pages_;

  std::mutex mutex_;
  std::condition_variable wake_;
  // The writer thread's own (after_commit only): the WAL's size at the last commit, and when
  // the last pass was started.
  int last_wal_pages_ = 0;
  int wal_pages_at_last_pass_ = 0;

  bool requested_ = false;    // guarded by mutex_
  bool in_progress_ = false;  // guarded by mutex_: a checkpoint runs (on either thread)
  bool stopping_ = false;     // guarded by mutex_
  std::atomic<std::uint64_t> checkpoints_{0};

  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace stagevote::store
