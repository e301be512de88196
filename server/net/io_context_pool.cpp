#include "net/io_context_pool.hpp"

#include <algorithm>

namespace stagevote::net {

io_context_pool::io_context_pool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    work_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
}

boost::asio::io_context& io_context_pool::next() noexcept {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void io_context_pool::release_work() noexcept {
  for (auto& guard : work_) guard.reset();
}

void io_context_pool::stop() noexcept {
  for (auto& context : contexts_) context->stop();
}

void io_context_pool::join() {
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace stagevote::net
