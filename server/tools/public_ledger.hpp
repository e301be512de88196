#pragma once
// The public ledger: every record of the ledger with its hash inputs and hashes, and the
// results as published, for anyone to check without the database (which holds the judges'
// tokens and other secrets). Phones vote as their keyed pseudonym (engine::device_pseudonym),
// so no record holds a device token and every record's hash recomputes from the file; judges
// appear by id, and their tokens only as the SHA-256 the contest record has always held.
// `stagevote verify --public FILE --head HASH` recomputes the chain up to the published head and
// every result from the replayed records. docs/data.md, "Public audit", has the format.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stagevote::store {
class Store;
}

namespace stagevote::tools {

// The file's text (JSON, one record per line). A vote record of a ledger written before phones
// voted as pseudonyms names the phone by its token: the token is replaced by its pseudonym and
// the record marked "redacted" (its hash then cannot be recomputed: verify --public says so).
// Throws engine::RestoreError if the ledger does not replay.
std::string export_public_ledger(const store::Store& store, std::string_view pseudonym_key);

struct PublicVerifyReport {
  bool ok = true;
  std::int64_t records = 0;
  std::int64_t broken_seq = 0;  // the first record whose chain or hash fails (0: none)
  std::string reason;
  std::string head_hash;             // of the file's last record
  std::int64_t head_seq = 0;         // the record the given --head names (0: none given)
  std::vector<std::string> results;  // the recomputed results, one printable line each
  std::vector<std::string> notes;
};

// `head`: the head printed on the 公示 or shown on the screen (12 to 64 hex digits).
PublicVerifyReport verify_public_ledger(const std::string& text,
                                        const std::optional<std::string>& head);

}  // namespace stagevote::tools
