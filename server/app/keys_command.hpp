#pragma once
// `stagevote keys --db FILE --reset-host-key`: a new host key (and with it a new display key)
// for a database, printed once; only their hashes are stored (engine/key_hash.hpp). Refused
// while a server holds the database (app/database_lock.hpp): a running server would go on
// taking the old key. Returns the exit code (0 done, 1 refused or failed, 2 bad usage).
#include <string>
#include <vector>

namespace stagevote::app {

int run_keys(const std::vector<std::string>& args);

}  // namespace stagevote::app
