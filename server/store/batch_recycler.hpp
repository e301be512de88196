#pragma once
// Destroys spent batches off the writer thread and hands their emptied vectors back.
//
// Destroying a batch frees every string of every write, and those were allocated by the
// callers' threads: in glibc each such free takes the other thread's arena lock. For a flood
// of votes that was ~8 % of the writer thread's time, the one thread everything waits for.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "store/ledger_writer.hpp"

namespace stagevote::store {

class BatchRecycler {
 public:
  using Batch = std::vector<PendingWrite>;

  BatchRecycler();
  // Destroys what is still pending, then stops the thread.
  ~BatchRecycler();
  BatchRecycler(const BatchRecycler&) = delete;
  BatchRecycler& operator=(const BatchRecycler&) = delete;

  // Takes a batch whose completions have all run; returns at once.
  void recycle(Batch&& spent);
  // An empty vector, with the capacity of an earlier batch when one is ready.
  Batch take_empty();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Batch> spent_;  // guarded by mutex_
  std::vector<Batch> empty_;  // guarded by mutex_; cleared, capacity kept
  bool stopping_ = false;     // guarded by mutex_
  std::thread thread_;        // last: starts after everything above exists
};

}  // namespace stagevote::store
