#pragma once
// The pages and their assets: display/ and voter-web/ under a web root. URL paths map to
// files only through fixed prefixes, segment by segment, so no request can reach outside
// those folders. Responses carry validators (ETag, Last-Modified) so that a reload costs a
// 304, and text goes out gzip-compressed to clients that accept it.
#include <boost/beast/http.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/gzip_cache.hpp"

namespace stagevote::net {

class static_files {
 public:
  // `root` holds display/ and voter-web/.
  explicit static_files(std::filesystem::path root);

  // The web root: `override` if given (--web-root), else an installed layout
  // `<exe dir>/../share/stagevote/`, else the source tree the binary was built from.
  // nullopt if none holds display/ or voter-web/.
  static std::optional<std::filesystem::path> find_root(const std::string& override,
                                                        const std::filesystem::path& executable);

  const std::filesystem::path& root() const noexcept { return root_; }

  // The file a decoded URL path names (a page, /d/..., /v/...), or nullopt.
  std::optional<std::filesystem::path> resolve(std::string_view path) const;

  // "text/html; charset=utf-8" etc.; application/octet-stream when unknown.
  static std::string_view content_type(const std::filesystem::path& file);

  // 200 with the file, gzip-compressed for a text type when the request accepts gzip; 304
  // when the request's If-None-Match (else If-Modified-Since) says the client has it; 404
  // when there is no such file. HEAD: the same headers without the body. A page carries its
  // Content-Security-Policy and is not to be framed unless `embeddable` (http_headers.hpp).
  boost::beast::http::message_generator serve(
      std::string_view path,
      const boost::beast::http::request<boost::beast::http::string_body>& request,
      bool embeddable = false) const;

 private:
  std::filesystem::path root_;
  // serve() is const and runs on every network thread; the cache locks inside.
  std::unique_ptr<gzip_cache> gzip_;
};

// Percent-decodes a URL path; nullopt on a malformed escape or a decoded NUL.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace stagevote::net
