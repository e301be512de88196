#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "played_show.hpp"
#include "store/store.hpp"
#include "tools/exporters.hpp"
#include "tools/recount.hpp"
#include "tools/verify.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

// What someone with the file and the sqlite3 shell could do: drop the append-only triggers
// and edit rows behind the server's back.
void tamper(const std::string& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(handle);
  REQUIRE(rc == SQLITE_OK);
}

std::int64_t seq_of(const std::string& db, const std::string& where) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  const std::string sql = "SELECT seq FROM ledger WHERE " + where + " ORDER BY seq LIMIT 1";
  REQUIRE(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  std::int64_t seq = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return seq;
}

}  // namespace

TEST_CASE("verify passes on the file the show wrote", "[verify]") {
  PlayedShow played;
  std::int64_t records = 0;
  std::string head;
  {
    store::Store store(played.db);
    records = store.record_count();
    head = ledger_seal(store).head_hash;
  }
  VerifyReport report = verify_database(played.db);
  CHECK(report.ok);
  CHECK(report.records == records);
  CHECK(report.head_hash == head);
  CHECK(report.contest_hash.size() == 64);

  SECTION("with the head hash and contest hash printed on an export") {
    CHECK(verify_database(played.db, {head, report.contest_hash}).ok);
  }
  SECTION("a head hash that is not in the ledger fails") {
    VerifyReport wrong = verify_database(played.db, {std::string(64, 'a'), std::nullopt});
    CHECK_FALSE(wrong.ok);
    CHECK(wrong.reason.find("is not in the ledger") != std::string::npos);
  }
}

TEST_CASE("verify names the first record of a hand-edited ledger", "[verify]") {
  PlayedShow played;
  const std::int64_t edited = seq_of(played.db, "kind = 'score' AND actor = 'j4'");
  tamper(played.db,
         "DROP TRIGGER ledger_no_update;"
         "UPDATE ledger SET payload = replace(payload, '\"live\":', '\"live\":1') WHERE seq = " +
             std::to_string(edited) + ";");
  VerifyReport report = verify_database(played.db);
  CHECK_FALSE(report.ok);
  CHECK(report.broken_seq == edited);
  CHECK(report.reason.find("hash does not match") != std::string::npos);
}

TEST_CASE("verify catches a record removed from the middle of the ledger", "[verify]") {
  PlayedShow played;
  const std::int64_t removed = seq_of(played.db, "kind = 'lock_scores'");
  tamper(played.db, "DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE seq = " +
                        std::to_string(removed) + ";");
  VerifyReport report = verify_database(played.db);
  CHECK_FALSE(report.ok);
  CHECK(report.broken_seq == removed + 1);
}

TEST_CASE("verify catches a vote row deleted from the votes table", "[verify]") {
  PlayedShow played;
  const std::int64_t vote = seq_of(played.db, "kind = 'vote'");
  tamper(played.db, "DROP TRIGGER votes_no_delete; DELETE FROM votes WHERE seq = " +
                        std::to_string(vote) + ";");
  VerifyReport report = verify_database(played.db);
  CHECK_FALSE(report.ok);
  CHECK(report.broken_seq == vote);
  CHECK(report.reason.find("has no row in the votes table") != std::string::npos);
}

TEST_CASE("verify catches a changed contest against its published hash", "[verify]") {
  PlayedShow played;
  const std::string published = verify_database(played.db).contest_hash;
  tamper(
      played.db,
      "UPDATE meta SET value = replace(value, '\"max\":40', '\"max\":45') WHERE key = 'contest';");
  VerifyReport report = verify_database(played.db, {std::nullopt, published});
  CHECK_FALSE(report.ok);
  CHECK(report.reason.find("does not match the published contest hash") != std::string::npos);
}

TEST_CASE("recount from raw ballots matches what was shown", "[recount]") {
  PlayedShow played;
  store::Store store(played.db);
  RecountReport report = recount_round(store, "prelim");
  INFO(format_recount(report));
  CHECK(report.ok());
  REQUIRE(report.lines.size() == 4);
  CHECK(report.polls == 4);
  CHECK(report.table_votes == 12 + 30 + 0 + 7);
  for (const auto& line : report.lines) {
    CHECK(line.votes_counted == line.votes_shown);
    CHECK(line.rank_counted == line.rank_shown);
  }
  CHECK(format_recount(report).find("ok: 4 entries match") != std::string::npos);

  SECTION("it prints the published figures, as the display showed them") {
    // e01's judges keep 61.25, 65, 68.75 and 72.5: 66.875, published with 2 decimals.
    const auto e01 = std::find_if(report.lines.begin(), report.lines.end(),
                                  [](const RecountLine& line) { return line.entry == "e01"; });
    REQUIRE(e01 != report.lines.end());
    REQUIRE(e01->judges_shown);
    CHECK(e01->judges_shown->text() == "66.88");
    const std::string table = format_recount(report);
    CHECK(table.find(" 66.88/66.88 ") != std::string::npos);
    CHECK(table.find(" " + e01->final_shown.text() + "/" + e01->final_counted.text() + " ") !=
          std::string::npos);
  }
  SECTION("a round nobody has played yet matches too") {
    RecountReport final_round = recount_round(store, "final");
    CHECK(final_round.ok());
    CHECK(final_round.table_votes == 0);
  }
  SECTION("an unknown round is refused") {
    CHECK_THROWS_AS(recount_round(store, "semi"), std::invalid_argument);
  }
}

TEST_CASE("recount reports a vote row deleted behind the ledger's back", "[recount]") {
  PlayedShow played;
  // A vote for e04 (the last entry with votes): deleting it changes e04's votes.
  tamper(played.db,
         "DROP TRIGGER votes_no_delete;"
         "DELETE FROM votes WHERE rowid = (SELECT rowid FROM votes WHERE choice = 'e04' LIMIT 1);");
  store::Store store(played.db);
  RecountReport report = recount_round(store, "prelim");
  const std::string table = format_recount(report);
  INFO(table);
  CHECK_FALSE(report.ok());
  auto e04 = std::find_if(report.lines.begin(), report.lines.end(),
                          [](const RecountLine& line) { return line.entry == "e04"; });
  REQUIRE(e04 != report.lines.end());
  CHECK(e04->votes_shown == 7);
  CHECK(e04->votes_counted == 6);
  CHECK(std::find(e04->differences.begin(), e04->differences.end(), "votes") !=
        e04->differences.end());
  CHECK(table.find("DIFF votes") != std::string::npos);
  CHECK(table.find("DIFFERENT:") != std::string::npos);
}
