#pragma once
// One audience phone's WebSocket: connect (from a chosen source address), handshake, hello,
// wait for the welcome, then read forever and write what it is given, in order.
// Everything runs on the owning shard's single thread, so there are no locks; what the
// phone hears is handed to PhoneEvents, which keeps the books.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "flat_json.hpp"
#include "target.hpp"

namespace stagevote::bench {

class PhoneEvents {
 public:
  virtual ~PhoneEvents() = default;
  // The connection was welcomed (ok) or could not be set up (!ok; the socket is idle again
  // and may be opened anew).
  virtual void on_open(std::uint32_t phone, std::uint8_t slot, bool ok) = 0;
  // A message after the welcome.
  virtual void on_message(std::uint32_t phone, std::uint8_t slot, const TopLevel& message) = 0;
  // An open connection broke or was closed; every write still queued is dropped.
  virtual void on_lost(std::uint32_t phone, std::uint8_t slot) = 0;
};

class PhoneSocket {
 public:
  PhoneSocket(boost::asio::io_context& io, PhoneEvents& events, std::uint32_t phone,
              std::uint8_t slot);
  PhoneSocket(const PhoneSocket&) = delete;
  PhoneSocket& operator=(const PhoneSocket&) = delete;

  // Starts connecting; ends in on_open. `device` empty: ask for a new device token.
  void open(const Target& target, const std::optional<boost::asio::ip::address_v4>& source,
            std::string_view device);
  // Queues one text frame (only while open).
  void send(std::string text);
  // Starts a WebSocket close; ends in on_lost.
  void close();

  bool is_open() const noexcept { return state_ == State::open; }
  bool is_idle() const noexcept { return state_ == State::idle; }
  const std::string& device() const noexcept { return device_; }

 private:
  enum class State : std::uint8_t { idle, opening, open, closing, failing };
  // Bound to the shard's io_context executor type, not the type-erased any_io_executor: each
  // handler copies the executor, and the bench shares the machine with the server it measures.
  using WebSocket = boost::beast::websocket::stream<
      boost::beast::basic_stream<boost::asio::ip::tcp, boost::asio::io_context::executor_type,
                                 boost::beast::unlimited_rate_policy>>;

  void on_connect(boost::beast::error_code ec);
  void on_handshake(boost::beast::error_code ec);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_close(boost::beast::error_code ec);
  void read();
  void write_next();
  // Cancels everything on the socket; reports once the last handler has run.
  void fail();
  void finish_if_quiet();

  boost::asio::io_context& io_;
  PhoneEvents& events_;
  std::optional<WebSocket> ws_;  // a fresh stream per attempt: Beast streams are single-use
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  std::string device_;
  std::string hello_;
  const Target* target_ = nullptr;
  std::uint32_t phone_;
  std::uint8_t slot_;
  State state_ = State::idle;
  bool was_open_ = false;
  std::uint8_t pending_ops_ = 0;
};

}  // namespace stagevote::bench
