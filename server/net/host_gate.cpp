#include "net/host_gate.hpp"

#include <array>

#include "net/server_context.hpp"
#include "protocol/api.hpp"

namespace stagevote::net {

namespace http = boost::beast::http;

namespace {

// Under /api/ but for everyone.
constexpr std::array<std::string_view, 1> kPublicApi = {"/api/info"};

http_response refusal(http::status status, std::string_view code, std::string_view message,
                      const http_request& header) {
  auto response = json_response(status, protocol::error_body(code, message), header);
  response.keep_alive(false);
  return response;
}

}  // namespace

std::optional<http_response> host_gate(const ServerContext& context, const http_request& header,
                                       std::string_view address) {
  const auto target = header.target();
  const std::string_view path =
      std::string_view(target.data(), target.size()).substr(0, target.find('?'));
  if (!path.starts_with("/api/")) return std::nullopt;
  for (const auto route : kPublicApi) {
    if (path == route) return std::nullopt;
  }
  auto& guard = context.service.guard();
  if (!guard.host_allowed(address)) {
    guard.forbidden(address);
    return refusal(http::status::forbidden, "forbidden",
                   "the host console is accepted only from this computer or the networks given "
                   "by --host-from",
                   header);
  }
  const auto field = header[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view authorization(field.data(), field.size());
  // No key, or not as a bearer: no guess; the route answers 401.
  if (!authorization.starts_with(kBearer) || authorization.size() == kBearer.size()) {
    return std::nullopt;
  }
  if (const auto wait = guard.wait(address)) {
    auto response = refusal(http::status::too_many_requests, "rate_limited",
                            "too many wrong keys from this address", header);
    response.set(http::field::retry_after, std::to_string((*wait + 999) / 1000));
    return response;
  }
  if (!context.service.credentials().is_host_key(authorization.substr(kBearer.size()))) {
    guard.failed(address, "host key");
    auto response = unauthorized_response(header);
    response.keep_alive(false);
    return response;
  }
  guard.succeeded(address);
  return std::nullopt;
}

}  // namespace stagevote::net
