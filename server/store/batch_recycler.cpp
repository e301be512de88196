#include "store/batch_recycler.hpp"

namespace stagevote::store {
namespace {
// Vectors kept for reuse: the writer needs one for the queue and one it is working on.
constexpr std::size_t kKeptEmpty = 2;
}  // namespace

BatchRecycler::BatchRecycler() : thread_([this] { run(); }) {}

BatchRecycler::~BatchRecycler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void BatchRecycler::recycle(Batch&& spent) {
  {
    std::lock_guard lock(mutex_);
    spent_.push_back(std::move(spent));
  }
  wake_.notify_one();
}

BatchRecycler::Batch BatchRecycler::take_empty() {
  std::lock_guard lock(mutex_);
  if (empty_.empty()) return {};
  Batch batch = std::move(empty_.back());
  empty_.pop_back();
  return batch;
}

void BatchRecycler::run() {
  std::vector<Batch> spent;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !spent_.empty(); });
      if (spent_.empty()) return;  // stopping, and everything is destroyed
      spent.swap(spent_);
    }
    for (Batch& batch : spent) batch.clear();  // the frees happen here, off the writer thread
    std::lock_guard lock(mutex_);
    for (Batch& batch : spent) {
      if (empty_.size() < kKeptEmpty) empty_.push_back(std::move(batch));
    }
    spent.clear();
  }
}

}  // namespace stagevote::store
