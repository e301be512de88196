#pragma once
// The server's clock-driven work, every 100 ms on the main context's thread: coalesced tallies to
// the screens (only when a count changed), closing polls at their deadline, a new state for the
// screens when the join code turns over, and every second connection counts and the judges'
// presence to the hosts (when they changed) and a sample of the open poll for the integrity
// panel.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <memory>

#include "engine/publisher.hpp"
#include "net/hub.hpp"

namespace stagevote::net {

class ticker : public std::enable_shared_from_this<ticker> {
 public:
  static constexpr std::chrono::milliseconds kPeriod{100};

  ticker(boost::asio::io_context& ioc, engine::Engine& engine, engine::Publisher& publisher,
         engine::AudienceGate& gate, std::shared_ptr<hub> hub);
  void start();
  void stop();  // thread-safe

 private:
  void arm();
  void on_tick(boost::beast::error_code ec);

  boost::asio::steady_timer timer_;
  engine::Engine& engine_;
  engine::Publisher& publisher_;
  engine::AudienceGate& gate_;
  std::shared_ptr<hub> hub_;
  std::int64_t code_slot_ = -1;  // the join code's period last published
  std::chrono::steady_clock::time_point next_;
  unsigned ticks_ = 0;
  bool stopped_ = false;
};

}  // namespace stagevote::net
