#pragma once
// QR codes as SVG (libqrencode), for the join link on the display and the judge cards.
#include <optional>
#include <string>
#include <string_view>

namespace stagevote::net {

inline constexpr std::size_t kMaxQrText = 512;

// An SVG of `text` (1..kMaxQrText bytes, error correction M, a 4-module quiet zone);
// nullopt if the text is empty, too long or cannot be encoded.
std::optional<std::string> qr_svg(std::string_view text);

}  // namespace stagevote::net
