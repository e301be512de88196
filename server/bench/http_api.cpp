#include "http_api.hpp"

#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace stagevote::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpApi::HttpApi(const Target& target, std::string host_key)
    : target_(target), authorization_("Bearer " + std::move(host_key)) {}

nlohmann::json HttpApi::get(const std::string& path) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(target_.endpoint);

  http::request<http::empty_body> request{http::verb::get, path, 11};
  request.set(http::field::host, target_.host_header);
  request.set(http::field::authorization, authorization_);
  request.set(http::field::user_agent, "stagevote-bench");
  http::write(stream, request);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(stream, buffer, parser);
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);

  const auto& response = parser.get();
  if (response.result() != http::status::ok) {
    throw std::runtime_error("GET " + path + ": HTTP " + std::to_string(response.result_int()) +
                             " " + response.body());
  }
  return nlohmann::json::parse(response.body());
}

}  // namespace stagevote::bench
