#include "store/schema.hpp"

#include <array>
#include <string>

namespace stagevote::store {
namespace {

// Step N takes a file from user_version N-1 to N. Never edit a released step: add one.
//
// votes.seq is an immediate foreign key on purpose: a deferred one would make every ledger
// insert scan the votes table for children while a violation is outstanding (there is no index
// on votes.seq), which turns a flood of votes quadratic. The triggers make the ledger and the vote
// table append-only inside the database itself.
constexpr const char* kStep1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE ledger (
  seq       INTEGER PRIMARY KEY,
  ts        INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  payload   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE TABLE votes (
  poll   TEXT NOT NULL,
  device TEXT NOT NULL,
  choice TEXT NOT NULL,
  seq    INTEGER NOT NULL REFERENCES ledger(seq),
  ts     INTEGER NOT NULL,
  UNIQUE (poll, device)
);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER votes_no_update BEFORE UPDATE ON votes
  BEGIN SELECT RAISE(ABORT, 'votes are append-only'); END;
CREATE TRIGGER votes_no_delete BEFORE DELETE ON votes
  BEGIN SELECT RAISE(ABORT, 'votes are append-only'); END;
)sql";

// The request that made a record and its reply (exactly-once requests, docs/protocol.md).
// Beside the record, not in its hash: they are the transport's bookkeeping, not the show.
constexpr const char* kStep2 = R"sql(
ALTER TABLE ledger ADD COLUMN request_id TEXT;
ALTER TABLE ledger ADD COLUMN reply TEXT;
)sql";

// A rating poll's vote (scoring.audience_mode rating) keeps its 1..10 beside the entry it
// rates, so that a recount can read the ratings from the table as it reads choices; NULL for a
// choice vote.
constexpr const char* kStep3 = R"sql(
ALTER TABLE votes ADD COLUMN rating INTEGER;
)sql";

constexpr std::array<const char*, kSchemaVersion> kSteps = {kStep1, kStep2, kStep3};

}  // namespace

int schema_version_of(sqlite::Connection& db) {
  return static_cast<int>(db.query_int("PRAGMA user_version"));
}

void migrate(sqlite::Connection& db) {
  int version = schema_version_of(db);
  if (version > kSchemaVersion) {
    throw StoreError(db.path() + ": schema version " + std::to_string(version) +
                     " is newer than this build knows (" + std::to_string(kSchemaVersion) +
                     "); use a newer stagevote");
  }
  if (version < 0) {
    throw StoreError(db.path() + ": invalid schema version " + std::to_string(version));
  }
  for (; version < kSchemaVersion; ++version) {
    // IMMEDIATE: two processes opening a fresh file must not both run the same step.
    db.exec("BEGIN IMMEDIATE");
    try {
      if (schema_version_of(db) == version) {
        db.exec(kSteps[static_cast<std::size_t>(version)]);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
      }
      db.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

}  // namespace stagevote::store
