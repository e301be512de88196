#include "tools/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace stagevote::tools {

std::string trim(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    auto before = text.size();
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                             text.front() == '\n'))
      text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n'))
      text.remove_suffix(1);
    if (text.starts_with(kIdeographicSpace)) text.remove_prefix(kIdeographicSpace.size());
    if (text.ends_with(kIdeographicSpace)) text.remove_suffix(kIdeographicSpace.size());
    if (text.size() == before) return std::string(text);
  }
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<double> parse_number(std::string_view text) {
  std::string cleaned = trim(text);
  if (cleaned.empty()) return std::nullopt;
  const char* first = cleaned.data();
  const char* last = first + cleaned.size();
  if (*first == '+') ++first;
  double value = 0;
  auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int> parse_int(std::string_view text) {
  std::string cleaned = trim(text);
  if (cleaned.empty()) return std::nullopt;
  int value = 0;
  auto [end, error] = std::from_chars(cleaned.data(), cleaned.data() + cleaned.size(), value);
  if (error != std::errc() || end != cleaned.data() + cleaned.size()) return std::nullopt;
  return value;
}

std::string format_fixed(double value, int decimals) {
  // Values that round to zero print as "0.00", never "-0.00".
  if (std::fabs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string format_number(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) return std::to_string(value);
  return std::string(buffer, end);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::u32string code_points(std::string_view text) {
  std::u32string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 1;
    if (i + len > text.size()) len = 1;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::u32string x = code_points(a), y = code_points(b);
  // One row of the classic table; names are short (ids and round names).
  std::vector<std::size_t> row(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& known) {
  const std::string wanted = ascii_lower(trim(name));
  const std::size_t length = code_points(wanted).size();
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const auto& candidate : known) {
    const std::size_t d = edit_distance(wanted, ascii_lower(candidate));
    // Two changes to a two-character name would suggest any other two-character name.
    if (d >= best_distance || d >= length || d >= code_points(candidate).size()) continue;
    best = candidate;
    best_distance = d;
  }
  return best;
}

}  // namespace stagevote::tools
