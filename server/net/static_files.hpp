#pragma once
// The pages and their assets: display/ and voter-web/ under a web root. URL paths map to
// files only through fixed prefixes, segment by segment, so no request can reach outside
// those folders.
#include <boost/beast/http.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

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

  // 200 with the file (HEAD: headers only), or 404 when there is no such file.
  boost::beast::http::message_generator serve(
      std::string_view path,
      const boost::beast::http::request<boost::beast::http::string_body>& request) const;

 private:
  std::filesystem::path root_;
};

// Percent-decodes a URL path; nullopt on a malformed escape or a decoded NUL.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace stagevote::net
