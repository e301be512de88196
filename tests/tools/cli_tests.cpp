#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/tool_commands.hpp"
#include "captured_run.hpp"
#include "engine/restore.hpp"
#include "played_show.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using stagevote::app::run_export;
using stagevote::app::run_import;
using stagevote::app::run_recount;
using stagevote::app::run_verify;
using namespace stagevote::tools::testing;

TEST_CASE("stagevote import takes files by flag or by name and says what it did", "[cli]") {
  TempDir dir;
  const std::string db = dir.file("show.db");
  const std::string scheme = dir.write("scheme.toml", kSchemeToml);
  const std::string entries = dir.write("作品.csv", kEntriesCsvZh);
  const std::string judges = dir.write("judges.csv", kJudgesCsvZh);

  SECTION("by flag") {
    Run r =
        run(run_import, {"--db", db, "--scheme", scheme, "--entries", entries, "--judges", judges});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("imported into") != std::string::npos);
    CHECK(r.out.find("token token-j1-secret-key") != std::string::npos);
    store::Store store(db);
    CHECK(store.get_meta(engine::kContestMetaKey).has_value());
  }
  SECTION("by name, in any order") {
    Run r = run(run_import, {"--db=" + db, judges, entries, scheme});
    INFO(r.err);
    CHECK(r.code == 0);
  }
  SECTION("--check writes nothing") {
    Run r = run(run_import, {"--db", db, "--check", scheme, entries, judges});
    CHECK(r.code == 0);
    CHECK(r.out.find("checked only") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db));
  }
  SECTION("problems are printed as file:line: reason and nothing is imported") {
    const std::string bad = dir.write("bad.csv", kEntriesCsvZh + "e01,又一个,省税务局,,,初赛\n");
    Run r = run(run_import, {"--db", db, "--scheme", scheme, "--entries", bad, "--judges", judges});
    CHECK(r.code == 1);
    CHECK(r.err.find(bad + ":6: duplicate entry id e01 (first on line 2)") != std::string::npos);
    CHECK(r.err.find("nothing imported: 1 problem") != std::string::npos);
    store::Store store(db);
    CHECK_FALSE(store.get_meta(engine::kContestMetaKey).has_value());
  }
  SECTION("bad usage exits 2") {
    CHECK(run(run_import, {"--db", db, "--frobnicate", "x"}).code == 2);
    CHECK(run(run_import, {"--db", db, entries}).code == 2);  // no scheme
    CHECK(run(run_import, {scheme}).code == 2);               // no --db
  }
}

TEST_CASE("stagevote export writes every format to a file", "[cli]") {
  PlayedShow played;
  struct Case {
    std::string format;
    std::string round;
    std::string starts_with;
  };
  // The CSVs open with the ledger's seal, then their header.
  auto c = GENERATE(values<Case>({{"csv", "prelim", "\r\n名次 rank"},
                                  {"csv", "", "\r\n轮次 round"},
                                  {"xlsx", "", "PK"},
                                  {"html", "prelim", "<!DOCTYPE html>"},
                                  {"ledger", "", "\r\nseq,ts"}}));
  CAPTURE(c.format, c.round);
  const std::string out = played.dir.file("export." + c.format);
  std::vector<std::string> args = {"--db", played.db, "--format", c.format, "--out", out};
  if (!c.round.empty()) args.insert(args.end(), {"--round", c.round});
  Run r = run(run_export, args);
  INFO(r.err);
  CHECK(r.code == 0);
  const std::string file = read_file(out);
  if (c.starts_with.starts_with("\r\n")) {
    CHECK(file.starts_with("\xEF\xBB\xBF账本 ledger："));
    CHECK(file.find(c.starts_with) == file.find("\r\n"));
  } else {
    CHECK(file.starts_with(c.starts_with));
  }
}

TEST_CASE("stagevote export refuses unknown rounds and formats and missing databases", "[cli]") {
  PlayedShow played;
  const std::string out = played.dir.file("x.csv");
  Run unknown =
      run(run_export, {"--db", played.db, "--round", "semi", "--format", "csv", "--out", out});
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("unknown round semi (rounds: prelim final)") != std::string::npos);
  CHECK(run(run_export, {"--db", played.db, "--format", "docx", "--out", out}).code == 2);
  Run missing =
      run(run_export, {"--db", played.dir.file("none.db"), "--format", "csv", "--out", out});
  CHECK(missing.code == 1);
  CHECK_FALSE(std::filesystem::exists(played.dir.file("none.db")));
}

TEST_CASE("stagevote verify prints ok or the first broken record", "[cli]") {
  PlayedShow played;
  Run good = run(run_verify, {"--db", played.db});
  CHECK(good.code == 0);
  CHECK(good.out.starts_with("ok: "));

  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(played.db.c_str(), &handle) == SQLITE_OK);
  REQUIRE(sqlite3_exec(handle,
                       "DROP TRIGGER ledger_no_update;"
                       "UPDATE ledger SET actor = 'j9' WHERE seq = 5;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(handle);
  Run bad = run(run_verify, {"--db", played.db});
  CHECK(bad.code == 1);
  CHECK(bad.out.starts_with("BROKEN at seq 5: "));
}

TEST_CASE("stagevote verify --head with the display's short head lists what came after", "[cli]") {
  PlayedShow played;
  // Publish the head of the record before the correction, as a reveal would have.
  std::string head;
  std::int64_t seq = 0;
  {
    store::Store store(played.db);
    seq = store.head().seq - 1;
    store.for_each_record([&](const store::LedgerRecord& record) {
      if (record.seq == seq) head = record.hash;
    });
  }
  Run r = run(run_verify, {"--db", played.db, "--head", head.substr(0, 12)});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("note: nothing up to the published head (seq " + std::to_string(seq) +
                   ") changed; 1 records were added after it") != std::string::npos);
  CHECK(r.out.find("after the published head: 1 correct_score") != std::string::npos);

  Run bad = run(run_verify, {"--db", played.db, "--head", "abc"});
  CHECK(bad.code == 1);
  CHECK(bad.out.starts_with("BROKEN: --head abc is not a head hash"));
}

TEST_CASE("stagevote recount exits 0 when the raw count matches", "[cli]") {
  PlayedShow played;
  Run r = run(run_recount, {"--db", played.db});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("round prelim") != std::string::npos);
  CHECK(r.out.find("round final") != std::string::npos);
  CHECK(run(run_recount, {"--db", played.db, "--round", "semi"}).code == 1);
}
