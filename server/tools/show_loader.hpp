#pragma once
// The show a database holds: its contest, and its ledger replayed. The tools read the same
// file the server wrote, after (or during) the show.
#include <stdexcept>
#include <string>

#include "core/show.hpp"
#include "store/store.hpp"

namespace stagevote::tools {

struct LoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The contest in meta `contest`; throws LoadError if it is missing or invalid.
core::Contest load_contest(const store::Store& store);

// The contest with every ledger record applied at its time; throws LoadError naming the first
// record that does not decode or replay.
core::Show load_show(const store::Store& store);

}  // namespace stagevote::tools
