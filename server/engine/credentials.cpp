#include "engine/credentials.hpp"

#include "engine/key_hash.hpp"
#include "engine/secrets.hpp"

namespace stagevote::engine {

namespace {

constexpr const char* kHostKeyMeta = "host_key";  // older versions: the key in the clear
constexpr const char* kHostKeyHashMeta = "host_key_hash";
constexpr const char* kDisplayKeyHashMeta = "display_key_hash";
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

std::string device_pseudonym(std::string_view key, std::string_view token) {
  return "dev-" + to_hex(hmac_sha256(key, token).substr(0, 8));
}

bool is_device_pseudonym(std::string_view name) {
  return name.size() == 20 && name.starts_with("dev-") &&
         name.find_first_not_of("0123456789abcdef", 4) == std::string_view::npos;
}

std::string display_key_for(std::string_view host_key) {
  return base64url(hmac_sha256(host_key, "stagevote display key").substr(0, 16));
}

NewKeys make_host_key(store::Store& store) {
  // 144 bits: 24 characters, out of reach of guessing even unthrottled.
  NewKeys keys{base64url(random_bytes(18)), {}};
  keys.display_key = display_key_for(keys.host_key);
  store.set_meta(kHostKeyHashMeta, hash_key(keys.host_key));
  store.set_meta(kDisplayKeyHashMeta, hash_key(keys.display_key));
  store.set_meta(kHostKeyMeta, "");  // an older version's key in the clear, if any
  return keys;
}

std::string new_judge_token() {
  return base64url(random_bytes(12));
}

Credentials::Credentials(store::Store& store, std::optional<std::string> host_key)
    : devices_(stored_secret(store, kDeviceSecretMeta)),
      pseudonym_key_(stored_secret(store, kPseudonymKeyMeta)) {
  const auto stored_hash = store.get_meta(kHostKeyHashMeta);
  const auto clear = store.get_meta(kHostKeyMeta);
  if (clear && !clear->empty()) {
    // Kept in the clear by an older version: from now on only its hash.
    store.set_meta(kHostKeyHashMeta, hash_key(*clear));
    store.set_meta(kDisplayKeyHashMeta, hash_key(display_key_for(*clear)));
    store.set_meta(kHostKeyMeta, "");
    if (!host_key || host_key->empty()) learn_host_key(*clear);
  }
  if (host_key && !host_key->empty()) {
    host_key_ = std::move(*host_key);
    host_key_source_ = HostKeySource::given;
    learn_display_key(display_key_for(host_key_));
  } else if (clear && !clear->empty()) {
    host_key_source_ = HostKeySource::stored;
  } else if (stored_hash && is_key_hash(*stored_hash)) {
    host_hash_ = *stored_hash;
    host_key_source_ = HostKeySource::stored;
  } else {
    NewKeys keys = make_host_key(store);
    host_key_ = std::move(keys.host_key);
    host_key_source_ = HostKeySource::generated;
    learn_display_key(keys.display_key);
  }
  if (auto stored = store.get_meta(kDisplayKeyHashMeta)) display_hash_ = *stored;
}

void Credentials::learn_host_key(std::string_view key) const {
  {
    std::lock_guard lock(learn_mutex_);
    if (!learnt_host_key_) learnt_host_key_ = std::string(key);
  }
  learn_display_key(display_key_for(key));
}

void Credentials::learn_display_key(std::string_view key) const {
  std::lock_guard lock(learn_mutex_);
  if (display_known_.load(std::memory_order_relaxed)) return;
  display_key_ = std::string(key);
  display_known_.store(true, std::memory_order_release);
}

const std::string& Credentials::display_key() const noexcept {
  static const std::string unknown;
  return display_known_.load(std::memory_order_acquire) ? display_key_ : unknown;
}

bool Credentials::is_display_key(std::string_view key) const {
  if (display_known_.load(std::memory_order_acquire)) return constant_time_equal(key, display_key_);
  if (key.empty() || display_hash_.empty() || !key_matches(display_hash_, key)) return false;
  learn_display_key(key);
  return true;
}

bool Credentials::is_host_key(std::string_view key) const {
  if (!host_key_.empty()) return constant_time_equal(key, host_key_);
  {
    std::lock_guard lock(learn_mutex_);
    if (learnt_host_key_) return constant_time_equal(key, *learnt_host_key_);
  }
  if (key.empty() || host_hash_.empty() || !key_matches(host_hash_, key)) return false;
  learn_host_key(key);
  return true;
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

std::string Credentials::voter(std::string_view token) const {
  return device_pseudonym(pseudonym_key_, token);
}

}  // namespace stagevote::engine
