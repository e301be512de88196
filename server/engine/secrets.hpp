#pragma once
// Small cryptographic helpers over OpenSSL: random bytes, encodings, constant-time equality.
#include <cstddef>
#include <string>
#include <string_view>

namespace stagevote::engine {

// `count` bytes from OpenSSL's CSPRNG; throws std::runtime_error if it cannot supply them.
std::string random_bytes(std::size_t count);

std::string to_hex(std::string_view bytes);

// RFC 4648 §5 alphabet, without padding (safe in URLs and JSON without escaping).
std::string base64url(std::string_view bytes);

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// HMAC-SHA256 of `message` under `key`: 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);

// OpenSSL's CRYPTO_memcmp, whose time does not depend on where a guess differs (kept
// constant-time by OpenSSL, in assembly on common CPUs, so no compiler can add an early exit).
// Lengths are not secret: different lengths compare unequal at once.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace stagevote::engine
