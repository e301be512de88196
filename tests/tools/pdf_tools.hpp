#pragma once
// Reading back what a test printed: a PDF's text (pdftotext, poppler-utils), a page as PNG
// (pdftoppm), and the QR codes in an image (zbarimg, zbar-tools). Each runs the program on
// files and returns what it printed; nullopt if it is not installed or failed.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace stagevote::tools::testing {

inline bool have_program(const std::string& name) {
  return std::filesystem::exists("/usr/bin/" + name);
}

// stdout of `command` (run by /bin/sh), or nullopt if it exits non-zero.
inline std::optional<std::string> command_output(const std::string& command) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    out.append(buffer, got);
  }
  return ::pclose(pipe) == 0 ? std::optional(out) : std::nullopt;
}

// Quoted for /bin/sh (test paths hold no single quote).
inline std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

// The text of every page of `pdf`, in reading order.
inline std::optional<std::string> pdf_text(const std::string& pdf) {
  if (!have_program("pdftotext")) return std::nullopt;
  return command_output("pdftotext -enc UTF-8 " + quoted(pdf) + " - 2>/dev/null");
}

// Page `page` of `pdf` as a PNG at `dpi`, written to `png`; false if it could not be.
inline bool pdf_page_png(const std::string& pdf, int page, int dpi, const std::string& png) {
  if (!have_program("pdftoppm")) return false;
  // pdftoppm appends ".png" to the name it is given.
  const std::string stem = png.substr(0, png.size() - 4);
  const std::string n = std::to_string(page);
  return command_output("pdftoppm -png -singlefile -r " + std::to_string(dpi) + " -f " + n +
                        " -l " + n + " " + quoted(pdf) + " " + quoted(stem) + " 2>/dev/null")
             .has_value() &&
         std::filesystem::exists(png);
}

// The text of every QR code zbarimg finds in `image`.
inline std::optional<std::vector<std::string>> qr_codes_in(const std::string& image) {
  if (!have_program("zbarimg")) return std::nullopt;
  const auto out = command_output("zbarimg --quiet --raw -Sdisable -Sqrcode.enable " +
                                  quoted(image) + " 2>/dev/null");
  if (!out) return std::nullopt;
  std::vector<std::string> codes;
  std::size_t start = 0;
  for (std::size_t end; (end = out->find('\n', start)) != std::string::npos; start = end + 1) {
    if (end > start) codes.push_back(out->substr(start, end - start));
  }
  return codes;
}

// Every ticket code printed grouped for typing ("k7mq-2nxe-8fgh-3kpt"), in order, ungrouped.
inline std::vector<std::string> printed_ticket_codes(const std::string& text) {
  static const std::regex grouped("([2-9a-z]{4})-([2-9a-z]{4})-([2-9a-z]{4})-([2-9a-z]{4})");
  std::vector<std::string> codes;
  for (std::sregex_iterator it(text.begin(), text.end(), grouped), end; it != end; ++it) {
    codes.push_back((*it)[1].str() + (*it)[2].str() + (*it)[3].str() + (*it)[4].str());
  }
  return codes;
}

}  // namespace stagevote::tools::testing
