#pragma once
// Writes a batch of ledger writes in one transaction: assigns seqs, extends the hash chain,
// keeps the votes table's one-row-per-(poll, device) rule. Used by the writer thread only.
#include <span>
#include <string>

#include "store/ledger_hash.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace stagevote::store {

// One entry of the write queue: a ledger write, or a barrier (no row, just a completion).
struct PendingWrite {
  LedgerWrite write;
  Done done;
  bool is_barrier = false;
};

class LedgerWriter {
 public:
  // Reads the last seq and hash of the file so that the chain continues where it ended.
  // `fail_commit`: see StoreOptions (test seam; 0: never).
  LedgerWriter(sqlite::Connection& db, std::uint64_t fail_commit = 0);

  // Commits every write of the batch in one transaction (barriers are skipped). Returns false,
  // with the transaction rolled back and the chain state as before, if anything failed.
  // A vote whose (poll, device) already has a row writes nothing: it is already counted.
  //
  // Votes are inserted optimistically (ledger row, then INSERT OR IGNORE of the vote row: one
  // index probe). A repeat shows up as an ignored vote row after its ledger row is written;
  // the transaction is then rolled back and the batch redone with a lookup before each vote.
  bool commit(std::span<PendingWrite> batch);

  // Why the last failed commit failed ("" if none did).
  const std::string& last_error() const { return last_error_; }
  // The last committed record (the writer thread's view; Store::head() is the shared one).
  LedgerHead head() const { return {last_seq_, last_hash_}; }

 private:
  enum class Check { after_insert, before_insert };
  // false: with Check::after_insert, a vote was a repeat and the transaction must be redone.
  bool run_transaction(std::span<PendingWrite> batch, Check check);
  bool write(const LedgerWrite& write, Check check);
  bool vote_exists(const VoteRow& vote);

  sqlite::Connection& db_;
  sqlite::Statement begin_;
  sqlite::Statement commit_;
  sqlite::Statement vote_exists_;
  sqlite::Statement insert_ledger_;
  sqlite::Statement insert_vote_;
  sqlite::Statement upsert_meta_;
  LedgerHasher hasher_;
  std::int64_t last_seq_ = 0;
  std::string last_hash_;
  std::string next_hash_;
  std::string last_error_;
  const std::uint64_t fail_commit_;
  std::uint64_t commits_ = 0;  // transactions with writes attempted so far
};

}  // namespace stagevote::store
