#include "store/ledger_hash.hpp"

#include <charconv>

#include "store/store.hpp"

namespace stagevote::store {
namespace {

void append_netstring(std::string& out, std::string_view bytes) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, bytes.size()).ptr;
  out.append(digits, end);
  out.push_back(':');
  out.append(bytes);
  out.push_back(',');
}

void append_netstring(std::string& out, std::int64_t number) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  append_netstring(out, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace

void encode_ledger_fields(const LedgerFields& fields, std::string& out) {
  out.clear();
  append_netstring(out, fields.prev_hash);
  append_netstring(out, fields.seq);
  append_netstring(out, fields.ts);
  append_netstring(out, fields.kind);
  append_netstring(out, fields.actor);
  append_netstring(out, fields.payload);
}

LedgerHasher::LedgerHasher() {
  // Fetched once: EVP_sha256() would look the algorithm up again on every init.
  sha256_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  context_ = EVP_MD_CTX_new();
  if (sha256_ == nullptr || context_ == nullptr) {
    EVP_MD_free(sha256_);
    EVP_MD_CTX_free(context_);
    throw StoreError("OpenSSL: SHA-256 is not available");
  }
}

LedgerHasher::~LedgerHasher() {
  EVP_MD_CTX_free(context_);
  EVP_MD_free(sha256_);
}

void LedgerHasher::hash(const LedgerFields& fields, std::string& hex_out) {
  encode_ledger_fields(fields, encoding_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(context_, sha256_, nullptr) != 1 ||
      EVP_DigestUpdate(context_, encoding_.data(), encoding_.size()) != 1 ||
      EVP_DigestFinal_ex(context_, digest, &length) != 1) {
    throw StoreError("OpenSSL: SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  hex_out.resize(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex_out[2 * i] = kHex[digest[i] >> 4];
    hex_out[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
}

std::string LedgerHasher::hash(const LedgerFields& fields) {
  std::string hex;
  hash(fields, hex);
  return hex;
}

}  // namespace stagevote::store
