#pragma once
// One WebSocket connection: reads client messages on its context's thread, hands requests to the
// engine, and writes replies and broadcasts one at a time from a queue bounded by bytes.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "engine/engine.hpp"
#include "net/io_context_pool.hpp"
#include "net/messages.hpp"
#include "net/session_limits.hpp"

namespace stagevote::net {

struct ServerContext;

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(connection_socket&& socket, std::shared_ptr<ServerContext> context);
  ~websocket_session();

  // Accepts the upgrade request (which the http_session has read) and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  // Thread-safe: queue a message (posted onto this session's context).
  void send(engine::Message message);
  // On this session's own context (the hub's chunked fan-out): queue a state snapshot unless
  // a newer one was already queued.
  void send_state_here(engine::Message message, std::uint64_t sequence) {
    on_send_state(std::move(message), sequence);
  }
  connection_executor executor() { return ws_.get_executor(); }
  // Thread-safe: close with a close frame (server shutdown: going away).
  void close(
      boost::beast::websocket::close_code code = boost::beast::websocket::close_code::going_away);
  // Thread-safe: the contest was replaced; a fresh welcome, then this state.
  void welcome_again(engine::Message state, std::uint64_t sequence);

  // Set once at hello, before the session joins the hub; read-only afterwards.
  const std::string& judge_id() const noexcept { return judge_id_; }

 private:
  void on_accept(boost::beast::error_code ec);
  void on_hello_deadline(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_message(std::string_view text);
  void handle_hello(HelloRequest& hello);
  void reply_later(engine::Message message);
  engine::ReplyFn replier();

  void on_send(engine::Message message);
  void on_send_state(engine::Message message, std::uint64_t sequence);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void start_close(boost::beast::websocket::close_code code);
  void on_close(boost::beast::error_code ec);
  void fail(boost::beast::error_code ec, const char* what);

  boost::beast::websocket::stream<connection_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  boost::asio::steady_timer hello_timer_;

  std::optional<engine::Role> role_;  // empty until hello
  std::string judge_id_;
  std::string device_;
  TokenBucket bucket_;

  std::deque<engine::Message> queue_;  // front() is being written
  std::size_t queued_bytes_ = 0;
  std::uint64_t state_sequence_ = 0;
  bool open_ = false;     // accepted and not failed
  bool closing_ = false;  // a close frame is queued or sent: nothing more is written
  boost::beast::websocket::close_reason close_reason_;
};

}  // namespace stagevote::net
