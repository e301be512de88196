#pragma once
// The JSON bodies of the HTTP API under /api/ (docs/protocol.md).
#include <string>
#include <string_view>

#include "core/show.hpp"

namespace stagevote::protocol {

// GET /api/contest (host only): the contest in the import's shape, judge tokens included.
std::string contest_body(const core::Contest& contest);
// GET /api/rounds/{round}/results (host only): the contract's results with our extras.
std::string results_body(const core::Show& show, std::string_view round);
// GET /api/info (anyone): the contest's name and where phones join.
std::string info_body(const core::Contest& contest, std::string_view join_url);
// {"error":"<code>"} or {"error":"<code>","message":"..."}: every refusal of the API.
std::string error_body(std::string_view code, std::string_view message = {});

}  // namespace stagevote::protocol
