#include "control_link.hpp"

#include <random>
#include <stdexcept>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "flat_json.hpp"

namespace stagevote::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using nlohmann::json;

ControlLink::ControlLink(asio::io_context& io, const Target& target, json hello)
    : io_(io), target_(target), hello_(hello.dump()), ws_(io.get_executor()) {
  std::random_device random;
  id_prefix_ = "b" + std::to_string(random()) + "-";
}

ControlLink::~ControlLink() = default;

json ControlLink::open(std::chrono::milliseconds timeout) {
  auto opened = opened_.get_future();
  asio::post(io_, [this] {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(ws_).async_connect(target_.endpoint, [this](beast::error_code ec) {
      if (ec) return broken("connect: " + ec.message());
      beast::get_lowest_layer(ws_).expires_never();
      beast::get_lowest_layer(ws_).socket().set_option(asio::ip::tcp::no_delay(true), ec);
      ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      ws_.read_message_max(16 << 20);
      ws_.async_handshake(target_.host_header, target_.path, [this](beast::error_code error) {
        if (error) return broken("handshake: " + error.message());
        send(hello_);
        read();
      });
    });
  });
  if (opened.wait_for(timeout) != std::future_status::ready) {
    throw std::runtime_error("no welcome and state within the time allowed");
  }
  return opened.get();
}

void ControlLink::read() {
  ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) { on_read(ec); });
}

void ControlLink::on_read(beast::error_code ec) {
  if (ec) return broken("read: " + ec.message());
  const auto received_at = Clock::now();
  const std::string_view text(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  const TopLevel top = scan_top_level(text);
  {
    std::lock_guard lock(mutex_);
    if (top.type == "tally") {
      json tally = json::parse(text, nullptr, false);
      if (tally.is_object() && tally.contains("poll") && tally.contains("total")) {
        const auto poll = tally["poll"].get<std::string>();
        tallies_[poll].push_back({tally["total"].get<long>(), received_at});
        last_tally_[poll] = std::move(tally);
      }
    } else if ((top.type == "ack" || top.type == "error") && !top.id.empty()) {
      const auto it = waiting_.find(std::string(top.id));
      if (it != waiting_.end()) {
        it->second.set_value(json::parse(text, nullptr, false));
        waiting_.erase(it);
      }
    } else if (top.type == "error" && !open_done_) {
      open_done_ = true;
      opened_.set_exception(
          std::make_exception_ptr(std::runtime_error("refused: " + std::string(text))));
    } else if (top.type == "welcome") {
      welcomed_ = true;
    } else if (top.type == "state" && welcomed_ && !open_done_) {
      // Only the first snapshot is parsed: hosts get one on every change, and parsing them
      // all would cost the bench time it should spend on phones.
      open_done_ = true;
      opened_.set_value(json::parse(text, nullptr, false));
    }
  }
  buffer_.consume(buffer_.size());
  read();
}

json ControlLink::request(json message, std::chrono::milliseconds timeout) {
  std::future<json> reply;
  std::string id;
  {
    std::lock_guard lock(mutex_);
    id = id_prefix_ + std::to_string(next_id_++);
    reply = waiting_[id].get_future();
  }
  message["id"] = id;
  asio::post(io_, [this, text = message.dump()]() mutable { send(std::move(text)); });
  if (reply.wait_for(timeout) != std::future_status::ready) {
    std::lock_guard lock(mutex_);
    waiting_.erase(id);
    throw std::runtime_error("no reply to " + message.dump());
  }
  return reply.get();
}

void ControlLink::send(std::string text) {
  outbox_.push_back(std::move(text));
  if (outbox_.size() == 1) write_next();
}

void ControlLink::write_next() {
  if (outbox_.empty()) return;
  ws_.async_write(asio::buffer(outbox_.front()), [this](beast::error_code ec, std::size_t) {
    if (ec) return broken("write: " + ec.message());
    outbox_.pop_front();
    write_next();
  });
}

void ControlLink::broken(const std::string& why) {
  std::lock_guard lock(mutex_);
  const auto error = std::make_exception_ptr(std::runtime_error("connection lost: " + why));
  if (!open_done_) {
    open_done_ = true;
    opened_.set_exception(error);
  }
  for (auto& [id, waiting] : waiting_) waiting.set_exception(error);
  waiting_.clear();
  if (!close_done_) {
    close_done_ = true;
    closed_.set_value();
  }
}

std::vector<TallySeen> ControlLink::tallies(const std::string& poll) const {
  std::lock_guard lock(mutex_);
  const auto it = tallies_.find(poll);
  return it == tallies_.end() ? std::vector<TallySeen>{} : it->second;
}

std::optional<json> ControlLink::last_tally(const std::string& poll) const {
  std::lock_guard lock(mutex_);
  const auto it = last_tally_.find(poll);
  if (it == last_tally_.end()) return std::nullopt;
  return it->second;
}

void ControlLink::close(std::chrono::milliseconds timeout) {
  auto closed = closed_.get_future();
  asio::post(io_, [this] {
    if (!ws_.is_open()) return broken("closed");
    ws_.async_close(websocket::close_code::normal, [](beast::error_code) {
      // The pending read ends with `closed`, which completes the close.
    });
  });
  closed.wait_for(timeout);
}

}  // namespace stagevote::bench
