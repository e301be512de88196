#pragma once
// The durable side of a show: one SQLite file (WAL, synchronous=FULL) holding the contest,
// settings and an append-only, hash-chained ledger of every vote, score revision and host
// action. Writes go through one writer thread that commits many of them per transaction
// (group commit); each write's completion runs only after its transaction is committed, so
// callers acknowledge only what is on disk. Network threads never wait on SQLite.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace stagevote::store {

// Thrown by open() and the synchronous calls when the file cannot be used.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr int kSchemaVersion = 3;

// A vote's key: the `votes` table holds one row per (poll, device), enforced by a UNIQUE
// constraint in the database itself.
struct VoteRow {
  std::string poll;
  std::string device;
  std::string choice;  // "" for a rating vote, as in its ledger record (its poll has one entry)
  int rating = 0;      // a rating poll's 1..10 (NULL in the table for a choice vote)

  bool operator==(const VoteRow&) const = default;
};

// A settings row (the meta table) written in the same transaction as a ledger record, so that
// the two are committed together or not at all (a reissued judge token and its record).
struct Setting {
  std::string key;
  std::string value;
};

struct LedgerWrite {
  std::int64_t ts = 0;               // ms since epoch, given by the caller
  std::string kind;                  // core::command_kind(): "vote", "score", "start_entry", ...
  std::string actor;                 // "host", a judge id, or an audience device token
  std::string payload;               // JSON text of the command (core::command_to_json)
  std::optional<VoteRow> vote = {};  // set for votes: also written to the votes table
  // The id of the request that made this record and the reply it got ("" if none), kept
  // beside the record (outside its hash) so that a retry after a restart gets the same reply.
  std::string request_id = {};
  std::string reply = {};
  std::optional<Setting> setting = {};  // upserted into meta with the record
};

struct LedgerRecord {
  std::int64_t seq = 0;  // 1, 2, 3 ... in commit order == application order
  std::int64_t ts = 0;
  std::string kind;
  std::string actor;
  std::string payload;
  std::string prev_hash;   // hex SHA-256 of the record before ("" for the first)
  std::string hash;        // hex SHA-256 over prev_hash, seq, ts, kind, actor, payload
  std::string request_id;  // "" if none (see LedgerWrite)
  std::string reply;
};

// Every ledger record in order: a query that `read_record` reads a row of. For readers that
// open the file themselves (read-only, as `stagevote verify` does) rather than through Store.
inline constexpr const char* kSelectRecords =
    "SELECT seq, ts, kind, actor, payload, prev_hash, hash, request_id, reply FROM ledger "
    "ORDER BY seq";
namespace sqlite {
class Statement;
}
// Fills `record` from the current row of kSelectRecords.
void read_record(const sqlite::Statement& row, LedgerRecord& record);

// The last committed record: what a published head names.
struct LedgerHead {
  std::int64_t seq = 0;  // 0: the ledger is empty
  std::string hash;
};

// Result of checking the hash chain: ok, or the first record that does not match.
struct ChainCheck {
  bool ok = true;
  std::int64_t records = 0;
  std::int64_t first_bad_seq = 0;  // 0 when ok
  std::string reason;
};

// Called on the writer thread once the write is committed (ok=true) or failed (ok=false).
// Keep it short: post the ack to the connection's context. Never call flush() from it. The
// function object (and what it captured) is destroyed afterwards on the store's recycler thread.
//
// Fail-stop: once a commit has failed, the store commits nothing more. That transaction's
// writes, and every write and barrier after it, complete with ok=false: nothing that depends
// on the lost writes can reach the file, which therefore stays a prefix of what was applied.
using Done = std::function<void(bool ok)>;

struct StoreStats {
  std::uint64_t writes = 0;
  std::uint64_t transactions = 0;
  std::uint64_t largest_batch = 0;
  std::uint64_t writer_cpu_ns = 0;  // CPU time used by the writer thread (for benchmarks)
  std::uint64_t checkpoints = 0;    // WAL checkpoints run (by the checkpointer or the writer)
};

// Tuning of the writer and of WAL checkpoints; the defaults are what the server uses.
struct StoreOptions {
  std::size_t max_batch = 50'000;  // queue entries committed in one transaction, at most
  // Once the WAL holds this many pages after a commit, the checkpointer thread copies it into
  // the database (16 MiB of 16 KiB pages), concurrently with the writer.
  int checkpoint_pages = 1024;
  // Should the WAL still reach this size (a flood keeps it from ever restarting), the writer
  // finishes the checkpoint itself between two transactions, so the WAL starts over.
  int wal_limit_pages = 8192;
  // Test seam: the Nth transaction that writes (1, 2, ...) fails as a full disk would, before
  // anything of it reaches the file. 0: never.
  std::uint64_t fail_commit = 0;
};

class Store {
 public:
  // Opens or creates the file, sets WAL + synchronous=FULL, migrates to kSchemaVersion.
  // Throws StoreError with a one-line reason if the file is unusable.
  explicit Store(const std::string& path);
  Store(const std::string& path, const StoreOptions& options);
  ~Store();  // commits everything queued, then stops the writer
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version() const;

  // Settings (contest JSON, host key, device secret ...). Synchronous: start-up and tools only.
  std::optional<std::string> get_meta(const std::string& key) const;
  void set_meta(const std::string& key, const std::string& value);

  // The ledger in seq order. Start-up, tools and tests only (reads on the caller's thread).
  void for_each_record(const std::function<void(const LedgerRecord&)>& visit) const;
  std::int64_t record_count() const;
  // Records whose kind is not `kind` (e.g. commands, not contest records).
  std::int64_t records_other_than(const std::string& kind) const;
  // All rows of the votes table for a poll (for recount).
  std::vector<VoteRow> votes_of_poll(const std::string& poll) const;

  // Queues a write; never blocks on SQLite. `done` runs after commit. Thread-safe.
  // Writes are committed (and get their seq) in the order append() was called.
  void append(LedgerWrite write, Done done);
  // Completes after everything appended before it is committed (acks for duplicates).
  void barrier(Done done);
  // Blocks until everything queued so far is committed.
  void flush();

  StoreStats stats() const;

  // The last committed record (thread-safe; as of the last commit).
  LedgerHead head() const;
  const std::string& path() const noexcept;

  // Whether a commit has failed (the store then commits nothing more), and why.
  bool failed() const;
  std::string failure() const;

  // Recomputes the hash chain of the file at `path`, naming the first broken record.
  static ChainCheck verify_chain(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stagevote::store
