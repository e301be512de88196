#pragma once
// Small text helpers shared by the importers and exporters (UTF-8 aware where it matters).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stagevote::tools {

// Strips ASCII whitespace and the full-width space U+3000 from both ends.
std::string trim(std::string_view text);

// Lower-cases ASCII letters only; Chinese text is left as it is.
std::string ascii_lower(std::string_view text);

// A decimal number as organisers type it ("30", "0.9", "12.50", " 7 "); nullopt otherwise
// (text, empty, "1e999", trailing characters).
std::optional<double> parse_number(std::string_view text);

// A whole number in the int range; nullopt otherwise.
std::optional<int> parse_int(std::string_view text);

// Fixed decimals without trailing noise: format_fixed(91.225, 3) == "91.225".
std::string format_fixed(double value, int decimals);

// Shortest decimal that reads back as the same double (for marks: 27.5, 26, 21.75).
std::string format_number(double value);

// The code points of UTF-8 text (an invalid byte counts as one code point of its own).
std::u32string code_points(std::string_view text);

// Levenshtein distance between two texts, counted on Unicode code points ("决塞" to "决赛": 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known name closest to `name` (ASCII case ignored) if it is one or two code points away
// and not all of the name differs; the first such on ties. For "did you mean …".
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& known);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace stagevote::tools
