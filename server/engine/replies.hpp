#pragma once
// Server-to-client messages that are not views: acks, errors, pongs. A Message is serialised
// once and shared by every recipient (and every queue it sits in) without copying.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace stagevote::engine {

using Message = std::shared_ptr<const std::string>;

inline Message make_message(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// Appends `text` as a JSON string literal (quotes and escapes). `text` must be UTF-8.
void append_json_string(std::string& out, std::string_view text);

// {"type":"ack","id":...,<extras>}; `extras` is a JSON object (its members are appended).
std::string ack_text(const std::optional<std::string>& id,
                     const nlohmann::json& extras = nlohmann::json::object());

// {"type":"error","id":...,"code":...,"message":...}; no "id" member when the request had none.
std::string error_text(const std::optional<std::string>& id, std::string_view code,
                       std::string_view message);
std::string error_text(const std::optional<std::string>& id, const core::Error& error);

// {"type":"pong","id":...,"server_time":...}
std::string pong_text(const std::optional<std::string>& id, std::int64_t server_time);

}  // namespace stagevote::engine
