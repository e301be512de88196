#pragma once
// The host-only HTTP API, read with plain blocking requests from the main thread.
#include <string>

#include <nlohmann/json.hpp>

#include "target.hpp"

namespace stagevote::bench {

class HttpApi {
 public:
  HttpApi(const Target& target, std::string host_key);

  // GET `path` with the host key; returns the JSON body of a 200 reply, throws
  // std::runtime_error on anything else.
  nlohmann::json get(const std::string& path) const;

 private:
  const Target& target_;
  std::string authorization_;
};

}  // namespace stagevote::bench
