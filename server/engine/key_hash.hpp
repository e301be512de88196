#pragma once
// Keys at rest (docs/reliability.md, "6d. Keys"): the host key and the display key are kept in
// the database only as salted PBKDF2-HMAC-SHA256 hashes,
//   "pbkdf2-sha256$<iterations>$<salt, hex>$<hash, hex>",
// so a copy of the file (a backup, a laptop left behind) does not hand out the console.
#include <optional>
#include <string>
#include <string_view>

namespace stagevote::engine {

// OWASP's figure for PBKDF2-HMAC-SHA256 (2023). A hash is checked once per process and key:
// a right key is remembered in memory (credentials.hpp).
inline constexpr int kKeyHashIterations = 600'000;

// kKeyHashIterations, or STAGEVOTE_KEY_HASH_ITERATIONS (1 to 10,000,000): a test seam, so
// that sanitizer builds do not spend seconds per key. Only new hashes use it: a stored hash
// carries its own count.
int key_hash_iterations();

// A new record of `secret` with a fresh 16-byte salt.
std::string hash_key(std::string_view secret, int iterations = key_hash_iterations());

// Whether `secret` is the one `record` was made from (constant time in the hash); false for a
// record that does not parse.
bool key_matches(std::string_view record, std::string_view secret);

// Whether `text` looks like a record hash_key() made.
bool is_key_hash(std::string_view text);

}  // namespace stagevote::engine
