#include "test_client.hpp"

#include <atomic>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <future>

namespace stagevote::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

ClientIo::ClientIo() : work_(asio::make_work_guard(ioc_)), thread_([this] { ioc_.run(); }) {}

ClientIo::~ClientIo() {
  work_.reset();
  ioc_.stop();
  thread_.join();
}

WsClient::WsClient(ClientIo& io, unsigned short port, const std::string& origin,
                   const std::string& source)
    : ws_(io.context()) {
  // The handshake runs synchronously on this thread before the read loop starts.
  auto& socket = beast::get_lowest_layer(ws_).socket();
  if (!source.empty()) {
    socket.open(tcp::v4());
    // The port is picked at connect time, per (source, destination) pair.
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(asio::ip::make_address(source), 0));
  }
  beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (!origin.empty()) {
    ws_.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& request) { request.set(http::field::origin, origin); }));
  }
  ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  std::promise<void> started;
  asio::post(ws_.get_executor(), [this, &started] {
    do_read();
    started.set_value();
  });
  started.get_future().wait();
}

WsClient::~WsClient() {
  std::promise<void> done;
  asio::post(ws_.get_executor(), [this, &done] {
    *alive_ = false;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    done.set_value();
  });
  done.get_future().wait();
  // Let the cancelled read finish before the stream goes away.
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, 2s, [this] { return closed_; });
}

void WsClient::do_read() {
  ws_.async_read(buffer_, [this, alive = alive_](beast::error_code ec, std::size_t) {
    std::unique_lock lock(mutex_);
    if (ec) {
      closed_ = true;
      if (*alive) close_code_ = ws_.reason().code;
      changed_.notify_all();
      return;
    }
    auto text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    inbox_.push_back(json::parse(text, nullptr, false));
    changed_.notify_all();
    lock.unlock();
    do_read();
  });
}

beast::error_code WsClient::write_frame(const std::string& payload, bool text) {
  std::promise<beast::error_code> written;
  asio::post(ws_.get_executor(), [this, &payload, text, &written] {
    ws_.text(text);
    ws_.async_write(asio::buffer(payload),
                    [&written](beast::error_code ec, std::size_t) { written.set_value(ec); });
  });
  return written.get_future().get();
}

void WsClient::send_text(const std::string& text) {
  const auto ec = write_frame(text, true);
  if (ec && ec != websocket::error::closed && ec != asio::error::broken_pipe &&
      ec != asio::error::connection_reset) {
    throw beast::system_error(ec);
  }
}

void WsClient::send_binary(const std::string& bytes) {
  write_frame(bytes, false);  // the server may close on it: that is what the tests look for
}

std::optional<json> WsClient::receive(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [this] { return !inbox_.empty() || closed_; })) {
    return std::nullopt;
  }
  if (inbox_.empty()) return std::nullopt;
  json message = std::move(inbox_.front());
  inbox_.pop_front();
  return message;
}

json WsClient::receive_type(const std::string& type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto message = receive(left);
    if (!message) break;
    if (message->value("type", "") == type) return *message;
  }
  throw std::runtime_error("no '" + type + "' message arrived");
}

json WsClient::request(json message, std::chrono::milliseconds timeout) {
  // Unique across connections and restarts, as a page's ids are: a request id is an
  // idempotency key per actor, and one device may connect many times.
  static std::atomic<long> next_id{1};
  if (!message.contains("id")) message["id"] = "t" + std::to_string(next_id++);
  const std::string id = message["id"].get<std::string>();
  send(message);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  while (true) {
    for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
      const auto type = it->value("type", "");
      if ((type == "ack" || type == "error" || type == "pong") && it->value("id", "") == id) {
        json reply = std::move(*it);
        inbox_.erase(it);
        return reply;
      }
    }
    if (closed_) throw std::runtime_error("connection closed before the reply to " + id);
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      throw std::runtime_error("no reply to " + id);
    }
  }
}

json WsClient::hello(const json& hello, std::chrono::milliseconds timeout) {
  json message = hello;
  message["type"] = "hello";
  send(message);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  while (true) {
    for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
      const auto type = it->value("type", "");
      if (type == "welcome" || type == "error") {
        json reply = std::move(*it);
        inbox_.erase(it);
        return reply;
      }
    }
    if (closed_) throw std::runtime_error("connection closed before the welcome");
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      throw std::runtime_error("no welcome");
    }
  }
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return closed_; });
}

std::deque<json> WsClient::drain() {
  std::lock_guard lock(mutex_);
  return std::exchange(inbox_, {});
}

int WsClient::close_code() {
  std::lock_guard lock(mutex_);
  return close_code_;
}

namespace {

// Writes `request` on a fresh connection and reads the response whole.
template <class Body>
HttpResult exchange(unsigned short port, http::request<Body>& request) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (request.count(http::field::host) == 0) request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (request.method() == http::verb::head) parser.skip(true);
  http::read(stream, buffer, parser);
  auto response = parser.release();
  HttpResult result;
  result.status = response.result_int();
  result.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace

HttpResult http_get(unsigned short port, const std::string& target,
                    const std::map<std::string, std::string>& headers, http::verb method) {
  http::request<http::empty_body> request{method, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  return exchange(port, request);
}

HttpResult http_post_json(unsigned short port, const std::string& target,
                          const std::map<std::string, std::string>& headers, const json& body) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  request.set(http::field::content_type, "application/json");
  request.body() = body.dump();
  request.prepare_payload();
  return exchange(port, request);
}

HttpResult http_post_raw(unsigned short port, const std::string& target,
                         const std::map<std::string, std::string>& headers, std::string body) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  return exchange(port, request);
}

}  // namespace stagevote::test
