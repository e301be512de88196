#include "support/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace stagevote::reliability {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

WsClient::WsClient(unsigned short port, const WsOptions& options) : ws_(io_) {
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(options.timeout);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  beast::error_code failure;
  bool done = false;
  websocket::response_type response;
  if (!options.origin.empty()) {
    ws_.set_option(websocket::stream_base::decorator(
        [origin = options.origin](websocket::request_type& request) {
          request.set(beast::http::field::origin, origin);
        }));
  }
  tcp.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) {
      failure = ec;
      done = true;
      return;
    }
    ws_.async_handshake(response, "127.0.0.1:" + std::to_string(port), options.path,
                        [&](beast::error_code handshake_ec) {
                          failure = handshake_ec;
                          done = true;
                        });
  });
  io_.run();
  if (!done || failure) {
    std::string what = "websocket connect failed: " + failure.message();
    if (response.result_int() != 0) what += " (HTTP " + std::to_string(response.result_int()) + ")";
    throw WsError(what);
  }
  // Beast's own timeouts from here on (the handshake used the tcp_stream's).
  tcp.expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws_.read_message_max(64 * 1024 * 1024);
}

WsClient::~WsClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  io_.restart();
  io_.poll();  // let the pending read finish with operation_aborted
}

bool WsClient::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    io_.restart();
    io_.run_one_for(deadline - now);
  }
  return true;
}

void WsClient::start_read() {
  if (reading_ || ended_) return;
  reading_ = true;
  ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec) {
      ended_ = true;
      end_error_ = ec;
      return;
    }
    const auto data = buffer_.cdata();
    std::string text(static_cast<const char*>(data.data()), data.size());
    buffer_.consume(buffer_.size());
    json message = json::parse(text, nullptr, false);
    if (message.is_discarded()) message = json{{"type", "<not json>"}, {"raw", text}};
    inbox_.push_back(std::move(message));
    start_read();
  });
}

void WsClient::send_text(const std::string& text) {
  if (ended_) throw WsError("send on an ended connection");
  ws_.text(true);
  bool done = false;
  beast::error_code failure;
  ws_.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
    failure = ec;
    done = true;
  });
  start_read();
  if (!run_until([&] { return done; }, 10s)) throw WsError("send timed out");
  if (failure) throw WsError("send failed: " + failure.message());
}

void WsClient::send_binary(const std::string& bytes) {
  if (ended_) throw WsError("send on an ended connection");
  ws_.binary(true);
  bool done = false;
  beast::error_code failure;
  ws_.async_write(asio::buffer(bytes), [&](beast::error_code ec, std::size_t) {
    failure = ec;
    done = true;
  });
  start_read();
  if (!run_until([&] { return done; }, 10s)) throw WsError("send timed out");
  ws_.text(true);
  if (failure) throw WsError("send failed: " + failure.message());
}

std::optional<json> WsClient::next(std::chrono::milliseconds timeout) {
  start_read();
  run_until([&] { return !inbox_.empty() || ended_; }, timeout);
  if (inbox_.empty()) return std::nullopt;
  json message = std::move(inbox_.front());
  inbox_.pop_front();
  return message;
}

json WsClient::next_where(const std::function<bool(const json&)>& match,
                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) throw WsError("no matching message in time");
    auto message = next(left);
    if (!message) {
      if (ended_) throw WsError("connection ended: " + end_error_.message());
      continue;
    }
    if (match(*message)) return std::move(*message);
  }
}

json WsClient::reply(const std::string& id, std::chrono::milliseconds timeout) {
  return next_where(
      [&](const json& m) {
        const auto type = m.value("type", "");
        return (type == "ack" || type == "error") && m.contains("id") && m["id"] == id;
      },
      timeout);
}

json WsClient::request(const json& message, std::chrono::milliseconds timeout) {
  send(message);
  return reply(message.at("id").get<std::string>(), timeout);
}

json WsClient::hello(const json& message, std::chrono::milliseconds timeout) {
  send(message);
  return next_where(
      [](const json& m) {
        const auto type = m.value("type", "");
        return type == "welcome" || type == "error";
      },
      timeout);
}

bool WsClient::ended(std::chrono::milliseconds timeout) {
  start_read();
  run_until([&] { return ended_; }, timeout);
  return ended_;
}

std::optional<websocket::close_reason> WsClient::close_reason() const {
  const auto& reason = ws_.reason();
  if (reason.code == websocket::close_code::none) return std::nullopt;
  return reason;
}

void WsClient::close() {
  if (ended_) return;
  bool done = false;
  ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  run_until([&] { return done && (ended_ || !reading_); }, 5s);
}

}  // namespace stagevote::reliability
