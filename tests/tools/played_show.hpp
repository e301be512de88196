#pragma once
// A database in a temp dir holding the fixture contest (or another scheme for it) and a played
// preliminary round: four entries with polls and every judge's marks, two of them with a
// recused judge, and one host correction after reveal.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "show_script.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"
#include "tools/import.hpp"

namespace stagevote::tools::testing {

inline const std::string kCorrectionReason =
    "录入错误：评委 j2 的艺术表现分误录 / typo in j2's art mark";

struct PlayedShow {
  TempDir dir;
  std::string db = dir.file("show.db");
  core::Contest contest;
  core::Marks corrected_from, corrected_to;

  explicit PlayedShow(const std::string& scheme_toml = kSchemeToml) {
    store::Store store(db);
    ImportResult imported =
        import_contest(store, db,
                       {source("scheme.toml", scheme_toml), source("entries.csv", kEntriesCsvZh),
                        source("judges.csv", kJudgesCsvZh)});
    REQUIRE(imported.imported);
    contest = *imported.contest;
    ShowScript script(store, contest);
    script.perform("prelim", "e01", 12, 20);
    script.perform("prelim", "e02", 30, 22);  // j1 (省纪委监委) is recused
    script.perform("prelim", "e03", 0, 18);
    script.perform("prelim", "e04", 7, 25);  // j3 (省税务局) is recused
    corrected_from = *script.show().marks("j2", "prelim", "e01");
    corrected_to = {{"theme", 29}, {"art", 38}, {"live", 28}};
    script.run(core::CorrectScore{"j2", "prelim", "e01", corrected_to, kCorrectionReason});
    script.flush();
  }
};

}  // namespace stagevote::tools::testing
