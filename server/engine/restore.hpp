#pragma once
// Rebuilding a show from its database: the contest from meta `contest`, then every ledger
// record replayed through Show::apply at its recorded time. Because the ledger order is the
// application order, the rebuilt show equals the one that wrote the file.
#include <stdexcept>

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

// The contest stored in the database. Throws RestoreError if it is missing or invalid.
core::Contest load_contest(const store::Store& store);

// The show as the ledger left it. Throws RestoreError naming the first record that does not
// decode or that the show rejects (a ledger the core cannot replay is corrupt).
core::Show restore(const store::Store& store);

}  // namespace stagevote::engine
