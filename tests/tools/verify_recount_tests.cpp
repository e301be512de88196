#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "engine/heads.hpp"
#include "engine/restore.hpp"
#include "played_show.hpp"
#include "store/ledger_hash.hpp"
#include "store/sqlite.hpp"
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
  // The contest record in the chain catches it first, without the published hash.
  CHECK(report.reason.find("differs from ledger record 1 in: scoring") != std::string::npos);
}

TEST_CASE("Weights swapped behind the ledger's back are caught by verify and by a restart",
          "[verify]") {
  PlayedShow played;
  REQUIRE(verify_database(played.db).ok);
  tamper(played.db,
         "UPDATE meta SET value = replace(replace(replace(value, '\"judge_weight\":0.9', "
         "'\"judge_weight\":0.X'), '\"audience_weight\":0.1', '\"audience_weight\":0.9'), "
         "'0.X', '0.1') WHERE key = 'contest';");
  const VerifyReport report = verify_database(played.db);
  INFO(report.reason);
  CHECK_FALSE(report.ok);
  CHECK(report.broken_seq == 1);
  CHECK(report.reason.find("the contest the server uses differs from ledger record 1 in: "
                           "scoring") != std::string::npos);
  store::Store store(played.db);
  CHECK_THROWS_WITH(engine::restore(store), Catch::Contains("changed behind the ledger's back"));
}

TEST_CASE("verify recomputes every result from the ledger alone", "[verify]") {
  PlayedShow played;
  const VerifyReport report = verify_database(played.db);
  REQUIRE(report.ok);
  CHECK(report.results ==
        std::vector<std::string>{"prelim: 4 entries, 4 revealed", "final: 2 entries, 0 revealed"});
}

TEST_CASE("A cut or re-hashed tail is caught by the heads published at reveals", "[verify]") {
  PlayedShow played;
  // The server writes a line at every reveal; here the played show's last head is published.
  const store::LedgerHead published = store::Store(played.db).head();
  REQUIRE(published.seq > 10);
  engine::append_head(played.db, 1'764'000'000'000, published);
  REQUIRE(verify_database(played.db).ok);

  SECTION("--head proves the prefix and lists what came after") {
    const auto head = store::Store(played.db).head();
    const VerifyReport report = verify_database(played.db, {head.hash, std::nullopt});
    CHECK(report.ok);
    CHECK(report.after_head.empty());
    CHECK(report.published_heads == 1);
  }
  SECTION("a cut tail") {
    tamper(played.db,
           "DROP TRIGGER ledger_no_delete; DROP TRIGGER votes_no_delete; "
           "DELETE FROM votes WHERE seq > " +
               std::to_string(published.seq - 3) + "; DELETE FROM ledger WHERE seq > " +
               std::to_string(published.seq - 3) + ";");
    REQUIRE(store::Store::verify_chain(played.db).ok);  // what is left chains up
    const VerifyReport report = verify_database(played.db);
    CHECK_FALSE(report.ok);
    CHECK(report.reason.find("is not in the ledger: records up to it were cut or rewritten") !=
          std::string::npos);
    std::filesystem::remove(engine::heads_path(played.db));
    const VerifyReport by_head =
        verify_database(played.db, {engine::short_hash(published.hash), std::nullopt});
    CHECK_FALSE(by_head.ok);
    CHECK(by_head.reason.find("is not in the ledger (records were removed or rewritten)") !=
          std::string::npos);
  }
  SECTION("a re-hashed tail") {
    // Change the record before the last and hash the chain again from there.
    const std::int64_t changed = published.seq - 1;
    store::sqlite::Connection db(played.db, store::sqlite::Connection::Mode::read_write);
    db.exec("DROP TRIGGER ledger_no_update");
    db.exec("UPDATE ledger SET ts = ts + 1 WHERE seq = " + std::to_string(changed));
    store::LedgerHasher hasher;
    std::string prev;
    {
      store::sqlite::Statement before(db, "SELECT hash FROM ledger WHERE seq = ?1");
      before.bind(1, changed - 1);
      REQUIRE(before.step());
      prev = before.column_text(0);
    }
    for (std::int64_t seq = changed; seq <= published.seq; ++seq) {
      store::sqlite::Statement row(db,
                                   "SELECT ts, kind, actor, payload FROM ledger WHERE seq = ?1");
      row.bind(1, seq);
      REQUIRE(row.step());
      const std::string hash = hasher.hash({prev, seq, row.column_int(0), row.column_view(1),
                                            row.column_view(2), row.column_view(3)});
      db.exec("UPDATE ledger SET prev_hash = '" + prev + "', hash = '" + hash +
              "' WHERE seq = " + std::to_string(seq));
      prev = hash;
    }
    REQUIRE(store::Store::verify_chain(played.db).ok);  // a consistent, rewritten chain
    const VerifyReport report = verify_database(played.db);
    CHECK_FALSE(report.ok);
    CHECK(report.broken_seq == published.seq);
    CHECK(report.reason.find("is not in the ledger: records up to it were cut or rewritten") !=
          std::string::npos);
    // Without the heads file, the head printed on an export (or shown) catches it too.
    std::filesystem::remove(engine::heads_path(played.db));
    REQUIRE(verify_database(played.db).ok);
    for (const std::string& head : {published.hash, engine::short_hash(published.hash)}) {
      const VerifyReport by_head = verify_database(played.db, {head, std::nullopt});
      CHECK_FALSE(by_head.ok);
      CHECK(by_head.reason == "the published head hash " + head +
                                  " is not in the ledger (records were removed or rewritten)");
    }
  }
}

TEST_CASE("verify --head takes the short head the display showed and lists what came after",
          "[verify]") {
  PlayedShow played;
  // The head published at the last reveal (e04's); the host's correction came after it.
  const std::int64_t reveal = seq_of(played.db, "kind = 'reveal' AND payload LIKE '%e04%'");
  std::string hash;
  {
    store::sqlite::Connection db(played.db, store::sqlite::Connection::Mode::read_only);
    store::sqlite::Statement find(db, "SELECT hash FROM ledger WHERE seq = ?1");
    find.bind(1, reveal);
    REQUIRE(find.step());
    hash = find.column_text(0);
  }
  const std::string shown = engine::short_hash(hash);
  REQUIRE(shown.size() == 12);

  const VerifyReport report = verify_database(played.db, {shown, std::nullopt});
  INFO(report.reason);
  CHECK(report.ok);
  CHECK(report.after_head == std::map<std::string, long>{{"correct_score", 1}});
  CHECK(report.note == "nothing up to the published head (seq " + std::to_string(reveal) +
                           ") changed; 1 records were added after it");
  // Upper case, as someone may type it from a photo.
  std::string upper = shown;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(verify_database(played.db, {upper, std::nullopt}).ok);

  SECTION("too short or not hex is refused in words") {
    for (const std::string& bad : {shown.substr(0, 8), std::string("zz") + shown}) {
      const VerifyReport refused = verify_database(played.db, {bad, std::nullopt});
      CHECK_FALSE(refused.ok);
      CHECK(refused.reason == "--head " + bad +
                                  " is not a head hash: give the 12 hex digits the display "
                                  "shows, or the 64 an export prints");
    }
  }
  SECTION("a tail cut back before it loses it") {
    tamper(played.db,
           "DROP TRIGGER ledger_no_delete; DROP TRIGGER votes_no_delete; "
           "DELETE FROM votes WHERE seq >= " +
               std::to_string(reveal) +
               "; DELETE FROM ledger WHERE seq >= " + std::to_string(reveal) + ";");
    REQUIRE(store::Store::verify_chain(played.db).ok);
    const VerifyReport cut = verify_database(played.db, {shown, std::nullopt});
    CHECK_FALSE(cut.ok);
    CHECK(cut.reason == "the published head hash " + shown +
                            " is not in the ledger (records were removed or rewritten)");
  }
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
