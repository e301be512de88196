#pragma once
// multipart/form-data (RFC 7578), as a browser sends a FormData: the console's uploads.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stagevote::net {

struct FormPart {
  std::string name;                     // the form field's name
  std::optional<std::string> filename;  // set for a file (without any path the browser added)
  std::string body;
};

struct FormParts {
  std::vector<FormPart> parts;
  std::string error;  // non-empty: the body is not well-formed multipart/form-data
};

// The boundary of a `multipart/form-data; boundary=...` Content-Type, if it is one.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Splits `body` into its parts. At most `max_parts`; more is an error.
FormParts parse_multipart(std::string_view body, std::string_view boundary,
                          std::size_t max_parts = 32);

}  // namespace stagevote::net
