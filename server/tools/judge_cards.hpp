#pragma once
// The judge cards on paper (`stagevote judge-cards`, docs/data.md "Judge cards"): one A4 card
// per judge, as the console's card page (/d/judge-cards.html) lays them out, with a QR code of
// `<base url>/judge#t=TOKEN`, the link and the token to type. Self-contained HTML (inline SVG,
// no scripts, no external files), printed to PDF by render_pdf() / print_pdf() like the
// seat tickets. The cards hold the judges' tokens: credentials.
#include <optional>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace stagevote::tools {

// Every judge's card, or only `judge`'s (after a reissue). `base_url`: where phones reach the
// server ("http://192.168.1.20:8080", no trailing '/'). Throws std::invalid_argument for an
// unknown judge, a contest without judges or a link too long for a QR code.
std::string judge_cards_html(const core::Contest& contest, std::string_view base_url,
                             const std::optional<std::string>& judge = std::nullopt);

// The link a judge's QR code carries: `<base url>/judge#t=<token>`.
std::string judge_url(std::string_view base_url, std::string_view token);

}  // namespace stagevote::tools
