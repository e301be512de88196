#pragma once
// One io_context per thread, each run by exactly one thread (concurrency hint 1). A
// connection lives on one context for its whole life, so its handlers never run concurrently
// without a strand, and a context's scheduler takes no lock for work its own thread posts:
// the per-vote cost of strand hand-offs and a shared scheduler queue is gone (see
// docs/benchmarks.md). Connections are dealt to the contexts in turn.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace stagevote::net {

// A connection's socket and stream, bound to its context's own executor type rather than the
// type-erased any_io_executor: every handler of every vote copies the executor several times.
using connection_executor = boost::asio::io_context::executor_type;
using connection_socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, connection_executor>;
using connection_stream = boost::beast::basic_stream<boost::asio::ip::tcp, connection_executor,
                                                     boost::beast::unlimited_rate_policy>;

class io_context_pool {
 public:
  explicit io_context_pool(unsigned threads);
  io_context_pool(const io_context_pool&) = delete;
  io_context_pool& operator=(const io_context_pool&) = delete;

  // The context of the listener, the ticker, the hub and signals.
  boost::asio::io_context& main() noexcept { return *contexts_.front(); }
  // Thread-safe: the context for the next connection.
  boost::asio::io_context& next() noexcept;

  // Runs every context on its own thread; `on_exit` is called by each thread as it ends.
  template <class OnExit>
  void start(OnExit on_exit) {
    for (auto& context : contexts_) {
      threads_.emplace_back([&context = *context, on_exit] {
        context.run();
        on_exit();
      });
    }
  }
  // From now on a context's thread ends once its last connection and timer are gone.
  void release_work() noexcept;
  // Stops every context at once (work left in them is abandoned).
  void stop() noexcept;
  void join();
  std::size_t size() const noexcept { return contexts_.size(); }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  // Keeps a context with no connection yet from returning from run() at once.
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace stagevote::net
