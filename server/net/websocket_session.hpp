#pragma once
// One WebSocket connection: reads client messages on its context's thread, parses them
// (protocol), hands requests to the service, and writes replies and broadcasts one at a time
// from a queue bounded by bytes. It enforces the connection's limits; it never decides what a
// role may do.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "engine/service.hpp"
#include "net/connection_budget.hpp"
#include "net/flex_stream.hpp"
#include "net/session_limits.hpp"
#include "protocol/requests.hpp"

namespace stagevote::net {

struct ServerContext;

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  // `address`: the peer's, as the HTTP session read it when the connection was accepted.
  websocket_session(flex_stream&& stream, std::shared_ptr<ServerContext> context,
                    connection_slot slot, std::string address);
  ~websocket_session();

  // Accepts the upgrade request (which the http_session has read) and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  // Thread-safe: queue a message (posted onto this session's context).
  void send(protocol::Message message);
  // On this session's own context (the hub's chunked fan-out): queue a state snapshot unless
  // one of the same or a newer version was already queued.
  void send_state_here(protocol::Message message, std::uint64_t version) {
    on_send_state(std::move(message), version);
  }
  connection_executor executor() { return ws_.get_executor(); }
  // Thread-safe: close with a close frame (server shutdown: going away; a failed commit:
  // internal error, with the reason).
  void close(boost::beast::websocket::close_reason reason =
                 boost::beast::websocket::close_code::going_away);
  // Thread-safe: ends the session for a reason the client must hear (a judge's token revoked,
  // the judge signed in elsewhere): an `error` with `code` and `message`, then a close frame
  // (1008, the code as its reason).
  void end(core::ErrorCode code, std::string message);
  // Thread-safe: the contest was replaced; a fresh welcome, then this state.
  void welcome_again(protocol::Message state, std::uint64_t version);

  // Set once at hello, before the session joins the hub; read-only afterwards. A judge's
  // actor is the judge's id.
  const std::string& actor() const noexcept { return identity_ ? identity_->actor : no_actor_; }
  // The chief judge's desk (a judge session beside the judge's phone).
  bool is_desk() const noexcept { return identity_ && identity_->desk; }

 private:
  void on_accept(boost::beast::error_code ec);
  void on_hello_deadline(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  const RoleLimits& role_limits() const noexcept {
    return limits_.for_role(identity_ ? std::optional(identity_->role) : std::nullopt);
  }
  void handle_message(std::string_view text);
  void handle_hello(const protocol::HelloRequest& hello);
  engine::ReplyFn replier();

  void on_send(protocol::Message message);
  void on_send_state(protocol::Message message, std::uint64_t version);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void start_close(boost::beast::websocket::close_reason reason);
  void on_close(boost::beast::error_code ec);
  void fail(boost::beast::error_code ec, const char* what);

  boost::beast::websocket::stream<flex_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  connection_slot slot_;  // declared after context_: given back before the budget can go
  boost::asio::steady_timer hello_timer_;

  const SessionLimits& limits_;
  std::string address_;                       // the peer's, for the audience's caps
  std::optional<engine::Identity> identity_;  // empty until hello
  static inline const std::string no_actor_;
  TokenBucket bucket_;

  std::deque<protocol::Message> queue_;  // front() is being written
  std::size_t queued_bytes_ = 0;
  std::uint64_t state_version_ = 0;  // of the newest state queued
  bool open_ = false;                // accepted and not failed
  bool closing_ = false;             // a close frame is queued or sent: nothing more is written
  boost::beast::websocket::close_reason close_reason_;
};

}  // namespace stagevote::net
