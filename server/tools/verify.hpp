#pragma once
// `stagevote verify`: is this database the one the show wrote? Recomputes the ledger's hash
// chain; checks the votes table against the ledger's vote records, and the contest in the
// settings against the ledger's contest record (so swapped weights are caught); recomputes
// every result from the ledger alone; checks that every head published beside the file
// (`<db>.heads`, one per reveal) and a published head hash and contest hash (printed on every
// export) are still there, and lists what came after a published head.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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
  // What the ledger alone gives: per round, its entries and how many are revealed.
  std::vector<std::string> results;        // "prelim: 24 entries, 18 revealed"
  std::map<std::string, long> after_head;  // records after the published head, by kind
  long published_heads = 0;                // lines of <db>.heads checked
};

// Throws std::runtime_error if the file cannot be opened as a stagevote database.
VerifyReport verify_database(const std::string& path, const VerifyOptions& options = {});

}  // namespace stagevote::tools
