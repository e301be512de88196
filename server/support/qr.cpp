#include "support/qr.hpp"

#include <qrencode.h>

#include <memory>

namespace stagevote::support {

std::optional<std::string> qr_svg(std::string_view text) {
  if (text.empty() || text.size() > kMaxQrText) return std::nullopt;
  const std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return std::nullopt;
  constexpr int kQuiet = 4;
  const int width = code->width;
  const int size = width + 2 * kQuiet;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(size) + " " + std::to_string(size) +
                    "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                    "fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // Bit 0 of each module is "dark". A run of dark modules in a row is one rectangle: a sheet
  // of thousands of tickets carries a code each, and this halves their size.
  const auto dark = [&](int x, int y) { return (code->data[y * width + x] & 1) != 0; };
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width;) {
      if (!dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && dark(x + run, y)) ++run;
      const std::string length = std::to_string(run);
      svg += 'M' + std::to_string(x + kQuiet) + ' ' + std::to_string(y + kQuiet) + 'h' + length +
             "v1h-" + length + 'z';
      x += run;
    }
  }
  svg += "\"/></svg>\n";
  return svg;
}

}  // namespace stagevote::support
