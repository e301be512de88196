#pragma once
// Who may say hello as what: the host key, the judges' tokens, the audience's device tokens.
// Secrets are compared in constant time; the keys live in the database's meta table.
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

// The shortest host key accepted (--host-key, STAGEVOTE_HOST_KEY): a guess at 16 characters
// is out of reach even unthrottled.
inline constexpr std::size_t kMinHostKeyLength = 16;

// A fresh judge token: 96 random bits as 16 base64url characters (URL-safe, for the card's QR).
std::string new_judge_token();

// Where the host key came from, to say so at start-up.
enum class HostKeySource { given, stored, generated };

class Credentials {
 public:
  // `host_key`: --host-key or STAGEVOTE_HOST_KEY if given; else the stored one, else a new one
  // (stored). The device token secret is made once and stored. Writes SQLite synchronously.
  Credentials(store::Store& store, std::optional<std::string> host_key);

  const std::string& host_key() const noexcept { return host_key_; }
  HostKeySource host_key_source() const noexcept { return host_key_source_; }
  bool is_host_key(std::string_view key) const noexcept;

  // The venue screens' key (`/display#k=KEY`): derived from the host key, so whoever holds
  // the host key can always look it up (GET /api/contest) and a new host key makes a new one.
  const std::string& display_key() const noexcept { return display_key_; }
  bool is_display_key(std::string_view key) const noexcept;

  // The judge of `contest` holding this token, compared in constant time; nullopt if none.
  static std::optional<core::Judge> judge_for_token(const core::Contest& contest,
                                                    std::string_view token);

  // Whether this server signed the device token; a fresh one.
  bool is_device(std::string_view token) const;
  std::string new_device() const;

 private:
  std::string host_key_;
  std::string display_key_;
  HostKeySource host_key_source_ = HostKeySource::given;
  DeviceTokens devices_;
};

}  // namespace stagevote::engine
