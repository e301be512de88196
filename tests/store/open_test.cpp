#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "store/connection_setup.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace stagevote::store;
using stagevote::store::test::command_write;
using stagevote::store::test::RawDb;
using stagevote::store::test::TempDir;
using stagevote::store::test::vote_write;

TEST_CASE("A fresh file is migrated to the current schema", "[store][open]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  {
    Store store(path);
    CHECK(store.schema_version() == kSchemaVersion);
    CHECK(store.record_count() == 0);
  }
  RawDb raw(path);
  CHECK(raw.query_int("PRAGMA user_version") == kSchemaVersion);
  for (const char* table : {"meta", "ledger", "votes"}) {
    INFO(table);
    CHECK(raw.query_int(std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                    "AND name = '") +
                        table + "'") == 1);
  }
  CHECK(raw.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == 4);
}

TEST_CASE("Reopening a store keeps its settings, ledger and votes", "[store][open]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  {
    Store store(path);
    store.set_meta("contest", R"({"title":"Spring show"})");
    store.set_meta("host_key", "k1");
    store.set_meta("host_key", "k2");  // settings are replaced, not appended
    store.append(command_write("start_entry", R"({"entry":"e1"})"), nullptr);
    store.append(vote_write("p1", "dev-a", "e1"), nullptr);
    store.append(vote_write("p1", "dev-b", "e2"), nullptr);
  }  // the destructor commits what is queued

  Store store(path);
  CHECK(store.get_meta("contest") == R"({"title":"Spring show"})");
  CHECK(store.get_meta("host_key") == "k2");
  CHECK_FALSE(store.get_meta("missing").has_value());
  CHECK(store.record_count() == 3);
  CHECK(store.votes_of_poll("p1").size() == 2);

  SECTION("new writes continue the seq and the hash chain") {
    store.append(command_write("reveal", R"({"entry":"e1"})"), nullptr);
    store.flush();
    std::vector<LedgerRecord> records;
    store.for_each_record([&](const LedgerRecord& record) { records.push_back(record); });
    REQUIRE(records.size() == 4);
    CHECK(records[3].seq == 4);
    CHECK(records[3].prev_hash == records[2].hash);
    CHECK(Store::verify_chain(path).ok);
  }
}

TEST_CASE("The store writes through a write-ahead log synced at every commit", "[store][open]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  Store store(path);
  store.append(command_write("show", R"({"scene":"intro"})"), nullptr);
  store.flush();

  // journal_mode=WAL is a property of the file: any other connection sees it.
  RawDb raw(path);
  CHECK(raw.query_text("PRAGMA journal_mode") == "wal");

  // synchronous is per connection; the store's writer is set up by configure_writer.
  sqlite::Connection writer(path, sqlite::Connection::Mode::read_write);
  configure_writer(writer);
  CHECK(writer.query_int("PRAGMA synchronous") == 2);  // FULL
  CHECK(writer.query_int("PRAGMA foreign_keys") == 1);
  CHECK(writer.query_int("PRAGMA busy_timeout") == kBusyTimeoutMs);
}

namespace {
std::string open_error(const std::string& path) {
  try {
    Store store(path);
  } catch (const StoreError& error) {
    return error.what();
  }
  return "";
}
}  // namespace

TEST_CASE("A file the store cannot use is refused with a one-line reason", "[store][open]") {
  TempDir dir;
  std::string error;
  SECTION("a file that is not a SQLite database") {
    const std::string path = dir.file("notes.txt");
    std::ofstream(path) << "These are my notes for the show, not a database at all.\n"
                        << std::string(4096, 'x');
    error = open_error(path);
    CHECK_THAT(error, Catch::Contains("not a database"));
  }
  SECTION("a file written by a newer schema") {
    const std::string path = dir.file("future.db");
    { Store store(path); }
    RawDb(path).exec_or_throw("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
    error = open_error(path);
    CHECK_THAT(error, Catch::Contains("newer than this build"));
  }
  SECTION("a file opened read-only") {
    const std::string path = dir.file("show.db");
    { Store store(path); }
    error = open_error("file:" + path + "?mode=ro");
    CHECK_THAT(error, Catch::Contains("read-only"));
  }
  SECTION("a file without write permission") {
    if (::geteuid() == 0) {
      WARN("running as root: file permissions do not apply, skipped");
      return;
    }
    const std::string path = dir.file("show.db");
    { Store store(path); }
    std::filesystem::permissions(path, std::filesystem::perms::owner_read);
    error = open_error(path);
    CHECK_THAT(error, Catch::Contains("read-only"));
  }
  SECTION("a path that cannot be opened") {
    error = open_error(dir.file("no-such-directory/show.db"));
    CHECK_THAT(error, Catch::Contains("unable to open"));
  }
  INFO(error);
  CHECK_FALSE(error.empty());
  CHECK(error.find('\n') == std::string::npos);
}

TEST_CASE("A record visitor may read settings and votes but not nest another walk",
          "[store][reads]") {
  TempDir dir;
  Store store(dir.file("show.db"));
  store.set_meta("contest", "{}");
  store.append(vote_write("p1", "dev-a", "e1"), nullptr);
  store.flush();
  int visited = 0;
  store.for_each_record([&](const LedgerRecord& record) {
    ++visited;
    CHECK(store.get_meta("contest") == "{}");
    CHECK(store.votes_of_poll("p1").size() == 1);
    CHECK(store.record_count() == 1);
    CHECK_THROWS_AS(store.for_each_record([](const LedgerRecord&) {}), StoreError);
  });
  CHECK(visited == 1);
  // The walk is usable again afterwards.
  store.for_each_record([&](const LedgerRecord&) { ++visited; });
  CHECK(visited == 2);
}
