#pragma once
// Which handler answers an HTTP request: health, QR codes, the API, pages and assets.
#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace stagevote::net {

struct ServerContext;

// The value of `name` in a query string ("a=1&text=..."), percent- and '+'-decoded.
std::optional<std::string> query_value(std::string_view query, std::string_view name);

boost::beast::http::message_generator handle_request(
    const ServerContext& context,
    boost::beast::http::request<boost::beast::http::string_body>&& request);

}  // namespace stagevote::net
