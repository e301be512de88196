#include "net/http_api.hpp"

#include "net/http_headers.hpp"
#include "net/server_context.hpp"
#include "protocol/api.hpp"

namespace stagevote::net {

namespace http = boost::beast::http;

bool host_authorised(const ServerContext& context, const http_request& request) {
  const auto header = request[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) return false;
  const auto key = header.substr(kBearer.size());
  return context.service.credentials().is_host_key(std::string_view(key.data(), key.size()));
}

http_response unauthorized_response(const http_request& request) {
  auto response =
      json_response(http::status::unauthorized, protocol::error_body("unauthorized"), request);
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

http_response json_response(http::status status, std::string body, const http_request& request) {
  http_response response{status, request.version()};
  set_common_headers(response);
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  if (request.method() != http::verb::head) response.body() = std::move(body);
  response.prepare_payload();
  if (request.method() == http::verb::head) response.content_length(body.size());
  return response;
}

http_response handle_api(const ServerContext& context, std::string_view path,
                         const http_request& request) {
  auto& engine = context.service.engine();
  const auto unauthorized = [&] { return unauthorized_response(request); };
  const auto not_found = [&] {
    return json_response(http::status::not_found, protocol::error_body("not_found"), request);
  };

  if (path == "/api/info") {
    return json_response(http::status::ok, protocol::info_body(*engine.contest(), context.join_url),
                         request);
  }
  if (path == "/api/contest") {
    if (!host_authorised(context, request)) return unauthorized();
    // The rounds as they are now: a draw reorders one, an advance fills one.
    core::Contest contest = *engine.contest();
    engine.read([&](const core::Show& show) {
      for (auto& round : contest.rounds) round.entries = show.running_order(round.id);
    });
    return json_response(
        http::status::ok,
        protocol::contest_body(contest, context.service.credentials().display_key()), request);
  }
  if (path == "/api/integrity") {
    if (!host_authorised(context, request)) return unauthorized();
    auto panel = context.service.gate().panel(engine.clock().now());
    panel.slowed_credential_addresses = context.service.guard().slowed_addresses();
    return json_response(http::status::ok, protocol::integrity_body(panel), request);
  }
  // /api/rounds/{round}/results
  constexpr std::string_view kRounds = "/api/rounds/";
  constexpr std::string_view kResults = "/results";
  if (path.size() > kRounds.size() + kResults.size() && path.substr(0, kRounds.size()) == kRounds &&
      path.substr(path.size() - kResults.size()) == kResults) {
    const auto round = path.substr(kRounds.size(), path.size() - kRounds.size() - kResults.size());
    if (round.find('/') != std::string_view::npos) return not_found();
    if (!host_authorised(context, request)) return unauthorized();
    auto results = engine.read([&](const core::Show& show) -> std::optional<std::string> {
      if (!show.contest().find_round(round)) return std::nullopt;
      return protocol::results_body(show, round);
    });
    if (!results) return not_found();
    return json_response(http::status::ok, std::move(*results), request);
  }
  return not_found();
}

}  // namespace stagevote::net
