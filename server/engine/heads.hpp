#pragma once
// Published heads: beside the database, `<db>.heads` gets a line at every reveal with the time
// and the ledger's head at that moment ("2026-12-02T20:15:03Z 812 5c1f…"). A copy of it (or
// the head on the screen or an export) lets `stagevote verify` prove that nothing up to that
// head changed: a cut tail or a re-hashed ledger no longer holds it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/store.hpp"

namespace stagevote::engine {

std::string heads_path(const std::string& db);

// Appends (and syncs) one line; errors are reported, not thrown: the ledger is what counts.
void append_head(const std::string& db, core::Millis at, const store::LedgerHead& head);

struct PublishedHead {
  std::string when;
  std::int64_t seq = 0;
  std::string hash;
};
// Every line of the heads file (none if it does not exist); lines that do not parse are kept
// with seq 0, so that verify can name them.
std::vector<PublishedHead> read_heads(const std::string& db);

// The short form shown on screens and exports: the first 12 hex digits (48 bits).
inline constexpr std::size_t kShortHashDigits = 12;
inline std::string short_hash(const std::string& hash) {
  return hash.substr(0, kShortHashDigits);
}

}  // namespace stagevote::engine
