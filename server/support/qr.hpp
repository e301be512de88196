#pragma once
// QR codes as SVG (libqrencode): the join link on the display and the judge cards (the
// server's /qr.svg), and the seat tickets (tools/tickets). Here, below both the network layer
// and the tools, so that neither depends on the other for it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace stagevote::support {

inline constexpr std::size_t kMaxQrText = 512;

// An SVG of `text` (1..kMaxQrText bytes, error correction M, a 4-module quiet zone), one
// module per user unit, to be scaled by its container; nullopt if the text is empty, too long
// or cannot be encoded.
std::optional<std::string> qr_svg(std::string_view text);

}  // namespace stagevote::support
