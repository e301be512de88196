#pragma once
// A connection's byte stream: plain TCP, or TLS over it when the server has a certificate
// (--tls-cert/--tls-key). One stream type for both, as a variant, so that the HTTP and
// WebSocket sessions stay one class each (Beast's advanced_server_flex makes them templates
// instead): a read or write picks its branch at run time, which costs nothing next to the
// system call it makes. Timeouts stay on the TCP stream underneath (get_lowest_layer).
#include <boost/asio/async_result.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <utility>
#include <variant>

#include "net/io_context_pool.hpp"

namespace stagevote::net {

using tls_stream = boost::beast::ssl_stream<connection_stream>;

class flex_stream {
 public:
  using executor_type = connection_executor;

  explicit flex_stream(connection_socket&& socket)
      : stream_(std::in_place_index<0>, std::move(socket)) {}

  // From now on TLS over the same connection (the handshake is the caller's).
  void start_tls(boost::asio::ssl::context& context) {
    auto plain = std::move(std::get<connection_stream>(stream_));
    stream_.emplace<tls_stream>(std::move(plain), context);
  }
  tls_stream* tls() noexcept { return std::get_if<tls_stream>(&stream_); }
  bool is_tls() const noexcept { return stream_.index() == 1; }

  // The TCP stream underneath, with its timeouts and socket. Named next_layer() so that
  // beast::get_lowest_layer (timeouts, closing on a WebSocket timeout) finds it.
  connection_stream& next_layer() noexcept {
    if (auto* secure = tls()) return secure->next_layer();
    return std::get<connection_stream>(stream_);
  }

  executor_type get_executor() noexcept { return next_layer().get_executor(); }

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (auto* secure = tls()) {
            secure->async_read_some(b, std::move(handler));
          } else {
            std::get<connection_stream>(stream_).async_read_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (auto* secure = tls()) {
            secure->async_write_some(b, std::move(handler));
          } else {
            std::get<connection_stream>(stream_).async_write_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

  // The WebSocket close (Beast's teardown customisation point, found by ADL): TLS first says
  // close_notify, then the TCP connection ends as Beast's own streams do it.
  template <class Handler>
  friend void async_teardown(boost::beast::role_type role, flex_stream& stream, Handler&& handler) {
    using boost::beast::websocket::async_teardown;
    if (auto* secure = stream.tls()) {
      async_teardown(role, *secure, std::forward<Handler>(handler));
    } else {
      async_teardown(role, std::get<connection_stream>(stream.stream_),
                     std::forward<Handler>(handler));
    }
  }
  friend void teardown(boost::beast::role_type role, flex_stream& stream,
                       boost::beast::error_code& ec) {
    using boost::beast::websocket::teardown;
    if (auto* secure = stream.tls()) {
      teardown(role, *secure, ec);
    } else {
      teardown(role, std::get<connection_stream>(stream.stream_), ec);
    }
  }

 private:
  std::variant<connection_stream, tls_stream> stream_;
};

}  // namespace stagevote::net
