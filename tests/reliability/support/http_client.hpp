#pragma once
// A one-shot HTTP/1.1 client with a deadline, for /healthz and the JSON API.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stagevote::reliability {

struct HttpReply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// GET http://127.0.0.1:<port><target>; nullopt if it cannot connect or times out.
std::optional<HttpReply> http_get(unsigned short port, const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers = {},
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace stagevote::reliability
