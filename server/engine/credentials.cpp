#include "engine/credentials.hpp"

#include "engine/secrets.hpp"

namespace stagevote::engine {

namespace {

constexpr const char* kHostKeyMeta = "host_key";
constexpr const char* kDeviceSecretMeta = "device_secret";

std::string load_or_create_device_secret(store::Store& store) {
  if (auto stored = store.get_meta(kDeviceSecretMeta); stored && stored->size() == 64) {
    std::string bytes;
    for (std::size_t i = 0; i < stored->size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(stored->substr(i, 2), nullptr, 16)));
    }
    return bytes;
  }
  std::string secret = random_bytes(32);
  store.set_meta(kDeviceSecretMeta, to_hex(secret));
  return secret;
}

}  // namespace

Credentials::Credentials(store::Store& store, std::optional<std::string> host_key)
    : devices_(load_or_create_device_secret(store)) {
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

std::string Credentials::admit_device(std::string_view offered) const {
  if (!offered.empty() && devices_.verify(offered)) return std::string(offered);
  return devices_.issue();
}

}  // namespace stagevote::engine
