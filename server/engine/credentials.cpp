#include "engine/credentials.hpp"

#include "engine/secrets.hpp"

namespace stagevote::engine {

namespace {

constexpr const char* kHostKeyMeta = "host_key";
constexpr const char* kDeviceSecretMeta = "device_secret";

}  // namespace

std::string stored_secret(store::Store& store, const char* key, std::size_t bytes) {
  if (auto stored = store.get_meta(key); stored && stored->size() == 2 * bytes) {
    std::string secret;
    for (std::size_t i = 0; i < stored->size(); i += 2) {
      secret.push_back(static_cast<char>(std::stoi(stored->substr(i, 2), nullptr, 16)));
    }
    return secret;
  }
  std::string secret = random_bytes(bytes);
  store.set_meta(key, to_hex(secret));
  return secret;
}

std::string new_judge_token() {
  return base64url(random_bytes(12));
}

Credentials::Credentials(store::Store& store, std::optional<std::string> host_key)
    : devices_(stored_secret(store, kDeviceSecretMeta)) {
  if (host_key && !host_key->empty()) {
    host_key_ = std::move(*host_key);
    host_key_source_ = HostKeySource::given;
  } else if (auto stored = store.get_meta(kHostKeyMeta); stored && !stored->empty()) {
    host_key_ = *stored;
    host_key_source_ = HostKeySource::stored;
  } else {
    host_key_ = base64url(random_bytes(12));
    store.set_meta(kHostKeyMeta, host_key_);
    host_key_source_ = HostKeySource::generated;
  }
  display_key_ = base64url(hmac_sha256(host_key_, "stagevote display key").substr(0, 16));
}

bool Credentials::is_display_key(std::string_view key) const noexcept {
  return constant_time_equal(key, display_key_);
}

bool Credentials::is_host_key(std::string_view key) const noexcept {
  return constant_time_equal(key, host_key_);
}

std::optional<core::Judge> Credentials::judge_for_token(const core::Contest& contest,
                                                        std::string_view token) {
  std::optional<core::Judge> found;
  // Look at every judge whatever matches, so the time taken says nothing about the token.
  for (const auto& judge : contest.judges) {
    if (!judge.token.empty() && constant_time_equal(token, judge.token)) found = judge;
  }
  return found;
}

bool Credentials::is_device(std::string_view token) const {
  return !token.empty() && devices_.verify(token);
}

std::string Credentials::new_device() const {
  return devices_.issue();
}

}  // namespace stagevote::engine
