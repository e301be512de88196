#pragma once
// The JSON API under /api/ (docs/protocol.md): contest and results for the host (Bearer host
// key), info for everyone.
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

namespace stagevote::net {

struct ServerContext;

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// `path` is the decoded path, starting with "/api/".
http_response handle_api(const ServerContext& context, std::string_view path,
                         const http_request& request);

// A JSON response with the usual headers.
http_response json_response(boost::beast::http::status status, std::string body,
                            const http_request& request);

// Whether the request carries `Authorization: Bearer <host key>`.
bool host_authorised(const ServerContext& context, const http_request& request);
// 401 {"error":"unauthorized"} with WWW-Authenticate: Bearer.
http_response unauthorized_response(const http_request& request);

}  // namespace stagevote::net
