#pragma once
// The hash that chains ledger records: hex SHA-256 over a canonical encoding of
// (prev_hash, seq, ts, kind, actor, payload). Each field is written as a netstring,
// "<decimal byte length>:<bytes>,", so no two different records encode the same bytes
// whatever their text contains.
#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace stagevote::store {

struct LedgerFields {
  std::string_view prev_hash;
  std::int64_t seq = 0;
  std::int64_t ts = 0;
  std::string_view kind;
  std::string_view actor;
  std::string_view payload;
};

// Reusable hasher: keeps the fetched digest, its context and the encoding buffer, so hashing
// a record allocates nothing once warm. Not thread-safe: one per thread.
class LedgerHasher {
 public:
  LedgerHasher();
  ~LedgerHasher();
  LedgerHasher(const LedgerHasher&) = delete;
  LedgerHasher& operator=(const LedgerHasher&) = delete;

  // Writes the 64 lowercase hex digits into `hex_out` (resized to 64).
  void hash(const LedgerFields& fields, std::string& hex_out);
  std::string hash(const LedgerFields& fields);

 private:
  EVP_MD* sha256_ = nullptr;
  EVP_MD_CTX* context_ = nullptr;
  std::string encoding_;
};

// The canonical bytes that are hashed (exposed for tests and documentation).
void encode_ledger_fields(const LedgerFields& fields, std::string& out);

}  // namespace stagevote::store
