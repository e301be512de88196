#include "net/http_routes.hpp"

#include "net/http_api.hpp"
#include "net/http_headers.hpp"
#include "net/server_context.hpp"
#include "protocol/api.hpp"
#include "support/qr.hpp"

namespace stagevote::net {

namespace http = boost::beast::http;

namespace {

http_response text_response(http::status status, std::string body, std::string_view type,
                            const http_request& request) {
  http_response response{status, request.version()};
  set_common_headers(response);
  response.set(http::field::content_type, type);
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  const auto size = body.size();
  if (request.method() != http::verb::head) response.body() = std::move(body);
  response.prepare_payload();
  if (request.method() == http::verb::head) response.content_length(size);
  return response;
}

}  // namespace

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      std::string raw(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      for (auto& c : raw) {
        if (c == '+') c = ' ';
      }
      return percent_decode(raw);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

http::message_generator handle_request(const ServerContext& context, http_request&& request) {
  const auto target = request.target();
  const std::string_view whole(target.data(), target.size());
  const auto question = whole.find('?');
  const auto raw_path = whole.substr(0, question);
  const auto query =
      question == std::string_view::npos ? std::string_view() : whole.substr(question + 1);
  const auto path = percent_decode(raw_path);
  const bool is_api = raw_path.substr(0, 5) == "/api/";

  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    auto response = is_api ? json_response(http::status::method_not_allowed,
                                           protocol::error_body("method_not_allowed"), request)
                           : text_response(http::status::method_not_allowed, "method not allowed\n",
                                           "text/plain", request);
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  if (!path || path->empty() || path->front() != '/') {
    return text_response(http::status::bad_request, "bad path\n", "text/plain", request);
  }
  if (*path == "/healthz") {
    if (!context.accepting) {
      return text_response(http::status::service_unavailable, "shutting down\n", "text/plain",
                           request);
    }
    return text_response(http::status::ok, "ok", "text/plain", request);
  }
  if (*path == "/qr.svg") {
    const auto text = query_value(query, "text");
    auto svg = text ? support::qr_svg(*text) : std::nullopt;
    if (!svg) {
      return text_response(http::status::bad_request,
                           "text= must be 1 to " + std::to_string(support::kMaxQrText) + " bytes\n",
                           "text/plain", request);
    }
    auto response = text_response(http::status::ok, std::move(*svg), "image/svg+xml", request);
    response.set(http::field::cache_control, "max-age=3600");
    return response;
  }
  if (is_api) return handle_api(context, *path, request);
  if (*path == "/") {
    auto response = text_response(http::status::found, "", "text/plain", request);
    response.set(http::field::location, "/vote");
    return response;
  }
  // The overlay and the broadcast graphics are the pages meant to be embedded (a vision
  // mixer's browser source, CasparCG, SPX, an OGraf renderer).
  const bool overlay = *path == "/display" && query_value(query, "overlay") == "1";
  const bool graphics = path->starts_with("/graphics/");
  return context.files.serve(*path, request, overlay || graphics);
}

}  // namespace stagevote::net
