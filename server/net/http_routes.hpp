#pragma once
// Which handler answers an HTTP request: health, QR codes, the API, pages and assets.
#include <boost/beast/http.hpp>

namespace stagevote::net {

struct ServerContext;

boost::beast::http::message_generator handle_request(
    const ServerContext& context,
    boost::beast::http::request<boost::beast::http::string_body>&& request);

}  // namespace stagevote::net
