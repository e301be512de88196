// Issue 15's audience mode in the organisers' tools: the scheme sets audience_mode and
// min_ratings (a wrong mode is refused with its line); a rating show's votes keep their
// ratings in the votes table, which verify checks against the ledger and recount counts.
#include <sqlite3.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "core/codec.hpp"
#include "fixtures.hpp"
#include "import_checks.hpp"
#include "show_script.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"
#include "tools/import.hpp"
#include "tools/recount.hpp"
#include "tools/verify.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

const std::string kAfter = "audience_weight = 0.1\n";

std::string with_scoring(const std::string& lines) {
  std::string scheme = kSchemeToml;
  const auto at = scheme.find(kAfter);
  REQUIRE(at != std::string::npos);
  return scheme.insert(at + kAfter.size(), lines);
}

// The 1-based line of `text` in `scheme`.
int line_of(const std::string& scheme, const std::string& text) {
  const auto at = scheme.find(text);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(scheme.begin(), scheme.begin() + at, '\n'));
}

void sql(const std::string& db, const std::string& statement) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  const int rc = sqlite3_exec(handle, statement.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("The scheme sets the audience mode; a wrong one is refused with its line",
          "[import][audience]") {
  SECTION("rating, with its minimum") {
    const std::string scheme = with_scoring("audience_mode = \"rating\"\nmin_ratings = 4\n");
    ImportPlan plan =
        plan_import({source("scheme.toml", scheme), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)});
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->scoring.audience_mode == core::AudienceMode::rating);
    CHECK(plan.contest->scoring.min_ratings == 4);
    // As the server reads it back (and as the ledger's contest record holds it).
    const auto json = core::contest_to_json(*plan.contest, true);
    CHECK(json["scoring"]["audience_mode"] == "rating");
    auto stored = core::contest_from_json(json);
    REQUIRE(stored.ok());
    CHECK(stored.value().scoring.audience_mode == core::AudienceMode::rating);
    CHECK(stored.value().scoring.min_ratings == 4);
  }
  SECTION("relative by default") {
    ImportPlan plan =
        plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)});
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->scoring.audience_mode == core::AudienceMode::relative);
    CHECK(plan.contest->scoring.min_ratings == 10);
  }
  SECTION("a mode that does not exist, a negative minimum") {
    const std::string scheme = with_scoring("audience_mode = \"stars\"\nmin_ratings = -1\n");
    ImportPlan plan =
        plan_import({source("scheme.toml", scheme), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", kJudgesCsvZh)});
    INFO(problems_text(plan.problems));
    CHECK(has_problem(plan.problems, "scheme.toml", line_of(scheme, "audience_mode"),
                      "\"relative\""));
    CHECK(has_problem(plan.problems, "scheme.toml", line_of(scheme, "min_ratings"),
                      "must not be negative"));
  }
}

TEST_CASE("A rating show: verify checks each rating against the ledger, recount counts them",
          "[verify][recount][audience]") {
  TempDir dir;
  const std::string db = dir.file("show.db");
  {
    store::Store store(db);
    ImportResult imported = import_contest(
        store, db,
        {source("scheme.toml", with_scoring("audience_mode = \"rating\"\nmin_ratings = 3\n")),
         source("entries.csv", kEntriesCsvZh), source("judges.csv", kJudgesCsvZh)});
    REQUIRE(imported.imported);
    ShowScript script(store, *imported.contest);
    int phones = 0;
    for (const char* entry : {"e01", "e02", "e03"}) {
      script.run(core::StartEntry{"prelim", entry});
      const std::string poll =
          script.run(core::OpenPoll{"prelim", {entry}, 0, core::PollKind::rating}).poll;
      // e03 gets two ratings: too few.
      const int count = std::string(entry) == "e03" ? 2 : 5;
      for (int v = 0; v < count; ++v) {
        const std::string device = "phone-" + std::to_string(++phones);
        script.run(core::Vote{device, poll, "", {}, 1 + (v * 7 + phones) % 10}, device);
      }
      script.run(core::ClosePoll{poll});
      int k = 0;
      for (const auto& judge : script.show().contest().judges) {
        ++k;
        if (core::is_recused(judge, *script.show().contest().find_entry(entry))) continue;
        core::Marks marks{{"theme", 20 + 0.5 * k}, {"art", 20 + 2.25 * k}, {"live", 10 + k}};
        script.run(core::Score{judge.id, "prelim", entry, marks}, judge.id);
      }
      script.run(core::LockScores{"prelim", entry, "not every judge scored in this test"});
      script.run(core::Reveal{"prelim", entry});
    }
    script.flush();
  }
  CHECK(verify_database(db).ok);
  {
    store::Store store(db);
    const RecountReport report = recount_round(store, "prelim");
    INFO(format_recount(report));
    CHECK(report.ok());
    REQUIRE(report.lines.size() == 4);
    for (const auto& line : report.lines) {
      if (line.entry == "e01" || line.entry == "e02") CHECK(line.votes_counted == 5);
      if (line.entry == "e03") CHECK(line.votes_counted == 2);
    }
    const auto rows = store.votes_of_poll("p1");
    REQUIRE(rows.size() == 5);
    CHECK(rows.front().choice.empty());
    CHECK(rows.front().rating >= 1);
  }

  SECTION("a rating changed in the votes table breaks verify") {
    sql(db, "DROP TRIGGER votes_no_update; UPDATE votes SET rating = 11 - rating WHERE rowid = 1;");
    const VerifyReport report = verify_database(db);
    CHECK_FALSE(report.ok);
    CHECK(report.reason.find("rating") != std::string::npos);
  }
}
