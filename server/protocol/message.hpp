#pragma once
// A message on the wire: JSON text serialised once and shared by every recipient (and every
// queue it sits in) without copying.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace stagevote::protocol {

using Message = std::shared_ptr<const std::string>;

inline Message make_message(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// A request's client-chosen "id", if it had one.
using RequestId = std::optional<std::string>;

// Appends `text` as a JSON string literal (quotes and escapes). `text` must be UTF-8.
void append_json_string(std::string& out, std::string_view text);

}  // namespace stagevote::protocol
