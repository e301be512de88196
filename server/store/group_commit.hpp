#pragma once
// The write queue and its one writer thread. Callers push and return at once; the thread
// takes everything queued, commits it in one transaction (group commit), then runs each
// write's completion. Completions therefore never run before their row is on disk.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "store/batch_recycler.hpp"
#include "store/ledger_writer.hpp"

namespace stagevote::store {

class GroupCommitter {
 public:
  // At most this many queue entries go into one transaction, so that one flood of votes does
  // not make a single huge transaction (and a long wait for its first ack).
  static constexpr std::size_t kDefaultMaxBatch = 50'000;

  explicit GroupCommitter(LedgerWriter& writer, std::size_t max_batch = kDefaultMaxBatch);
  // Commits everything still queued, then stops the thread.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Thread-safe; never touches SQLite.
  void push(PendingWrite pending);

  StoreStats stats() const;
  LedgerHead head() const;
  // Fail-stop (see Store): whether a commit has failed, and the error.
  bool failed() const noexcept { return failed_.load(); }
  std::string failure() const;

 private:
  void run();
  void commit_and_complete(std::span<PendingWrite> batch);

  LedgerWriter& writer_;
  const std::size_t max_batch_;
  BatchRecycler recycler_;  // outlives the writer thread, which hands it every spent batch

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<PendingWrite> queue_;  // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_

  std::atomic<std::uint64_t> writes_{0};
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> largest_batch_{0};
  std::atomic<std::uint64_t> writer_cpu_ns_{0};

  mutable std::mutex head_mutex_;
  LedgerHead head_;  // guarded by head_mutex_; set after each commit

  std::atomic<bool> failed_{false};  // set once by the writer thread, never cleared
  mutable std::mutex failure_mutex_;
  std::string failure_;  // guarded by failure_mutex_

  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace stagevote::store
