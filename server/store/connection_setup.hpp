#pragma once
// How every connection of the store is set up (WAL, synchronous=FULL, busy timeout, foreign
// keys), and the checks that turn an unusable file into a one-line StoreError.
#include "store/sqlite.hpp"

namespace stagevote::store {

// How long a connection waits for another one's lock before reporting SQLITE_BUSY.
inline constexpr int kBusyTimeoutMs = 5000;

// For the connection that writes: refuses read-only files and files that are not SQLite
// databases, switches to WAL and synchronous=FULL, and sets the store's cache sizes.
void configure_writer(sqlite::Connection& db);

// For the connection that serves synchronous reads and settings.
void configure_reader(sqlite::Connection& db);

}  // namespace stagevote::store
