#pragma once
// Who may say hello as what: the host key, the judges' tokens, the audience's device tokens.
// Secrets are compared in constant time. The host and display keys live in the database's meta
// table as salted hashes only (engine/key_hash.hpp).
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.hpp"
#include "engine/device_tokens.hpp"
#include "store/store.hpp"

namespace stagevote::engine {

// A random secret kept in the database's meta table under `key`: read, or made (`bytes`
// long) and stored. Writes SQLite synchronously: start-up only.
std::string stored_secret(store::Store& store, const char* key, std::size_t bytes = 32);

// An audience device's name in the ledger, the votes table and every export: "dev-" and 16 hex
// digits of HMAC-SHA256(key, device token) under the database's pseudonym key (meta
// `pseudonym_key`). The token is a live credential and never reaches the ledger, so the ledger
// can be published whole and its hash chain recomputed by anyone (stagevote verify --public).
inline constexpr const char* kPseudonymKeyMeta = "pseudonym_key";
std::string device_pseudonym(std::string_view key, std::string_view token);
// Whether `name` has device_pseudonym's shape (a device token always holds a '.', so never).
bool is_device_pseudonym(std::string_view name);

// The shortest host key accepted (--host-key, STAGEVOTE_HOST_KEY): a guess at 16 characters
// is out of reach even unthrottled.
inline constexpr std::size_t kMinHostKeyLength = 16;

// A fresh judge token: 96 random bits as 16 base64url characters (URL-safe, for the card's QR).
std::string new_judge_token();

// Where the host key came from, to say so at start-up.
enum class HostKeySource { given, stored, generated };

// A fresh host key and its display key, their hashes stored (replacing any before): the host
// key is printed once by the caller and never kept in the clear. Writes SQLite synchronously.
struct NewKeys {
  std::string host_key;
  std::string display_key;
};
NewKeys make_host_key(store::Store& store);

// The display key that goes with a host key.
std::string display_key_for(std::string_view host_key);

class Credentials {
 public:
  // `host_key`: --host-key or STAGEVOTE_HOST_KEY if given (not stored); else the stored hash,
  // else a new key (its hash stored). A key stored in the clear by an older version is hashed
  // and its clear text blanked. The device token secret is made once and stored. Writes
  // SQLite synchronously.
  Credentials(store::Store& store, std::optional<std::string> host_key);

  // The host key if this process was given it or made it (to print once), else empty: only
  // its hash is stored.
  const std::string& host_key() const noexcept { return host_key_; }
  HostKeySource host_key_source() const noexcept { return host_key_source_; }
  // Thread-safe. Against the hash only until the key is first seen right: then remembered in
  // memory, so that a logged-in console's requests cost no PBKDF2.
  bool is_host_key(std::string_view key) const;

  // The venue screens' key (`/display#k=KEY`): derived from the host key, so a new host key
  // makes a new one. Empty while this process has not seen the host key (after a restart on
  // a stored one, until the host logs in or a display shows the right key); GET
  // /api/contest, answered only after the host key was checked, always has it.
  const std::string& display_key() const noexcept;
  bool is_display_key(std::string_view key) const;

  // The judge of `contest` holding this token, compared in constant time; nullopt if none.
  static std::optional<core::Judge> judge_for_token(const core::Contest& contest,
                                                    std::string_view token);

  // Whether this server signed the device token; a fresh one.
  bool is_device(std::string_view token) const;
  std::string new_device() const;
  // Who a device token votes as: its pseudonym (device_pseudonym), never the token itself.
  std::string voter(std::string_view token) const;

 private:
  void learn_host_key(std::string_view key) const;
  void learn_display_key(std::string_view key) const;

  std::string host_key_;      // given or made by this process, else empty
  std::string host_hash_;     // the stored hash (if host_key_ is empty)
  std::string display_hash_;  // the stored hash of the display key
  HostKeySource host_key_source_ = HostKeySource::given;
  DeviceTokens devices_;
  std::string pseudonym_key_;

  // Learnt at most once each, then read without the lock (display_key_ once display_known_).
  mutable std::mutex learn_mutex_;
  mutable std::optional<std::string> learnt_host_key_;  // guarded by learn_mutex_
  mutable std::string display_key_;
  mutable std::atomic<bool> display_known_{false};
};

}  // namespace stagevote::engine
