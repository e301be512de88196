#include "store/ledger_writer.hpp"

namespace stagevote::store {

LedgerWriter::LedgerWriter(sqlite::Connection& db, std::uint64_t fail_commit)
    : db_(db),
      // IMMEDIATE takes the write lock up front, so nothing inside the batch can hit SQLITE_BUSY.
      begin_(db, "BEGIN IMMEDIATE"),
      commit_(db, "COMMIT"),
      vote_exists_(db, "SELECT 1 FROM votes WHERE poll = ?1 AND device = ?2"),
      insert_ledger_(db,
                     "INSERT INTO ledger (seq, ts, kind, actor, payload, prev_hash, hash, "
                     "request_id, reply) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
      // OR IGNORE: the UNIQUE (poll, device) constraint tells a new vote from a repeat.
      insert_vote_(db,
                   "INSERT OR IGNORE INTO votes (poll, device, choice, seq, ts, rating) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
      upsert_meta_(db,
                   "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      fail_commit_(fail_commit) {
  sqlite::Statement last(db, "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1");
  if (last.step()) {
    last_seq_ = last.column_int(0);
    last_hash_ = last.column_text(1);
  }
}

bool LedgerWriter::commit(std::span<PendingWrite> batch) {
  if (++commits_ == fail_commit_) {
    last_error_ = "database or disk is full (injected by the test seam StoreOptions::fail_commit)";
    return false;
  }
  const std::int64_t seq_before = last_seq_;
  const std::string hash_before = last_hash_;
  auto roll_back = [&] {
    // Some errors (SQLITE_FULL, SQLITE_IOERR) roll back on their own; roll back the rest.
    if (sqlite3_get_autocommit(db_.handle()) == 0) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    last_seq_ = seq_before;
    last_hash_ = hash_before;
  };
  try {
    if (run_transaction(batch, Check::after_insert)) return true;
    // A repeated vote: its ledger record is already in this transaction and the ledger is
    // append-only. Start the batch again, looking each vote up before writing it. Rare: the
    // core drops repeats before they reach the store, except when a device races itself.
    roll_back();
    if (run_transaction(batch, Check::before_insert)) return true;
    last_error_ = "a vote was neither new nor a repeat";  // unreachable while we are the writer
  } catch (const std::exception& error) {
    last_error_ = error.what();
  } catch (...) {
    last_error_ = "unknown error";
  }
  roll_back();
  return false;
}

bool LedgerWriter::run_transaction(std::span<PendingWrite> batch, Check check) {
  begin_.run();
  for (const PendingWrite& pending : batch) {
    if (!pending.is_barrier && !write(pending.write, check)) return false;
  }
  commit_.run();
  return true;
}

bool LedgerWriter::vote_exists(const VoteRow& vote) {
  sqlite::ResetOnExit reset(vote_exists_);
  vote_exists_.bind_text_static(1, vote.poll);
  vote_exists_.bind_text_static(2, vote.device);
  return vote_exists_.step();
}

bool LedgerWriter::write(const LedgerWrite& write, Check check) {
  // A device that already voted in this poll (in an earlier batch or earlier in this one) is
  // already counted: neither its ledger record nor its vote row is written again. Only this
  // thread writes, inside BEGIN IMMEDIATE, so the check cannot race with another insert.
  if (check == Check::before_insert && write.vote && vote_exists(*write.vote)) return true;

  const std::int64_t seq = last_seq_ + 1;
  hasher_.hash({last_hash_, seq, write.ts, write.kind, write.actor, write.payload}, next_hash_);
  {
    sqlite::ResetOnExit reset(insert_ledger_);
    insert_ledger_.bind(1, seq);
    insert_ledger_.bind(2, write.ts);
    insert_ledger_.bind_text_static(3, write.kind);
    insert_ledger_.bind_text_static(4, write.actor);
    insert_ledger_.bind_text_static(5, write.payload);
    insert_ledger_.bind_text_static(6, last_hash_);
    insert_ledger_.bind_text_static(7, next_hash_);
    insert_ledger_.bind_text_or_null(8, write.request_id);
    insert_ledger_.bind_text_or_null(9, write.reply);
    insert_ledger_.step();
  }
  if (write.vote) {
    // The ledger row goes first: votes.seq is a foreign key to it, checked at once.
    sqlite::ResetOnExit reset(insert_vote_);
    insert_vote_.bind_text_static(1, write.vote->poll);
    insert_vote_.bind_text_static(2, write.vote->device);
    insert_vote_.bind_text_static(3, write.vote->choice);
    insert_vote_.bind(4, seq);
    insert_vote_.bind(5, write.ts);
    insert_vote_.bind_int_or_null(6, write.vote->rating);
    insert_vote_.step();
    if (db_.changes() == 0) return false;  // a repeat: the caller starts over
  }
  if (write.setting) {
    sqlite::ResetOnExit reset(upsert_meta_);
    upsert_meta_.bind_text_static(1, write.setting->key);
    upsert_meta_.bind_text_static(2, write.setting->value);
    upsert_meta_.step();
  }
  last_seq_ = seq;
  last_hash_.swap(next_hash_);
  return true;
}

}  // namespace stagevote::store
