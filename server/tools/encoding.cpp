#include "tools/encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace stagevote::tools {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

// glibc iconv from `from` to UTF-8; nullopt on an invalid or incomplete sequence.
std::optional<std::string> iconv_to_utf8(std::string_view bytes, const char* from,
                                         std::string& error) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    error = std::string("this system cannot decode ") + from;
    return std::nullopt;
  }
  // Both encodings take at most 1.5x the bytes in UTF-8; 2x leaves room. The buffer never
  // exceeds the cap (plus one byte, to tell "too large" from "exactly full").
  std::string out(std::min(bytes.size() * 2 + 16, kMaxDecodedBytes + 1), '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  const int saved = errno;
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1) && saved == E2BIG) {
    error = "the decoded text is larger than " + std::to_string(kMaxDecodedBytes >> 20) + " MiB";
    return std::nullopt;
  }
  if (rc == static_cast<std::size_t>(-1)) {
    const std::size_t at = bytes.size() - in_left;
    error = std::string("the file is neither UTF-8 nor ") + from + " (" +
            (saved == EINVAL ? "cut off" : "invalid") + " bytes at byte " + std::to_string(at) +
            "); save it as CSV UTF-8";
    return std::nullopt;
  }
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    const auto c = static_cast<std::uint8_t>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto t = static_cast<std::uint8_t>(bytes[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::optional<DecodedText> decode_text(std::string_view bytes, std::string& error) {
  DecodedText decoded;
  std::optional<std::string> text;
  if (bytes.starts_with(kUtf8Bom)) {
    bytes.remove_prefix(kUtf8Bom.size());
    text = std::string(bytes);
    if (!is_valid_utf8(*text)) {
      error = "the file starts as UTF-8 (BOM) but has bytes that are not UTF-8";
      return std::nullopt;
    }
  } else if (bytes.starts_with(kUtf16LeBom) || bytes.starts_with(kUtf16BeBom)) {
    const bool le = bytes.starts_with(kUtf16LeBom);
    bytes.remove_prefix(2);
    decoded.encoding = le ? "UTF-16LE" : "UTF-16BE";
    text = iconv_to_utf8(bytes, le ? "UTF-16LE" : "UTF-16BE", error);
  } else if (is_valid_utf8(bytes)) {
    text = std::string(bytes);
  } else {
    // Not UTF-8: on a Chinese Windows, Excel's CSV is GBK, which GB18030 contains.
    decoded.encoding = "GB18030 (GBK)";
    text = iconv_to_utf8(bytes, "GB18030", error);
  }
  if (!text) return std::nullopt;
  if (text->size() > kMaxDecodedBytes) {
    error = "the decoded text is larger than " + std::to_string(kMaxDecodedBytes >> 20) + " MiB";
    return std::nullopt;
  }
  decoded.text = std::move(*text);
  return decoded;
}

}  // namespace stagevote::tools
