#include "net/http_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <iostream>

#include "net/console_api.hpp"
#include "net/host_gate.hpp"
#include "net/http_api.hpp"
#include "net/http_headers.hpp"
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

std::string_view field(const http::request<http::string_body>& request, http::field name) {
  const auto value = request[name];
  return {value.data(), value.size()};
}

// A page may open /ws if it comes from this server itself (the Host it asked for, by the
// scheme it came by) or from an origin given by --allow-origin: another site's page in a
// phone's browser cannot speak for the phone (cross-site WebSocket hijacking). A request
// without Origin is not from a browser (a tool, the bench): it may.
// The name in a Host header ("name:port", "[v6]:port"), lower-cased.
std::string host_name(std::string_view host) {
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.rfind(':'));
  }
  std::string name(host);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// Whether `host` names this server as no other site can: an address, localhost, or the name
// of the URL the phones are given (--public-url). A page that reached us under a foreign name
// (DNS rebinding: evil.example made to resolve to the venue laptop) has that name as its Host
// and its origin, and must not pass as our own page.
bool host_is_ours(const ServerContext& context, std::string_view host) {
  const std::string name = host_name(host);
  if (name.empty()) return false;
  if (name == "localhost" || name.starts_with('[')) return true;
  beast::error_code ec;
  asio::ip::make_address_v4(name, ec);
  if (!ec) return true;
  const auto scheme_end = context.base_url.find("://");
  if (scheme_end == std::string::npos) return false;
  const auto authority = std::string_view(context.base_url).substr(scheme_end + 3);
  return host_name(authority.substr(0, authority.find('/'))) == name;
}

bool origin_allowed(const ServerContext& context, const http::request<http::string_body>& request,
                    bool tls) {
  if (request.count(http::field::origin) == 0) return true;
  const auto origin = field(request, http::field::origin);
  const auto host = field(request, http::field::host);
  if (!host.empty() && host_is_ours(context, host)) {
    const std::string own = std::string(tls ? "https://" : "http://") + std::string(host);
    if (beast::iequals(origin, own)) return true;
  }
  const auto& allowed = context.options.allowed_origins;
  return std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

http::response<http::string_body> plain_response(http::status status, std::string body,
                                                 const http::request<http::string_body>& request) {
  http::response<http::string_body> response{status, request.version()};
  set_common_headers(response);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(false);
  if (request.method() != http::verb::head) response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace

http_session::http_session(connection_socket&& socket, std::shared_ptr<ServerContext> context,
                           connection_slot slot)
    : stream_(std::move(socket)), context_(std::move(context)), slot_(std::move(slot)) {}

void http_session::fail(beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == asio::error::connection_reset || ec == asio::error::eof ||
      ec == asio::ssl::error::stream_truncated) {
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
                 beast::bind_front_handler(&http_session::start, shared_from_this()));
}

void http_session::start() {
  if (!context_->options.tls) return do_read();
  stream_.next_layer().expires_after(context_->options.limits.tls_handshake_timeout);
  beast::async_detect_ssl(stream_.next_layer(), buffer_,
                          beast::bind_front_handler(&http_session::on_detect, shared_from_this()));
}

void http_session::on_detect(beast::error_code ec, bool tls) {
  if (ec) return fail(ec, "detect");
  if (!tls) {
    redirect_to_https_ = true;
    return do_read();
  }
  stream_.start_tls(*context_->options.tls);
  // The TCP stream moved under the TLS one: its deadline is set again, for the handshake.
  stream_.next_layer().expires_after(context_->options.limits.tls_handshake_timeout);
  // The bytes the detection read are the start of the client's hello.
  stream_.tls()->async_handshake(
      asio::ssl::stream_base::server, buffer_.data(),
      beast::bind_front_handler(&http_session::on_handshake, shared_from_this()));
}

void http_session::on_handshake(beast::error_code ec, std::size_t used) {
  if (ec) return fail(ec, "tls handshake");
  buffer_.consume(used);
  do_read();
}

void http_session::do_read() {
  parser_.emplace();
  // Lowered to kBodyLimit once the header shows that this is not an upload (on_header).
  parser_->body_limit(kUploadLimit);
  parser_->header_limit(kHeaderLimit);
  stream_.next_layer().expires_after(context_->options.limits.http_request_timeout);
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
    stream_.next_layer().expires_after(context_->options.limits.upload_timeout);
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
  if (redirect_to_https_) {
    // This port speaks TLS: the same URL over https (a host key never goes out in clear).
    const auto host = field(request, http::field::host);
    if (host.empty()) {
      return write(plain_response(http::status::bad_request, "use https://\n", request), false);
    }
    auto response = plain_response(http::status::permanent_redirect, "use https://\n", request);
    const auto target = request.target();
    response.set(http::field::location,
                 "https://" + std::string(host) + std::string(target.data(), target.size()));
    return write(std::move(response), false);
  }
  if (context_->connections.reserve_only()) {
    // Only the reserve for hosts, judges and displays is left: every answer ends its
    // connection, and a phone asking for the voting page is told to come back.
    request.keep_alive(false);
    const auto target = request.target();
    if (std::string_view(target.data(), target.size()).substr(0, target.find('?')) == "/vote") {
      auto response = plain_response(
          http::status::service_unavailable,
          "会场已满，请稍后再试。\nThe hall is full; try again in a minute.\n", request);
      response.set(http::field::retry_after, "60");
      return write(std::move(response), false);
    }
  }
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
          self->stream_.next_layer().expires_after(
              self->context_->options.limits.http_request_timeout);
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
  if (path != "/ws") {
    return write(plain_response(http::status::not_found, "not found\n", request), false);
  }
  if (!origin_allowed(*context_, request, stream_.is_tls())) {
    return write(plain_response(http::status::forbidden, "origin not allowed\n", request), false);
  }
  // The WebSocket session sets its own timeouts.
  stream_.next_layer().expires_never();
  std::make_shared<websocket_session>(std::move(stream_), context_, std::move(slot_),
                                      std::move(address_))
      ->run(std::move(request));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  if (!keep_alive) return do_close();
  do_read();
}

void http_session::do_close() {
  // With TLS too: the replies are framed by their lengths, so the TCP end is enough.
  beast::error_code ec;
  stream_.next_layer().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace stagevote::net
