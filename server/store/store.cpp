// The Store facade: opens and migrates the file, owns the writer (group commit) and a second
// connection for the synchronous reads and settings.
#include "store/store.hpp"

#include <future>

#include "store/checkpointer.hpp"
#include "store/connection_setup.hpp"
#include "store/group_commit.hpp"
#include "store/ledger_writer.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace stagevote::store {
namespace {

sqlite::Connection& open_writer(sqlite::Connection& db) {
  configure_writer(db);
  migrate(db);
  return db;
}

sqlite::Connection& open_reader(sqlite::Connection& db) {
  configure_reader(db);
  return db;
}

}  // namespace

// Member order is construction order: the writer connection is set up and migrated before
// anything prepares a statement, and the committer (declared last) is stopped first.
struct Store::Impl {
  Impl(const std::string& path_, const StoreOptions& options)
      : path(path_),
        writer_db(path, sqlite::Connection::Mode::read_write_create),
        ledger_writer(open_writer(writer_db), options.fail_commit),
        reader_db(path, sqlite::Connection::Mode::read_write),
        get_meta(open_reader(reader_db), "SELECT value FROM meta WHERE key = ?1"),
        set_meta(reader_db,
                 "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        records(reader_db, kSelectRecords),
        record_count(reader_db, "SELECT count(*) FROM ledger"),
        records_other_than(reader_db, "SELECT count(*) FROM ledger WHERE kind != ?1"),
        votes_of_poll(
            reader_db,
            "SELECT poll, device, choice, rating FROM votes WHERE poll = ?1 ORDER BY seq"),
        schema_version(reader_db, "PRAGMA user_version"),
        checkpointer(path, options.checkpoint_pages, options.wal_limit_pages),
        committer(ledger_writer, options.max_batch) {
    checkpointer.watch(writer_db);
  }

  const std::string path;
  sqlite::Connection writer_db;  // the writer thread's, once construction is over
  LedgerWriter ledger_writer;

  // The synchronous calls share one connection and its statements, one caller at a time.
  // Recursive, so that a for_each_record visitor may read settings or votes.
  mutable std::recursive_mutex reader_mutex;
  bool visiting_records = false;  // guarded by reader_mutex
  sqlite::Connection reader_db;
  sqlite::Statement get_meta;
  sqlite::Statement set_meta;
  sqlite::Statement records;
  sqlite::Statement record_count;
  sqlite::Statement records_other_than;
  sqlite::Statement votes_of_poll;
  sqlite::Statement schema_version;

  Checkpointer checkpointer;  // stopped after the committer, before the connections close
  GroupCommitter committer;
};

Store::Store(const std::string& path) : Store(path, StoreOptions{}) {}

Store::Store(const std::string& path, const StoreOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}

Store::~Store() = default;

int Store::schema_version() const {
  std::lock_guard lock(impl_->reader_mutex);
  sqlite::ResetOnExit reset(impl_->schema_version);
  impl_->schema_version.step();
  return static_cast<int>(impl_->schema_version.column_int(0));
}

std::optional<std::string> Store::get_meta(const std::string& key) const {
  std::lock_guard lock(impl_->reader_mutex);
  sqlite::Statement& query = impl_->get_meta;
  sqlite::ResetOnExit reset(query);
  query.bind_text_static(1, key);
  if (!query.step()) return std::nullopt;
  return query.column_text(0);
}

void Store::set_meta(const std::string& key, const std::string& value) {
  std::lock_guard lock(impl_->reader_mutex);
  sqlite::Statement& upsert = impl_->set_meta;
  sqlite::ResetOnExit reset(upsert);
  upsert.bind_text_static(1, key);
  upsert.bind_text_static(2, value);
  upsert.step();
}

void Store::for_each_record(const std::function<void(const LedgerRecord&)>& visit) const {
  std::lock_guard lock(impl_->reader_mutex);
  if (impl_->visiting_records) throw StoreError("for_each_record cannot be nested");
  sqlite::Statement& query = impl_->records;
  sqlite::ResetOnExit reset(query);
  impl_->visiting_records = true;
  struct ClearFlag {
    bool& flag;
    ~ClearFlag() { flag = false; }
  } clear_flag{impl_->visiting_records};
  LedgerRecord record;
  while (query.step()) {
    read_record(query, record);
    visit(record);
  }
}

void read_record(const sqlite::Statement& row, LedgerRecord& record) {
  record.seq = row.column_int(0);
  record.ts = row.column_int(1);
  record.kind = row.column_view(2);
  record.actor = row.column_view(3);
  record.payload = row.column_view(4);
  record.prev_hash = row.column_view(5);
  record.hash = row.column_view(6);
  record.request_id = row.column_view(7);
  record.reply = row.column_view(8);
}

std::int64_t Store::record_count() const {
  std::lock_guard lock(impl_->reader_mutex);
  sqlite::ResetOnExit reset(impl_->record_count);
  impl_->record_count.step();
  return impl_->record_count.column_int(0);
}

std::int64_t Store::records_other_than(const std::string& kind) const {
  std::lock_guard lock(impl_->reader_mutex);
  sqlite::ResetOnExit reset(impl_->records_other_than);
  impl_->records_other_than.bind_text_static(1, kind);
  impl_->records_other_than.step();
  return impl_->records_other_than.column_int(0);
}

std::vector<VoteRow> Store::votes_of_poll(const std::string& poll) const {
  std::lock_guard lock(impl_->reader_mutex);
  sqlite::Statement& query = impl_->votes_of_poll;
  sqlite::ResetOnExit reset(query);
  query.bind_text_static(1, poll);
  std::vector<VoteRow> rows;
  while (query.step()) {
    rows.push_back({query.column_text(0), query.column_text(1), query.column_text(2),
                    static_cast<int>(query.column_int(3))});
  }
  return rows;
}

void Store::append(LedgerWrite write, Done done) {
  impl_->committer.push({std::move(write), std::move(done), false});
}

void Store::barrier(Done done) {
  impl_->committer.push({{}, std::move(done), true});
}

void Store::flush() {
  // Must not be called from a completion: that runs on the writer thread, which would wait
  // for itself.
  std::promise<void> committed;
  auto future = committed.get_future();
  barrier([&committed](bool) { committed.set_value(); });
  future.wait();
}

LedgerHead Store::head() const {
  return impl_->committer.head();
}

const std::string& Store::path() const noexcept {
  return impl_->path;
}

bool Store::failed() const {
  return impl_->committer.failed();
}

std::string Store::failure() const {
  return impl_->committer.failure();
}

StoreStats Store::stats() const {
  StoreStats stats = impl_->committer.stats();
  stats.checkpoints = impl_->checkpointer.checkpoints();
  return stats;
}

}  // namespace stagevote::store
