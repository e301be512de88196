#pragma once
// Screens that never read (--slow-readers): each completes the WebSocket upgrade, says hello
// as a display, so that the server queues tallies for it, and then reads nothing. The run
// measures tally latency as always, now with the server carrying these laggards
// (docs/reliability.md, "Slow readers").
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "target.hpp"

namespace stagevote::bench {

class SlowReaders {
 public:
  // Opens `count` such connections to `target`, one after another; `hello` is the display's
  // hello message, as JSON text. A connection that fails is counted and left out.
  SlowReaders(const Target& target, std::size_t count, const std::string& hello);
  ~SlowReaders();
  SlowReaders(const SlowReaders&) = delete;
  SlowReaders& operator=(const SlowReaders&) = delete;

  // Upgraded (101) with the hello sent.
  std::size_t joined() const noexcept { return fds_.size(); }
  std::size_t failed() const noexcept { return failed_; }

  // How many the server has closed: reads (and discards) what each socket holds, to find the
  // end of the stream behind it, for at most `wait`. Ends their slowness: call it last.
  std::size_t count_closed(std::chrono::milliseconds wait);

 private:
  std::vector<int> fds_;
  std::size_t failed_ = 0;
};

}  // namespace stagevote::bench
