#include "net/static_files.hpp"

#include <array>
#include <system_error>

namespace stagevote::net {

namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

struct Page {
  std::string_view path;
  std::string_view file;
};
constexpr std::array kPages{
    Page{"/display", "display/display.html"},
    Page{"/host", "display/host.html"},
    Page{"/vote", "voter-web/vote.html"},
    Page{"/judge", "voter-web/judge.html"},
};

// Splits "a/b/c" into clean segments; nullopt if any is empty, hidden, "." or "..", or holds
// a backslash (no way up, no dotfiles such as .stamp or .git).
std::optional<std::vector<std::string_view>> clean_segments(std::string_view rest) {
  std::vector<std::string_view> segments;
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment.front() == '.' || segment.find('\\') != std::string_view::npos) {
      return std::nullopt;
    }
    segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_html(const fs::path& file) {
  return file.extension() == ".html";
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    auto hex = [](char h) -> int {
      if (h >= '0' && h <= '9') return h - '0';
      if (h >= 'a' && h <= 'f') return h - 'a' + 10;
      if (h >= 'A' && h <= 'F') return h - 'A' + 10;
      return -1;
    };
    const int high = hex(text[i + 1]);
    const int low = hex(text[i + 2]);
    if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

static_files::static_files(fs::path root) : root_(std::move(root)) {}

std::optional<fs::path> static_files::find_root(const std::string& override,
                                                const fs::path& executable) {
  auto holds_pages = [](const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "display", ec) || fs::is_directory(dir / "voter-web", ec);
  };
  if (!override.empty()) {
    return holds_pages(override) ? std::optional<fs::path>(fs::path(override)) : std::nullopt;
  }
  std::error_code ec;
  const fs::path installed =
      fs::weakly_canonical(executable, ec).parent_path() / ".." / "share" / "stagevote";
  if (!ec && holds_pages(installed)) return installed.lexically_normal();
#ifdef STAGEVOTE_SOURCE_WEB_ROOT
  if (holds_pages(STAGEVOTE_SOURCE_WEB_ROOT)) return fs::path(STAGEVOTE_SOURCE_WEB_ROOT);
#endif
  return std::nullopt;
}

std::optional<fs::path> static_files::resolve(std::string_view path) const {
  for (const auto& page : kPages) {
    if (path == page.path) return root_ / page.file;
  }
  struct Prefix {
    std::string_view url;
    std::string_view folder;
  };
  constexpr std::array kPrefixes{Prefix{"/d/", "display"}, Prefix{"/v/", "voter-web"}};
  for (const auto& prefix : kPrefixes) {
    if (!starts_with(path, prefix.url)) continue;
    const auto segments = clean_segments(path.substr(prefix.url.size()));
    if (!segments || segments->front() == "node_modules") return std::nullopt;
    fs::path file = root_ / prefix.folder;
    for (const auto& segment : *segments) file /= std::string(segment);
    return file;
  }
  return std::nullopt;
}

std::string_view static_files::content_type(const fs::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".otf", "font/otf"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".mp3", "audio/mpeg"},
      {".wav", "audio/wav"},
      {".webmanifest", "application/manifest+json"},
  }};
  const std::string extension = file.extension().string();
  for (const auto& [ext, type] : kTypes) {
    if (extension == ext) return type;
  }
  return "application/octet-stream";
}

http::message_generator static_files::serve(std::string_view path,
                                            const http::request<http::string_body>& request) const {
  auto not_found = [&] {
    http::response<http::string_body> response{http::status::not_found, request.version()};
    response.set(http::field::server, "stagevote");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.keep_alive(request.keep_alive());
    constexpr std::string_view kBody = "not found\n";
    // A HEAD reply says how long the body would be but never carries it (RFC 9110 9.3.2).
    if (request.method() != http::verb::head) response.body() = kBody;
    response.content_length(kBody.size());
    return http::message_generator(std::move(response));
  };
  const auto file = resolve(path);
  std::error_code ec;
  if (!file || !fs::is_regular_file(*file, ec)) return not_found();

  http::file_body::value_type body;
  boost::beast::error_code open_ec;
  body.open(file->c_str(), boost::beast::file_mode::scan, open_ec);
  if (open_ec) return not_found();
  const auto size = body.size();

  auto set_headers = [&](auto& response) {
    response.set(http::field::server, "stagevote");
    response.set(http::field::content_type, content_type(*file));
    // Pages must pick up a new build at once; assets may be cached briefly.
    response.set(http::field::cache_control, is_html(*file) ? "no-cache" : "max-age=300");
    response.set("X-Content-Type-Options", "nosniff");
    response.keep_alive(request.keep_alive());
  };
  if (request.method() == http::verb::head) {
    http::response<http::empty_body> response{http::status::ok, request.version()};
    set_headers(response);
    response.content_length(size);
    return http::message_generator(std::move(response));
  }
  http::response<http::file_body> response{std::piecewise_construct,
                                           std::make_tuple(std::move(body)),
                                           std::make_tuple(http::status::ok, request.version())};
  set_headers(response);
  response.content_length(size);
  return http::message_generator(std::move(response));
}

}  // namespace stagevote::net
