#pragma once
// The encodings organisers' CSV files come in: UTF-8 (with or without BOM), GB18030/GBK
// (Excel's "CSV (逗号分隔)" on a Chinese system) and UTF-16 with a BOM (Excel's "Unicode
// text", tab-separated). Everything is turned into UTF-8 before it is parsed.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace stagevote::tools {

// Decoded text is bounded too: GB18030 and UTF-16 grow at most 1.5x into UTF-8, so a file
// within the upload limit stays within this, and a hostile one is refused.
inline constexpr std::size_t kMaxDecodedBytes = 64u << 20;

struct DecodedText {
  std::string text;      // UTF-8, without a BOM
  std::string encoding;  // "" for UTF-8; else the name used in the note ("GB18030 (GBK)")
};

// Whether `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// UTF-8 as it is; a UTF-16 BOM: UTF-16LE/BE; otherwise GB18030 (a superset of GBK and GB2312).
// nullopt with `error` set when the bytes are not valid in the chosen encoding or too large.
std::optional<DecodedText> decode_text(std::string_view bytes, std::string& error);

}  // namespace stagevote::tools
