#include "store/group_commit.hpp"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <exception>

namespace stagevote::store {
namespace {
std::uint64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec);
}
}  // namespace

GroupCommitter::GroupCommitter(LedgerWriter& writer, std::size_t max_batch)
    : writer_(writer),
      max_batch_(std::max<std::size_t>(1, max_batch)),
      head_(writer.head()),
      thread_([this] { run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void GroupCommitter::push(PendingWrite pending) {
  bool was_empty;
  {
    std::lock_guard lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(pending));
  }
  // The thread only sleeps on an empty queue: later pushes need not wake it again.
  if (was_empty) wake_.notify_one();
}

StoreStats GroupCommitter::stats() const {
  return {writes_.load(), transactions_.load(), largest_batch_.load(), writer_cpu_ns_.load()};
}

void GroupCommitter::run() {
  std::vector<PendingWrite> batch = recycler_.take_empty();
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      // Swap: the queue gets an empty vector, with the capacity of an earlier round if the
      // recycler had one ready.
      batch.swap(queue_);
    }
    for (std::size_t begin = 0; begin < batch.size(); begin += max_batch_) {
      std::size_t size = std::min(max_batch_, batch.size() - begin);
      commit_and_complete(std::span(batch).subspan(begin, size));
    }
    recycler_.recycle(std::move(batch));
    batch = recycler_.take_empty();
    writer_cpu_ns_ = thread_cpu_ns();
  }
}

LedgerHead GroupCommitter::head() const {
  std::lock_guard lock(head_mutex_);
  return head_;
}

std::string GroupCommitter::failure() const {
  std::lock_guard lock(failure_mutex_);
  return failure_;
}

void GroupCommitter::commit_and_complete(std::span<PendingWrite> batch) {
  auto writes = static_cast<std::uint64_t>(
      std::count_if(batch.begin(), batch.end(), [](const auto& p) { return !p.is_barrier; }));
  // After a failed commit nothing more is written (fail-stop): later writes may depend on the
  // lost ones, and barriers promise that everything before them is on disk.
  bool ok = !failed_;
  if (ok && writes > 0) {
    ok = writer_.commit(batch);
    if (ok) {
      {
        std::lock_guard lock(head_mutex_);
        head_ = writer_.head();
      }
      writes_ += writes;
      ++transactions_;
      if (writes > largest_batch_.load()) largest_batch_ = writes;
    } else {
      std::fprintf(stderr, "stagevote store: a transaction of %llu writes failed: %s\n",
                   static_cast<unsigned long long>(writes), writer_.last_error().c_str());
      {
        std::lock_guard lock(failure_mutex_);
        failure_ = writer_.last_error();
      }
      failed_ = true;
    }
  }
  for (PendingWrite& pending : batch) {
    if (!pending.done) continue;
    try {
      pending.done(ok);
    } catch (const std::exception& error) {
      // A throwing completion must not stop the writer: the next batches still need it.
      std::fprintf(stderr, "stagevote store: a write completion threw: %s\n", error.what());
    } catch (...) {
      std::fprintf(stderr, "stagevote store: a write completion threw\n");
    }
  }
}

}  // namespace stagevote::store
