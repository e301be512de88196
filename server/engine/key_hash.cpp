#include "engine/key_hash.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "engine/secrets.hpp"

namespace stagevote::engine {

namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr long kMaxIterations = 10'000'000;

std::string pbkdf2(std::string_view secret, std::string_view salt, int iterations) {
  std::string out(kHashBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw std::runtime_error("PBKDF2 failed");
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return std::nullopt;
    bytes.push_back(static_cast<char>(value));
  }
  return bytes;
}

struct Record {
  int iterations = 0;
  std::string salt;
  std::string hash;
};

std::optional<Record> parse(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dollar = text.find('$');
    parts.push_back(text.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    text.remove_prefix(dollar + 1);
  }
  if (parts.size() != 4 || parts[0] != kScheme) return std::nullopt;
  Record record;
  const auto [end, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), record.iterations);
  if (ec != std::errc() || end != parts[1].data() + parts[1].size() || record.iterations < 1 ||
      record.iterations > kMaxIterations) {
    return std::nullopt;
  }
  auto salt = from_hex(parts[2]);
  auto hash = from_hex(parts[3]);
  if (!salt || salt->empty() || !hash || hash->size() != kHashBytes) return std::nullopt;
  record.salt = std::move(*salt);
  record.hash = std::move(*hash);
  return record;
}

}  // namespace

int key_hash_iterations() {
  if (const char* text = std::getenv("STAGEVOTE_KEY_HASH_ITERATIONS"); text && *text) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*end == '\0' && value >= 1 && value <= kMaxIterations) return static_cast<int>(value);
  }
  return kKeyHashIterations;
}

std::string hash_key(std::string_view secret, int iterations) {
  const std::string salt = random_bytes(kSaltBytes);
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + to_hex(salt) + "$" +
         to_hex(pbkdf2(secret, salt, iterations));
}

bool key_matches(std::string_view text, std::string_view secret) {
  const auto record = parse(text);
  if (!record) return false;
  return constant_time_equal(pbkdf2(secret, record->salt, record->iterations), record->hash);
}

bool is_key_hash(std::string_view text) {
  return parse(text).has_value();
}

}  // namespace stagevote::engine
