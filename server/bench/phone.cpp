#include "phone.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace stagevote::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {
constexpr auto connect_timeout = std::chrono::seconds(10);
// A phone reads acks of ~100 bytes; the buffer grows for the occasional state snapshot and is
// given back afterwards, so that 20,000 idle phones do not each hold a snapshot's worth.
constexpr std::size_t kept_buffer_bytes = 4096;
}  // namespace

PhoneSocket::PhoneSocket(asio::io_context& io, PhoneEvents& events, std::uint32_t phone,
                         std::uint8_t slot)
    : io_(io), events_(events), phone_(phone), slot_(slot) {}

void PhoneSocket::open(const Target& target, const std::optional<asio::ip::address_v4>& source,
                       std::string_view device) {
  state_ = State::opening;
  was_open_ = false;
  target_ = &target;
  hello_ = device.empty()
               ? std::string(R"({"type":"hello","role":"audience"})")
               : R"({"type":"hello","role":"audience","device":")" + std::string(device) + "\"}";
  ws_.emplace(io_.get_executor());
  auto& socket = beast::get_lowest_layer(*ws_).socket();
  beast::error_code ec;
  socket.open(target.endpoint.protocol(), ec);
  if (!ec && source && target.endpoint.address().is_v4()) {
    // Pick the port at connect time, per (source, destination) pair: otherwise bind() would
    // reserve a port per source address and exhaust the range at ~28,000 sockets.
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(*source, 0), ec);
  }
  if (ec) {
    ++pending_ops_;
    asio::post(io_, [this] {
      --pending_ops_;
      fail();
    });
    return;
  }
  beast::get_lowest_layer(*ws_).expires_after(connect_timeout);
  ++pending_ops_;
  beast::get_lowest_layer(*ws_).async_connect(target.endpoint, [this](beast::error_code error) {
    --pending_ops_;
    on_connect(error);
  });
}

void PhoneSocket::on_connect(beast::error_code ec) {
  if (ec || state_ != State::opening) return fail();
  auto& stream = beast::get_lowest_layer(*ws_);
  stream.expires_never();  // the WebSocket keeps its own timeouts from here on
  stream.socket().set_option(tcp::no_delay(true), ec);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = connect_timeout;
  timeouts.idle_timeout = std::chrono::seconds(60);
  timeouts.keep_alive_pings = true;
  ws_->set_option(timeouts);
  ws_->read_message_max(1 << 20);
  ws_->write_buffer_bytes(512);  // a vote is ~80 bytes; the default 4 KiB per phone adds up
  ++pending_ops_;
  ws_->async_handshake(target_->host_header, target_->path, [this](beast::error_code error) {
    --pending_ops_;
    on_handshake(error);
  });
}

void PhoneSocket::on_handshake(beast::error_code ec) {
  if (ec || state_ != State::opening) return fail();
  outbox_.push_back(hello_);
  write_next();
  read();
}

void PhoneSocket::read() {
  ++pending_ops_;
  ws_->async_read(buffer_, [this](beast::error_code ec, std::size_t bytes) {
    --pending_ops_;
    on_read(ec, bytes);
  });
}

void PhoneSocket::on_read(beast::error_code ec, std::size_t) {
  if (ec || state_ == State::failing) return fail();
  const std::string_view text(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  const TopLevel message = scan_top_level(text);
  if (state_ == State::opening) {
    if (message.type == "welcome") {
      device_.assign(message.device);
      state_ = State::open;
      was_open_ = true;
      events_.on_open(phone_, slot_, true);
    } else if (message.type == "error") {
      return fail();  // e.g. refused: the server closes after an error before welcome
    }
  } else if (state_ == State::open || state_ == State::closing) {
    events_.on_message(phone_, slot_, message);
  }
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > kept_buffer_bytes) buffer_.shrink_to_fit();
  if (state_ == State::failing) return finish_if_quiet();
  read();
}

void PhoneSocket::send(std::string text) {
  if (state_ != State::open) return;
  outbox_.push_back(std::move(text));
  if (outbox_.size() == 1) write_next();
}

void PhoneSocket::write_next() {
  if (outbox_.empty()) return;
  ++pending_ops_;
  ws_->async_write(asio::buffer(outbox_.front()), [this](beast::error_code ec, std::size_t bytes) {
    --pending_ops_;
    on_write(ec, bytes);
  });
}

void PhoneSocket::on_write(beast::error_code ec, std::size_t) {
  if (ec || state_ == State::failing) return fail();
  outbox_.pop_front();
  if (state_ == State::closing && outbox_.empty()) {
    ++pending_ops_;
    ws_->async_close(websocket::close_code::normal, [this](beast::error_code error) {
      --pending_ops_;
      on_close(error);
    });
    return;
  }
  write_next();
}

void PhoneSocket::close() {
  if (state_ != State::open) return;
  state_ = State::closing;
  if (!outbox_.empty()) return;  // on_write starts the close once the queue is written
  ++pending_ops_;
  ws_->async_close(websocket::close_code::normal, [this](beast::error_code ec) {
    --pending_ops_;
    on_close(ec);
  });
}

void PhoneSocket::on_close(beast::error_code) {
  fail();
}

void PhoneSocket::fail() {
  if (state_ != State::failing) {
    state_ = State::failing;
    beast::error_code ignored;
    if (ws_) beast::get_lowest_layer(*ws_).socket().close(ignored);
  }
  finish_if_quiet();
}

void PhoneSocket::finish_if_quiet() {
  if (pending_ops_ != 0 || state_ != State::failing) return;
  state_ = State::idle;
  outbox_.clear();
  buffer_.clear();
  buffer_.shrink_to_fit();
  ws_.reset();
  if (was_open_) {
    was_open_ = false;
    events_.on_lost(phone_, slot_);
  } else {
    events_.on_open(phone_, slot_, false);
  }
}

}  // namespace stagevote::bench
