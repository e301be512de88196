#pragma once
// The host console's data routes (docs/protocol.md): POST /api/import takes the contest's
// files as multipart/form-data, GET /api/export?format=...&round=... sends a file. Both are
// host-only and answered asynchronously: the work (ConsoleData) runs off the network threads.
#include <cstdint>
#include <functional>
#include <string_view>

#include "net/http_api.hpp"

namespace stagevote::net {

// The whole body of an upload, at most (the other routes keep the 16 KiB limit).
inline constexpr std::uint64_t kUploadLimit = 10 * 1024 * 1024;

// Whether `target` (path and query) names one of these routes.
bool is_console_route(std::string_view target);
// Whether a request with this header is an upload (POST /api/import); only one with the
// host key may carry up to kUploadLimit bytes.
bool is_upload(const http_request& header);
// An upload over its limit: 413 {"error":"too_large",...} with the host key, else 401; the
// connection is then closed.
http_response upload_refused(const ServerContext& context, const http_request& header);

// Answers a request for which is_console_route() holds. `respond` is called exactly once,
// on any thread.
void handle_console(const ServerContext& context, http_request&& request,
                    std::function<void(http_response)> respond);

}  // namespace stagevote::net
