#include "engine/device_tokens.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "engine/secrets.hpp"

namespace stagevote::engine {

DeviceTokens::DeviceTokens(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < 32) throw std::invalid_argument("device token secret is too short");
}

std::string DeviceTokens::sign(std::string_view random_part) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(random_part.data()), random_part.size(), mac,
           &mac_size) == nullptr ||
      mac_size < kMacBytes) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return base64url(std::string_view(reinterpret_cast<const char*>(mac), kMacBytes));
}

std::string DeviceTokens::issue() const {
  std::string token = base64url(random_bytes(kRandomBytes));
  const std::string mac = sign(token);
  token.push_back('.');
  token += mac;
  return token;
}

bool DeviceTokens::verify(std::string_view token) const {
  // 16 bytes encode to 22 base64url characters on each side of the dot.
  constexpr std::size_t kPart = (kRandomBytes * 4 + 2) / 3;
  if (token.size() != 2 * kPart + 1 || token[kPart] != '.') return false;
  const std::string_view random_part = token.substr(0, kPart);
  const std::string_view mac = token.substr(kPart + 1);
  return constant_time_equal(sign(random_part), mac);
}

}  // namespace stagevote::engine
