#include "net/ticker.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace stagevote::net {

ticker::ticker(boost::asio::io_context& ioc, engine::Engine& engine, engine::Publisher& publisher,
               std::shared_ptr<hub> hub)
    : timer_(ioc), engine_(engine), publisher_(publisher), hub_(std::move(hub)) {}

void ticker::start() {
  boost::asio::dispatch(timer_.get_executor(), [self = shared_from_this()] {
    self->next_ = std::chrono::steady_clock::now();
    self->arm();
  });
}

void ticker::stop() {
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
  });
}

void ticker::arm() {
  // Fixed rate, not fixed delay: a slow tick does not push the later ones back.
  next_ += kPeriod;
  const auto now = std::chrono::steady_clock::now();
  if (next_ < now) next_ = now;
  timer_.expires_at(next_);
  timer_.async_wait(boost::beast::bind_front_handler(&ticker::on_tick, shared_from_this()));
}

void ticker::on_tick(boost::beast::error_code ec) {
  if (ec || stopped_) return;
  engine_.close_expired_polls();
  hub_->publish_to_screens(publisher_.changed_tallies());
  if (++ticks_ % 10 == 0) hub_->publish_connections();
  arm();
}

}  // namespace stagevote::net
