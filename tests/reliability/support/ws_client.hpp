#pragma once
// A WebSocket client for tests: Beast underneath, every operation with a deadline, used from
// one thread. Reading is continuous while any call waits, so the server's pings are answered;
// what arrives waits in an inbox for next() or reply().
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace stagevote::reliability {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The connection failed, closed or timed out while a reply was awaited.
struct WsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct WsOptions {
  std::string origin;  // sent as the Origin header if not empty
  std::string path = "/ws";
  std::chrono::milliseconds timeout = 10s;  // connect and handshake
};

class WsClient {
 public:
  // Connects and completes the upgrade; throws WsError (with the HTTP status if refused).
  explicit WsClient(unsigned short port, const WsOptions& options = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send(const json& message) { send_text(message.dump()); }
  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);

  // The next message (parsed; a non-JSON frame becomes {"type":"<not json>","raw":...}), or
  // nullopt if none arrived in time or the connection has ended.
  std::optional<json> next(std::chrono::milliseconds timeout = 5s);
  // Skips messages until one satisfies `match`; throws WsError on timeout or end.
  json next_where(const std::function<bool(const json&)>& match,
                  std::chrono::milliseconds timeout = 10s);
  // Skips messages until the reply (ack or error) carrying `id`.
  json reply(const std::string& id, std::chrono::milliseconds timeout = 10s);
  // Sends a request carrying an "id" and waits for its reply.
  json request(const json& message, std::chrono::milliseconds timeout = 10s);
  // Sends hello and returns the welcome, or the error if the hello was refused.
  json hello(const json& message, std::chrono::milliseconds timeout = 10s);

  // True once the connection has ended (close frame, reset or EOF), after waiting up to
  // `timeout` for that to happen; messages still in the inbox are kept.
  bool ended(std::chrono::milliseconds timeout = 0ms);
  // The server's close frame, if it sent one.
  std::optional<boost::beast::websocket::close_reason> close_reason() const;
  const boost::beast::error_code& end_error() const noexcept { return end_error_; }

  // Starts a close handshake and waits for it (briefly).
  void close();

  std::size_t inbox_size() const noexcept { return inbox_.size(); }

 private:
  void start_read();
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<json> inbox_;
  bool reading_ = false;
  bool ended_ = false;
  boost::beast::error_code end_error_;
};

}  // namespace stagevote::reliability
