#pragma once
// The host's HTTP routes (every /api/ route but the public /api/info) pass here first, with the
// peer's address: the same rules as a host hello (engine/credential_guard.hpp). From an
// address that is neither loopback nor --host-from: 403 `forbidden`, whatever the key; from an
// address that keeps sending wrong keys: 429 `rate_limited` with Retry-After, unchecked; a
// wrong key: 401, counted. Checked on the request's header, before any body is read.
#include <optional>
#include <string_view>

#include "net/http_api.hpp"

namespace stagevote::net {

// nullopt: go on (the route still checks the key itself); else the refusal to send, after
// which the connection is closed (a body may be unread).
std::optional<http_response> host_gate(const ServerContext& context, const http_request& header,
                                       std::string_view address);

}  // namespace stagevote::net
