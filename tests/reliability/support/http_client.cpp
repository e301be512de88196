#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace stagevote::reliability {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

std::optional<HttpReply> http_get(unsigned short port, const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);

  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);

  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code failure;
  bool done = false;
  stream.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) {
      failure = ec;
      done = true;
      return;
    }
    http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
      if (write_ec) {
        failure = write_ec;
        done = true;
        return;
      }
      http::async_read(stream, buffer, response, [&](beast::error_code read_ec, std::size_t) {
        failure = read_ec;
        done = true;
      });
    });
  });
  io.run();
  if (!done || failure) return std::nullopt;

  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  reply.body = std::move(response.body());
  for (const auto& field : response) {
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return reply;
}

}  // namespace stagevote::reliability
