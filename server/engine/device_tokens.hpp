#pragma once
// Audience device tokens: "<base64url(16 random bytes)>.<base64url(HMAC-SHA256 truncated to
// 16 bytes)>". The server can tell its own tokens from guessed or forged ones without
// storing them, so a phone keeps its identity (and its ballots) across reconnects and
// server restarts, and a script cannot mint identities to vote twice.
#include <string>
#include <string_view>

namespace stagevote::engine {

class DeviceTokens {
 public:
  // `secret`: at least 32 random bytes, kept in the database so tokens survive restarts.
  explicit DeviceTokens(std::string secret);

  std::string issue() const;
  // True only for a well-formed token signed with this secret (constant-time comparison).
  bool verify(std::string_view token) const;

  static constexpr std::size_t kRandomBytes = 16;
  static constexpr std::size_t kMacBytes = 16;

 private:
  std::string sign(std::string_view random_part) const;

  std::string secret_;
};

}  // namespace stagevote::engine
