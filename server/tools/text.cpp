#include "tools/text.hpp"

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

}  // namespace stagevote::tools
