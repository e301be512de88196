#include <catch2/catch.hpp>

#include "store/ledger_hash.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace stagevote::store;
using stagevote::store::test::command_write;
using stagevote::store::test::RawDb;
using stagevote::store::test::TempDir;

namespace {
// A ledger of 40 host commands, seq 1..40, written and closed.
std::string write_ledger(const TempDir& dir) {
  const std::string path = dir.file("show.db");
  Store store(path);
  for (int i = 1; i <= 40; ++i) {
    store.append(command_write("show", R"({"scene":"s)" + std::to_string(i) + "\"}", 1000 + i),
                 nullptr);
  }
  return path;
}
}  // namespace

TEST_CASE("verify_chain accepts a ledger the store wrote", "[store][chain]") {
  TempDir dir;
  const std::string path = write_ledger(dir);
  ChainCheck check = Store::verify_chain(path);
  CHECK(check.ok);
  CHECK(check.records == 40);
  CHECK(check.first_bad_seq == 0);
  CHECK(check.reason.empty());

  SECTION("also while the store has the file open and is writing") {
    Store store(path);
    store.append(command_write("reveal", "{}"), nullptr);
    store.flush();
    check = Store::verify_chain(path);
    CHECK(check.ok);
    CHECK(check.records == 41);
  }
}

TEST_CASE("verify_chain names the first record edited behind the store's back", "[store][chain]") {
  TempDir dir;
  const std::string path = write_ledger(dir);

  // What a tamperer does with the sqlite3 tool: remove the guard, then edit.
  struct Tamper {
    const char* what;
    const char* sql;
    std::int64_t first_bad_seq;
    const char* reason;
  };
  auto tamper = GENERATE(values<Tamper>({
      {"a payload is changed", "UPDATE ledger SET payload = '{\"scene\":\"x\"}' WHERE seq = 17", 17,
       "hash does not match"},
      {"a hash is changed", "UPDATE ledger SET hash = lower(hex(randomblob(32))) WHERE seq = 20",
       20, "hash does not match"},
      {"a timestamp is changed", "UPDATE ledger SET ts = 5 WHERE seq = 9", 9,
       "hash does not match"},
      {"a prev_hash is changed", "UPDATE ledger SET prev_hash = '' WHERE seq = 2", 2,
       "prev_hash does not match"},
      {"a record is deleted", "DELETE FROM ledger WHERE seq = 30", 31, "missing"},
      {"the last record is re-sequenced", "UPDATE ledger SET seq = 41 WHERE seq = 40", 41,
       "missing"},
  }));
  INFO(tamper.what);
  RawDb raw(path);
  raw.exec_or_throw("DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;");
  raw.exec_or_throw(tamper.sql);

  ChainCheck check = Store::verify_chain(path);
  CHECK_FALSE(check.ok);
  CHECK(check.first_bad_seq == tamper.first_bad_seq);
  CHECK_THAT(check.reason, Catch::Contains(tamper.reason));
  CHECK_THAT(check.reason, Catch::Contains("seq " + std::to_string(tamper.first_bad_seq)));
}

TEST_CASE("verify_chain finds a record whose hash was recomputed after an edit", "[store][chain]") {
  TempDir dir;
  const std::string path = write_ledger(dir);
  // The tamperer knows the hash function and rewrites seq 12 with a matching hash: the record
  // checks out on its own, but seq 13 still points at the old hash.
  RawDb raw(path);
  const std::string prev_hash = raw.query_text("SELECT prev_hash FROM ledger WHERE seq = 12");
  const std::string forged_payload = R"({"scene":"forged"})";
  LedgerHasher hasher;
  const std::string forged_hash =
      hasher.hash({prev_hash, 12, 1012, "show", "host", forged_payload});
  raw.exec_or_throw("DROP TRIGGER ledger_no_update");
  raw.exec_or_throw("UPDATE ledger SET payload = '" + forged_payload + "', hash = '" + forged_hash +
                    "' WHERE seq = 12");

  ChainCheck check = Store::verify_chain(path);
  CHECK_FALSE(check.ok);
  CHECK(check.first_bad_seq == 13);
  CHECK_THAT(check.reason, Catch::Contains("prev_hash does not match"));
  CHECK(check.records == 12);
}

TEST_CASE("verify_chain refuses a file that is not a store", "[store][chain]") {
  TempDir dir;
  CHECK_THROWS_AS(Store::verify_chain(dir.file("missing.db")), StoreError);
}
