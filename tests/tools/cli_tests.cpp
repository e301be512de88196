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
  auto c = GENERATE(values<Case>({{"csv", "prelim", "\xEF\xBB\xBF名次 rank"},
                                  {"csv", "", "\xEF\xBB\xBF轮次 round"},
                                  {"xlsx", "", "PK"},
                                  {"html", "prelim", "<!DOCTYPE html>"},
                                  {"ledger", "", "\xEF\xBB\xBFseq,ts"}}));
  CAPTURE(c.format, c.round);
  const std::string out = played.dir.file("export." + c.format);
  std::vector<std::string> args = {"--db", played.db, "--format", c.format, "--out", out};
  if (!c.round.empty()) args.insert(args.end(), {"--round", c.round});
  Run r = run(run_export, args);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(read_file(out).starts_with(c.starts_with));
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

TEST_CASE("stagevote recount exits 0 when the raw count matches", "[cli]") {
  PlayedShow played;
  Run r = run(run_recount, {"--db", played.db});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("round prelim") != std::string::npos);
  CHECK(r.out.find("round final") != std::string::npos);
  CHECK(run(run_recount, {"--db", played.db, "--round", "semi"}).code == 1);
}
