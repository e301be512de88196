// Store::verify_chain: recomputes the ledger's hash chain from the file alone.
#include <string>

#include "store/ledger_hash.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace stagevote::store {

ChainCheck Store::verify_chain(const std::string& path) {
  sqlite::Connection db(path, sqlite::Connection::Mode::read_only);
  db.exec("PRAGMA busy_timeout = 5000");
  sqlite::Statement records(
      db, "SELECT seq, ts, kind, actor, payload, prev_hash, hash FROM ledger ORDER BY seq");

  ChainCheck check;
  LedgerHasher hasher;
  std::string previous_hash;  // "" before the first record
  std::string expected_hash;
  std::int64_t expected_seq = 1;
  auto broken = [&check](std::int64_t seq, std::string reason) {
    check.ok = false;
    check.first_bad_seq = seq;
    check.reason = std::move(reason);
    return check;
  };
  while (records.step()) {
    const std::int64_t seq = records.column_int(0);
    const std::string_view prev_hash = records.column_view(5);
    const std::string_view hash = records.column_view(6);
    if (seq != expected_seq) {
      return broken(seq, "seq " + std::to_string(seq) + " follows seq " +
                             std::to_string(expected_seq - 1) + " (records are missing)");
    }
    if (prev_hash != previous_hash) {
      return broken(seq, "seq " + std::to_string(seq) +
                             ": prev_hash does not match the hash of the record before");
    }
    hasher.hash({prev_hash, seq, records.column_int(1), records.column_view(2),
                 records.column_view(3), records.column_view(4)},
                expected_hash);
    if (hash != expected_hash) {
      return broken(seq,
                    "seq " + std::to_string(seq) + ": hash does not match the record's contents");
    }
    previous_hash = hash;
    ++check.records;
    ++expected_seq;
  }
  return check;
}

}  // namespace stagevote::store
