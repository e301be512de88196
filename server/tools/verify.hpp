#pragma once
// `stagevote verify`: is this database the one the show wrote? Recomputes the ledger's hash
// chain, checks the votes table against the ledger's vote records, optionally checks that a
// published head hash and contest hash (printed on every export) are still there.
#include <cstdint>
#include <optional>
#include <string>

namespace stagevote::tools {

struct VerifyOptions {
  std::optional<std::string> head;     // a published ledger head hash that must be in the chain
  std::optional<std::string> contest;  // a published contest hash that must match meta `contest`
};

struct VerifyReport {
  bool ok = true;
  std::int64_t records = 0;
  std::int64_t broken_seq = 0;  // the first broken record (0: none, or not a record's fault)
  std::string reason;           // why it is broken
  std::string head_hash;        // of the last record
  std::string contest_hash;     // SHA-256 of the stored contest JSON ("" if none)
  std::string note;             // e.g. "the published head is seq 812; 3 records follow it"
};

// Throws std::runtime_error if the file cannot be opened as a stagevote database.
VerifyReport verify_database(const std::string& path, const VerifyOptions& options = {});

// Hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

}  // namespace stagevote::tools
