#include "net/ticker.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace stagevote::net {

ticker::ticker(boost::asio::io_context& ioc, engine::Engine& engine, engine::Publisher& publisher,
               engine::AudienceGate& gate, std::shared_ptr<hub> hub)
    : timer_(ioc), engine_(engine), publisher_(publisher), gate_(gate), hub_(std::move(hub)) {}

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
  const core::Millis now = engine_.clock().now();
  const bool code_mode = engine_.read(
      [](const core::Show& show) { return show.admission() == core::Admission::code; });
  if (const auto slot = gate_.code_slot(now); code_mode && slot != code_slot_) {
    code_slot_ = slot;
    engine_.touch();  // the screens' view (the code) changed: a new version goes out
  }
  if (++ticks_ % 10 == 0) {
    hub_->publish_connections();
    hub_->publish_presence();
    gate_.sample(now);
  }
  arm();
}

}  // namespace stagevote::net
