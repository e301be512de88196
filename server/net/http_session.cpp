#include "net/http_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <iostream>

#include "net/console_api.hpp"
#include "net/host_gate.hpp"
#include "net/http_api.hpp"
#include "net/http_routes.hpp"
#include "net/server_context.hpp"
#include "net/websocket_session.hpp"

namespace stagevote::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

constexpr std::uint64_t kBodyLimit = 16 * 1024;  // our pages only GET; nothing needs more
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

}  // namespace

http_session::http_session(connection_socket&& socket, std::shared_ptr<ServerContext> context)
    : stream_(std::move(socket)), context_(std::move(context)) {}

void http_session::fail(beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == asio::error::connection_reset || ec == asio::error::eof) {
    return;
  }
  std::cerr << "http " << what << ": " << ec.message() << "\n";
}

void http_session::run() {
  beast::error_code ec;
  const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) address_ = peer.address().to_string();
  // Start on the connection's own context: the acceptor handed us the socket from the main one.
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  // Lowered to kBodyLimit once the header shows that this is not an upload (on_header).
  parser_->body_limit(kUploadLimit);
  parser_->header_limit(kHeaderLimit);
  stream_.expires_after(context_->options.limits.http_request_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header, shared_from_this()));
}

void http_session::on_header(beast::error_code ec, std::size_t bytes) {
  // The host's routes: refused by address or for guessing before the body is read.
  if ((!ec || ec == http::error::body_limit) && parser_->is_header_done()) {
    if (auto refused = host_gate(*context_, parser_->get(), address_)) {
      return write(std::move(*refused), false);
    }
  }
  const bool upload = !ec || ec == http::error::body_limit ? is_upload(parser_->get()) : false;
  // A Content-Length over the limit: refused before the body is sent.
  if (ec == http::error::body_limit && upload) {
    return write(upload_refused(*context_, parser_->get()), false);
  }
  if (ec) return on_read(ec, bytes);
  if (upload && host_authorised(*context_, parser_->get())) {
    stream_.expires_after(context_->options.limits.upload_timeout);
  } else {
    parser_->body_limit(kBodyLimit);
    if (const auto length = parser_->content_length(); length && *length > kBodyLimit) {
      if (upload) return write(upload_refused(*context_, parser_->get()), false);
      return on_read(http::error::body_limit, bytes);
    }
  }
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  // A chunked upload that grew over its limit: say why, then close.
  if (ec == http::error::body_limit && parser_->is_header_done() && is_upload(parser_->get())) {
    return write(upload_refused(*context_, parser_->get()), false);
  }
  if (ec) return fail(ec, "read");

  auto request = parser_->release();
  if (beast::websocket::is_upgrade(request)) return upgrade(std::move(request));
  const auto target = request.target();
  if (is_console_route(std::string_view(target.data(), target.size()))) {
    return answer_later(std::move(request));
  }

  auto response = handle_request(*context_, std::move(request));
  const bool keep_alive = response.keep_alive();
  write(std::move(response), keep_alive);
}

void http_session::answer_later(http::request<http::string_body>&& request) {
  handle_console(
      *context_, std::move(request), [self = shared_from_this()](http_response response) {
        asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
          // The work may have taken a while: the write gets its own time.
          self->stream_.expires_after(self->context_->options.limits.http_request_timeout);
          const bool keep_alive = response.keep_alive();
          self->write(std::move(response), keep_alive);
        });
      });
}

void http_session::write(http::message_generator response, bool keep_alive) {
  beast::async_write(
      stream_, std::move(response),
      beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::upgrade(http::request<http::string_body>&& request) {
  const auto target = request.target();
  const std::string_view path(target.data(), std::min(target.size(), target.find('?')));
  const auto& allowed = context_->options.allowed_origins;
  const auto origin_field = request[http::field::origin];
  const std::string origin(origin_field.data(), origin_field.size());
  const bool origin_ok = allowed.empty() || origin.empty() ||
                         std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
  if (path != "/ws" || !origin_ok) {
    http::response<http::string_body> response{
        path != "/ws" ? http::status::not_found : http::status::forbidden, request.version()};
    response.set(http::field::server, "stagevote");
    response.set(http::field::content_type, "text/plain");
    response.body() = path != "/ws" ? "not found\n" : "origin not allowed\n";
    response.keep_alive(false);
    response.prepare_payload();
    beast::async_write(
        stream_, http::message_generator(std::move(response)),
        beast::bind_front_handler(&http_session::on_write, shared_from_this(), false));
    return;
  }
  // The WebSocket session sets its own timeouts.
  stream_.expires_never();
  std::make_shared<websocket_session>(stream_.release_socket(), context_)->run(std::move(request));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  if (!keep_alive) return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace stagevote::net
