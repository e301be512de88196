#pragma once
// Small synchronous clients for the integration tests: a WebSocket client that collects
// every message the server sends into an inbox, and one-shot HTTP requests.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

namespace stagevote::test {

using nlohmann::json;
using namespace std::chrono_literals;

// An io_context running on its own thread, shared by many clients.
class ClientIo {
 public:
  ClientIo();
  ~ClientIo();
  boost::asio::io_context& context() { return ioc_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

class WsClient {
 public:
  // Connects and completes the WebSocket handshake; throws on failure.
  // `source`: the loopback address to connect from (e.g. "127.0.3.7"; empty: the system's).
  WsClient(ClientIo& io, unsigned short port, const std::string& origin = {},
           const std::string& source = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);
  void send(const json& message) { send_text(message.dump()); }

  // The next message (in arrival order), or nullopt after `timeout`.
  std::optional<json> receive(std::chrono::milliseconds timeout = 5s);
  // The next message of this type, skipping (and dropping) others.
  json receive_type(const std::string& type, std::chrono::milliseconds timeout = 5s);
  // Sends `message` (with an id added if it has none) and waits for its ack or error.
  json request(json message, std::chrono::milliseconds timeout = 10s);
  // Sends hello and returns the welcome (or the error), leaving the state in the inbox.
  json hello(const json& hello, std::chrono::milliseconds timeout = 5s);

  // True once the server closed the connection (waits up to `timeout`).
  bool wait_closed(std::chrono::milliseconds timeout = 5s);
  // Every message received so far that is still in the inbox, removing them.
  std::deque<json> drain();
  // Close code the server sent (0 if none yet).
  int close_code();

 private:
  void do_read();
  // One frame, written on the stream's executor; waits for the write to finish.
  boost::beast::error_code write_frame(const std::string& payload, bool text);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<json> inbox_;
  bool closed_ = false;
  int close_code_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  json json_body() const { return json::parse(body); }
};

// A POST of `body` as JSON on a fresh connection.
HttpResult http_post_json(unsigned short port, const std::string& target,
                          const std::map<std::string, std::string>& headers, const json& body);

// A POST of `body` as it is (the headers give its Content-Type) on a fresh connection.
HttpResult http_post_raw(unsigned short port, const std::string& target,
                         const std::map<std::string, std::string>& headers, std::string body);

// One request on a fresh connection.
HttpResult http_get(unsigned short port, const std::string& target,
                    const std::map<std::string, std::string>& headers = {},
                    boost::beast::http::verb method = boost::beast::http::verb::get);

}  // namespace stagevote::test
