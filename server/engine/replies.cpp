#include "engine/replies.hpp"

#include <cstdio>

namespace stagevote::engine {

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

namespace {

void append_id(std::string& out, const std::optional<std::string>& id) {
  if (!id) return;
  out += ",\"id\":";
  append_json_string(out, *id);
}

}  // namespace

std::string ack_text(const std::optional<std::string>& id, const nlohmann::json& extras) {
  std::string out = "{\"type\":\"ack\"";
  append_id(out, id);
  for (const auto& [key, value] : extras.items()) {
    out.push_back(',');
    append_json_string(out, key);
    out.push_back(':');
    out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  out.push_back('}');
  return out;
}

std::string error_text(const std::optional<std::string>& id, std::string_view code,
                       std::string_view message) {
  std::string out = "{\"type\":\"error\"";
  append_id(out, id);
  out += ",\"code\":";
  append_json_string(out, code);
  out += ",\"message\":";
  // Messages may quote client input: make sure it is valid UTF-8 JSON.
  out += nlohmann::json(std::string(message))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.push_back('}');
  return out;
}

std::string error_text(const std::optional<std::string>& id, const core::Error& error) {
  return error_text(id, core::to_string(error.code), error.message);
}

std::string pong_text(const std::optional<std::string>& id, std::int64_t server_time) {
  std::string out = "{\"type\":\"pong\"";
  append_id(out, id);
  out += ",\"server_time\":";
  out += std::to_string(server_time);
  out.push_back('}');
  return out;
}

}  // namespace stagevote::engine
