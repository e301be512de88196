#pragma once
// The database schema and its migrations, keyed on PRAGMA user_version.
#include "store/sqlite.hpp"

namespace stagevote::store {

// Brings the file up to kSchemaVersion, one step per transaction. Throws StoreError when
// the file was written by a newer build (a higher user_version than we know).
void migrate(sqlite::Connection& db);

// The file's PRAGMA user_version.
int schema_version_of(sqlite::Connection& db);

}  // namespace stagevote::store
