#pragma once
// Rebuilding a show from its database: the contest from meta `contest`, then every ledger
// record replayed through Show::apply at its recorded time. Because the ledger order is the
// application order, the rebuilt show equals the one that wrote the file.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/show.hpp"
#include "store/store.hpp"

namespace stagevote::engine {

// The meta key holding the contest JSON (core::contest_to_json with tokens).
inline constexpr const char* kContestMetaKey = "contest";

struct RestoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Whether the database already holds a contest.
bool has_contest(const store::Store& store);

// Makes sure the database holds a contest: with `demo`, an empty database gets the bundled
// demo contest with fresh judge tokens. Throws RestoreError if there is none and no demo.
void ensure_contest(store::Store& store, bool demo);

// The contest stored in the database. Throws RestoreError if it is missing or invalid.
core::Contest load_contest(const store::Store& store);

// The reply a request got, kept beside its ledger record (exactly-once requests).
struct DurableReply {
  std::string actor;
  std::string request_id;
  std::string text;
};

struct Restored {
  core::Contest contest;  // as defined; the show holds the running orders as they are now
  core::Show show;
  std::vector<DurableReply> replies;
};

// The show as the ledger left it. Throws RestoreError naming the first record that does not
// decode or that the show rejects (a ledger the core cannot replay is corrupt).
Restored restore(const store::Store& store);

}  // namespace stagevote::engine
