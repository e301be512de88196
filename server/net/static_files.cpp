#include "net/static_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <system_error>

#include "net/http_headers.hpp"

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

// Text worth compressing; images, fonts and audio are compressed already.
bool is_compressible(const fs::path& file) {
  static constexpr std::array<std::string_view, 9> kText{
      ".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map", ".webmanifest"};
  return std::find(kText.begin(), kText.end(), file.extension().string()) != kText.end();
}

// Every page's text many times over (they are some 250 KiB), so that the cache never churns;
// one file over 1 MiB would be sent as it is.
constexpr std::size_t kGzipBudget = 8 << 20;
constexpr std::size_t kGzipLargestFile = 1 << 20;

std::string_view header(const http::request<http::string_body>& request, http::field field) {
  const auto value = request[field];
  return {value.data(), value.size()};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Calls `item` with each trimmed element of a comma-separated header value until it
// returns true; says whether one did.
template <typename Item>
bool any_item(std::string_view list, Item item) {
  while (true) {
    const auto comma = list.find(',');
    if (item(trim(list.substr(0, comma)))) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

// Whether Accept-Encoding lists gzip (or its old name x-gzip) without refusing it by q=0.
bool accepts_gzip(std::string_view accept_encoding) {
  return any_item(accept_encoding, [](std::string_view item) {
    const auto semicolon = item.find(';');
    const auto coding = trim(item.substr(0, semicolon));
    if (!boost::beast::iequals(coding, "gzip") && !boost::beast::iequals(coding, "x-gzip")) {
      return false;
    }
    if (semicolon == std::string_view::npos) return true;
    const auto weight = trim(item.substr(semicolon + 1));
    if (weight.size() < 2 || (weight[0] != 'q' && weight[0] != 'Q') || weight[1] != '=') {
      return true;
    }
    // q=0, q=0.0, q=0.000: refused; any other weight accepts it.
    auto value = weight.substr(2);
    if (!value.starts_with('0')) return true;
    value.remove_prefix(1);
    if (value.starts_with('.')) value.remove_prefix(1);
    return value.find_first_not_of('0') != std::string_view::npos;
  });
}

// A strong validator from the file's size and modification time, as nginx and Apache make
// them; the gzip bytes are another representation of the file, so they get another tag.
std::string entity_tag(const gzip_cache::Version& version, bool gzipped) {
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "\"%llx-%llx%s\"",
                static_cast<unsigned long long>(version.size),
                static_cast<unsigned long long>(version.mtime_ns), gzipped ? "-gz" : "");
  return text.data();
}

constexpr std::array<std::string_view, 7> kWeekdays{"Sun", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// An HTTP date (RFC 9110 5.6.7, IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::int64_t seconds) {
  using namespace std::chrono;
  const sys_seconds time{std::chrono::seconds(seconds)};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  std::array<char, 64> text{};  // 30 in fact; room for what the types could hold
  std::snprintf(text.data(), text.size(), "%.3s, %02u %.3s %04d %02d:%02d:%02d GMT",
                kWeekdays[weekday(day).c_encoding()].data(), static_cast<unsigned>(date.day()),
                kMonths[static_cast<unsigned>(date.month()) - 1].data(),
                static_cast<int>(date.year()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text.data();
}

// The seconds an IMF-fixdate names, or nullopt. The obsolete RFC 850 and asctime forms are
// not read: a client that sends one gets the whole file instead of a 304, never a wrong 304.
std::optional<std::int64_t> parse_http_date(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    for (const char c : text.substr(at, length)) {
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  const int day = number(5, 2);
  const int year = number(12, 4);
  const int hour = number(17, 2);
  const int minute = number(20, 2);
  const int second = number(23, 2);
  if (month == kMonths.end() || day < 0 || year < 0 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{
      std::chrono::year(year),
      std::chrono::month(static_cast<unsigned>(month - kMonths.begin()) + 1),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const auto midnight = std::chrono::sys_days(date).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(midnight).count() + hour * 3600 +
         minute * 60 + second;
}

// RFC 9110 13.2.2: If-None-Match decides when present (by weak comparison: a W/ prefix does
// not matter; "*" matches any file), If-Modified-Since only without it.
bool not_modified(const http::request<http::string_body>& request, std::string_view tag,
                  std::int64_t modified) {
  if (request.count(http::field::if_none_match) > 0) {
    return any_item(header(request, http::field::if_none_match), [&](std::string_view item) {
      if (item.starts_with("W/")) item.remove_prefix(2);
      return item == "*" || item == tag;
    });
  }
  if (request.count(http::field::if_modified_since) > 0) {
    const auto since = parse_http_date(header(request, http::field::if_modified_since));
    return since && modified <= *since;
  }
  return false;
}

// The bytes of an open file, by position (the file's own offset stays where it is for the
// file_body that may send it). nullopt if it is shorter than `size` now.
std::optional<std::string> read_all(int fd, std::uint64_t size) {
  std::string data(size, '\0');
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    done += static_cast<std::size_t>(n);
  }
  return data;
}

// Whether the request's query holds the parameter `pair` ("name=value") as it is.
bool query_says(const http::request<http::string_body>& request, std::string_view pair) {
  const auto target = request.target();
  std::string_view query(target.data(), target.size());
  const auto question = query.find('?');
  if (question == std::string_view::npos) return false;
  query.remove_prefix(question + 1);
  while (true) {
    const auto amp = query.find('&');
    if (query.substr(0, amp) == pair) return true;
    if (amp == std::string_view::npos) return false;
    query.remove_prefix(amp + 1);
  }
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

static_files::static_files(fs::path root)
    : root_(std::move(root)), gzip_(std::make_unique<gzip_cache>(kGzipBudget, kGzipLargestFile)) {}

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
  // /graphics/: the broadcast graphics (docs/graphics.md), a folder of the display's.
  constexpr std::array kPrefixes{Prefix{"/d/", "display"}, Prefix{"/v/", "voter-web"},
                                 Prefix{"/graphics/", "display/graphics"}};
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
                                            const http::request<http::string_body>& request,
                                            bool embeddable) const {
  auto not_found = [&] {
    http::response<http::string_body> response{http::status::not_found, request.version()};
    set_common_headers(response);
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
  // The version of the bytes about to be sent: fstat on the open file, not a second look by
  // name that a file replaced meanwhile would answer.
  const int fd = body.file().native_handle();
  struct stat status {};
  if (::fstat(fd, &status) != 0) return not_found();
  const std::int64_t modified = status.st_mtim.tv_sec;
  const gzip_cache::Version version{static_cast<std::uint64_t>(status.st_size),
                                    modified * 1'000'000'000 + status.st_mtim.tv_nsec};

  // The encoding is chosen before the conditional check: the tag it is checked against names it.
  const bool compressible = is_compressible(*file);
  std::shared_ptr<const std::string> gzipped;
  if (compressible && accepts_gzip(header(request, http::field::accept_encoding))) {
    gzipped = gzip_->get(file->string(), version, [&] { return read_all(fd, version.size); });
  }
  const std::string tag = entity_tag(version, gzipped != nullptr);

  auto set_headers = [&](auto& response) {
    set_common_headers(response);
    // Pages are revalidated at every load, so that a new build shows at once and an unchanged
    // page costs a 304; assets may be used for a while without asking.
    response.set(http::field::cache_control, is_html(*file) ? "no-cache" : "max-age=300");
    response.set(http::field::etag, tag);
    response.set(http::field::last_modified, http_date(modified));
    // A cache must keep the gzip and the plain bytes of one URL apart.
    if (compressible) response.set(http::field::vary, "Accept-Encoding");
    // Scripts, styles and manifests may be read by another origin's page: an OGraf renderer
    // imports the graphics' modules (and the shared ones they import) from here. They are
    // the same public files every phone loads; pages and the API do not get this.
    if (!is_html(*file)) response.set(http::field::access_control_allow_origin, "*");
    if (is_html(*file)) {
      set_page_headers(response, embeddable);
      // The display's live miniature in the host console (/display?embed=1) is framed by this
      // server's own page: framed by this origin only.
      if (!embeddable && path == "/display" && query_says(request, "embed=1")) {
        response.set("Content-Security-Policy",
                     std::string(kPagePolicy) + "; frame-ancestors 'self'");
        response.set(http::field::x_frame_options, "SAMEORIGIN");
      }
    }
    response.keep_alive(request.keep_alive());
  };
  if (not_modified(request, tag, modified)) {
    http::response<http::empty_body> response{http::status::not_modified, request.version()};
    set_headers(response);
    return http::message_generator(std::move(response));
  }
  auto set_content_headers = [&](auto& response, std::uint64_t length) {
    set_headers(response);
    response.set(http::field::content_type, content_type(*file));
    if (gzipped) response.set(http::field::content_encoding, "gzip");
    response.content_length(length);
  };
  const std::uint64_t length = gzipped ? gzipped->size() : body.size();
  if (request.method() == http::verb::head) {
    http::response<http::empty_body> response{http::status::ok, request.version()};
    set_content_headers(response, length);
    return http::message_generator(std::move(response));
  }
  if (gzipped) {
    http::response<http::string_body> response{http::status::ok, request.version(), *gzipped};
    set_content_headers(response, length);
    return http::message_generator(std::move(response));
  }
  http::response<http::file_body> response{std::piecewise_construct,
                                           std::make_tuple(std::move(body)),
                                           std::make_tuple(http::status::ok, request.version())};
  set_content_headers(response, length);
  return http::message_generator(std::move(response));
}

}  // namespace stagevote::net
