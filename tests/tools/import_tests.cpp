#include <catch2/catch.hpp>

#include <algorithm>

#include "core/codec.hpp"
#include "engine/restore.hpp"
#include "fixtures.hpp"
#include "import_checks.hpp"
#include "store/store.hpp"
#include "tools/import.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

// `text` with the first `from` replaced by `to`; `from` must be there.
std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("A TOML scheme with Chinese CSV entries and English XLSX judges imports", "[import]") {
  TempDir dir;
  write_xlsx(dir.file("judges.xlsx"), {{"Judges", judges_rows_en()}});
  ImportSources sources{source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                        source("judges.xlsx", read_file(dir.file("judges.xlsx")))};
  ImportPlan plan = plan_import(sources, counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  const core::Contest& contest = *plan.contest;

  SECTION("the scheme") {
    CHECK(contest.id == "yeshu-test");
    CHECK(contest.scoring.criteria.size() == 3);
    CHECK(contest.scoring.criteria[1].max == 40);
    CHECK(contest.awards.size() == 2);
  }
  SECTION("the entries, with quoted titles and rounds by id or name") {
    REQUIRE(contest.entries.size() == 4);
    CHECK(contest.entries[1].title == "把支部建在组上, 党心不临时");
    CHECK(contest.find_round("prelim")->entries ==
          std::vector<std::string>{"e01", "e02", "e03", "e04"});
    CHECK(contest.find_round("final")->entries == std::vector<std::string>{"e02", "e04"});
    CHECK(contest.units ==
          std::vector<std::string>{"省高级人民法院", "省纪委监委", "省委宣传部", "省税务局"});
    CHECK(contest.forms == std::vector<std::string>{"情景剧", "歌舞", "快板"});
  }
  SECTION("the judges: given tokens kept, missing ones made, units for recusal") {
    REQUIRE(contest.judges.size() == 6);
    CHECK(contest.judges[0].token == "token-j1-secret-key");
    CHECK(contest.judges[0].unit == std::optional<std::string>("省纪委监委"));
    CHECK(contest.judges[0].title == "党建专家");
    CHECK(contest.judges[1].token == "generated-1");
    CHECK_FALSE(contest.judges[1].unit.has_value());
    CHECK(plan.generated_tokens.size() == 5);
  }
  SECTION("the result is a valid contest that round-trips through the codec") {
    auto back = core::contest_from_json(core::contest_to_json(contest, true));
    REQUIRE(back.ok());
    CHECK(back.value().judges[2].token == contest.judges[2].token);
  }
}

TEST_CASE("A JSON scheme with English CSV entries and Chinese CSV judges imports", "[import]") {
  ImportSources sources{source("scheme.json", kSchemeJson), source("entries.csv", kEntriesCsvEn),
                        source("judges.csv", kJudgesCsvZh)};
  ImportPlan plan = plan_import(sources, counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  CHECK(plan.contest->entries.size() == 4);
  CHECK(plan.contest->judges.size() == 6);
  CHECK(plan.contest->find_round("final")->entries == std::vector<std::string>{"e02"});
}

TEST_CASE("A scheme may set result_decimals; without it results are published with 2", "[import]") {
  struct Case {
    const char* what;
    std::string name, scheme;
    int result_decimals;
  };
  const auto c = GENERATE_REF(values<Case>({
      {"TOML without it", "scheme.toml", kSchemeToml, 2},
      {"TOML with 3", "scheme.toml",
       replace(kSchemeToml, "decimals = 2\n", "decimals = 2\nresult_decimals = 3\n"), 3},
      {"JSON without it", "scheme.json", kSchemeJson, 2},
      {"JSON with 0", "scheme.json",
       replace(kSchemeJson, "\"decimals\": 2,", "\"decimals\": 2, \"result_decimals\": 0,"), 0},
  }));
  CAPTURE(c.what);
  ImportPlan plan = plan_import({source(c.name, c.scheme), source("entries.csv", kEntriesCsvZh),
                                 source("judges.csv", kJudgesCsvZh)});
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  CHECK(plan.contest->scoring.result_decimals == c.result_decimals);
  // What the import writes is what the server reads back.
  auto stored = core::contest_from_json(core::contest_to_json(*plan.contest, true));
  REQUIRE(stored.ok());
  CHECK(stored.value().scoring.result_decimals == c.result_decimals);
}

TEST_CASE("One workbook with an entries sheet and a judges sheet is read sheet by sheet",
          "[import]") {
  TempDir dir;
  XlsxRows entries = {{std::string("作品编号"), std::string("作品名称"), std::string("参赛单位"),
                       std::string("出场顺序")},
                      {std::string("e01"), std::string("甲"), std::string("省高级人民法院"), 2.0},
                      {std::string("e02"), std::string("乙"), std::string("省纪委监委"), 1.0}};
  write_xlsx(dir.file("book.xlsx"), {{"作品", entries}, {"评委", judges_rows_en()}});
  const SourceFile book = source("book.xlsx", read_file(dir.file("book.xlsx")));

  SECTION("a judge's unit with no entry is an outside judge's, and not counted as a unit") {
    Problems problems;
    ImportSources sources = classify_uploads({source("scheme.toml", kSchemeToml), book}, problems);
    REQUIRE(problems.empty());
    REQUIRE(sources.entries);
    REQUIRE(sources.judges);
    ImportPlan plan = plan_import(sources, counting_tokens());
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->find_judge("j3")->unit == std::optional<std::string>("省税务局"));
    CHECK(plan.contest->units == std::vector<std::string>{"省高级人民法院", "省纪委监委"});
  }
  SECTION("with the units listed, it imports in the running order of 出场顺序") {
    const std::string scheme =
        "units = [\"省高级人民法院\", \"省纪委监委\", \"省税务局\"]\n" + kSchemeToml;
    ImportPlan plan = plan_import({source("scheme.toml", scheme), book, book}, counting_tokens());
    INFO(problems_text(plan.problems));
    REQUIRE(plan.problems.empty());
    CHECK(plan.contest->find_round("prelim")->entries == std::vector<std::string>{"e02", "e01"});
    CHECK(plan.contest->judges.size() == 6);
    CHECK(plan.contest->units.size() == 3);
  }
}

TEST_CASE("Uploads are sorted into scheme and tables by file name and header", "[import]") {
  Problems problems;
  ImportSources sources =
      classify_uploads({source("judges-list.csv", kJudgesCsvZh), source("a.toml", kSchemeToml),
                        source("list.csv", kEntriesCsvZh)},
                       problems);
  CHECK(problems.empty());
  CHECK(sources.scheme->name == "a.toml");
  CHECK(sources.entries->name == "list.csv");
  CHECK(sources.judges->name == "judges-list.csv");

  classify_uploads({source("a.toml", kSchemeToml), source("b.json", kSchemeJson)}, problems);
  CHECK(has_problem(problems, "b.json", 0, "a second scheme file"));

  // English headers: a judges table with a Title (头衔) column is still the judges table.
  Problems english_problems;
  const std::string judges_en = "ID,Name,Unit,Title,Token\nj1,王建华,省纪委监委,党建专家,\n";
  ImportSources english = classify_uploads(
      {source("j.csv", judges_en), source("e.csv", kEntriesCsvEn), source("s.toml", kSchemeToml)},
      english_problems);
  CHECK(english_problems.empty());
  REQUIRE(english.judges);
  CHECK(english.judges->name == "j.csv");
  REQUIRE(english.entries);
  CHECK(english.entries->name == "e.csv");
}

TEST_CASE("Malformed files are reported with file and line and reason", "[import]") {
  struct Case {
    const char* what;
    std::string scheme_name, scheme, entries, judges;
    std::string file;
    int line;
    std::string words;
  };
  const std::string toml = kSchemeToml;
  auto c = GENERATE_REF(values<Case>({
      {"a wrong entries header", "scheme.toml", toml, replace(kEntriesCsvZh, "单位,", "单未,"),
       kJudgesCsvZh, "entries.csv", 1, "unknown column \"单未\""},
      {"a missing required column", "scheme.toml", toml, replace(kEntriesCsvZh, "单位,", "单未,"),
       kJudgesCsvZh, "entries.csv", 1, "missing column 单位/unit"},
      {"a judges table without names", "scheme.toml", toml, kEntriesCsvZh,
       "编号,单位\nj1,省税务局\n", "judges.csv", 1, "missing column 姓名/name"},
      {"a repeated column", "scheme.toml", toml, kEntriesCsvZh, "编号,姓名,name\nj1,a,b\n",
       "judges.csv", 1, "repeats 姓名/name"},
      {"a duplicate entry id", "scheme.toml", toml,
       kEntriesCsvZh + "e02,重复,省税务局,快板,优化营商环境,初赛\r\n", kJudgesCsvZh, "entries.csv",
       6, "duplicate entry id e02 (first on line 3)"},
      {"a duplicate judge id", "scheme.toml", toml, kEntriesCsvZh, kJudgesCsvZh + "j2,又一个,,,\n",
       "judges.csv", 8, "duplicate judge id j2 (first on line 3)"},
      {"a criterion max that is not a number", "scheme.toml",
       replace(toml, "max = 40", "max = \"forty\""), kEntriesCsvZh, kJudgesCsvZh, "scheme.toml", 22,
       "scoring.criteria[2].max must be a number, not text \"forty\""},
      {"a JSON criterion max that is not a number", "scheme.json",
       replace(kSchemeJson, "\"max\": 40", "\"max\": \"40分\""), kEntriesCsvZh, kJudgesCsvZh,
       "scheme.json", 6, "scoring.criteria[2].max must be a number"},
      {"a JSON syntax error", "scheme.json", replace(kSchemeJson, "\"trim\": 1,", "\"trim\": 1"),
       kEntriesCsvZh, kJudgesCsvZh, "scheme.json", 9, "JSON syntax"},
      {"a TOML syntax error", "scheme.toml", replace(toml, "trim = 1", "trim = = 1"), kEntriesCsvZh,
       kJudgesCsvZh, "scheme.toml", 9, "TOML syntax"},
      {"result_decimals above 6", "scheme.toml",
       replace(toml, "decimals = 2\n", "decimals = 2\nresult_decimals = 7\n"), kEntriesCsvZh,
       kJudgesCsvZh, "scheme.toml", 9, "scoring.result_decimals must be between 0 and 6"},
      {"a JSON result_decimals below 0", "scheme.json",
       replace(kSchemeJson, "\"decimals\": 2,", "\"decimals\": 2, \"result_decimals\": -1,"),
       kEntriesCsvZh, kJudgesCsvZh, "scheme.json", 9,
       "scoring.result_decimals must be between 0 and 6"},
      {"a fractional result_decimals", "scheme.toml",
       replace(toml, "decimals = 2\n", "decimals = 2\nresult_decimals = 2.5\n"), kEntriesCsvZh,
       kJudgesCsvZh, "scheme.toml", 9, "scoring.result_decimals must be a whole number"},
      {"a misspelt scheme key", "scheme.toml", replace(toml, "trim_min", "trim_mini"),
       kEntriesCsvZh, kJudgesCsvZh, "scheme.toml", 10, "scoring.trim_mini is not a known key"},
      {"weights that do not add up", "scheme.toml",
       replace(toml, "audience_weight = 0.1", "audience_weight = 0.2"), kEntriesCsvZh, kJudgesCsvZh,
       "scheme.toml", 12, "must add up to 1"},
      {"criteria that add up to 95", "scheme.toml",
       replace(toml, "max = 30\n\n[[rounds]]", "max = 25\n\n[[rounds]]"), kEntriesCsvZh,
       kJudgesCsvZh, "scheme.toml", 14,
       "criteria's max values must add up to 100 (the audience component is out of 100), not 95 "
       "(theme 30 + art 40 + live 25)"},
      {"JSON criteria that add up to 10", "scheme.json",
       replace(replace(replace(kSchemeJson, "\"max\": 30}", "\"max\": 3}"), "\"max\": 40}",
                       "\"max\": 4}"),
               "\"max\": 30}", "\"max\": 3}"),
       kEntriesCsvZh, kJudgesCsvZh, "scheme.json", 4, "各评分项满分之和须为 100，现为 10"},
      {"an entry of an unknown round", "scheme.toml", toml,
       replace(kEntriesCsvZh, "省委宣传部,歌舞,推进创城攻坚,prelim",
               "省委宣传部,歌舞,推进创城攻坚,复赛"),
       kJudgesCsvZh, "entries.csv", 4, "entry e03: unknown round \"复赛\""},
      {"a bad running order number", "scheme.toml", toml,
       "编号,标题,单位,顺序\ne01,a,省税务局,一\n", kJudgesCsvZh, "entries.csv", 2,
       "顺序/order must be a whole number"},
      {"an entry without a title", "scheme.toml", toml,
       replace(kEntriesCsvZh, "文明之光 志愿同行", ""), kJudgesCsvZh, "entries.csv", 4,
       "entry e03: 标题/title is empty"},
      {"a short judge token", "scheme.toml", toml, kEntriesCsvZh,
       replace(kJudgesCsvZh, "token-j1-secret-key", "abc"), "judges.csv", 2, "令牌/token must be"},
      // Eight characters used to pass; a token now needs as many as a generated one has.
      {"a judge token of 8 characters", "scheme.toml", toml, kEntriesCsvZh,
       replace(kJudgesCsvZh, "token-j1-secret-key", "12345678"), "judges.csv", 2,
       "judge j1: 令牌/token must be at least 16 characters"},
      {"a judge token one character short of 16", "scheme.toml", toml, kEntriesCsvZh,
       replace(kJudgesCsvZh, "token-j1-secret-key", "token-j1-secret"), "judges.csv", 2,
       "judge j1: 令牌/token must be at least 16 characters"},
      {"a token shared by two judges", "scheme.toml", toml, kEntriesCsvZh,
       replace(kJudgesCsvZh, "j2,李明,,教授,", "j2,李明,,教授,token-j1-secret-key"), "judges.csv",
       3, "the same as another judge's (first on line 2)"},
      {"an unclosed quote", "scheme.toml", toml, kEntriesCsvZh + "e09,\"open,省税务局\n",
       kJudgesCsvZh, "entries.csv", 6, "never closed"},
      {"a unit the scheme does not list", "scheme.toml",
       replace(toml, "[contest]",
               "units = [\"省高级人民法院\", \"省纪委监委\", \"省委宣传部\"]\n\n[contest]"),
       kEntriesCsvZh, kJudgesCsvZh, "entries.csv", 5,
       "unit \"省税务局\" is not one of the scheme's units"},
  }));
  CAPTURE(c.what);
  TempDir dir;
  const std::string db = dir.file("show.db");
  store::Store store(db);
  ImportResult result = import_contest(
      store, db,
      ImportSources{source(c.scheme_name, c.scheme), source("entries.csv", c.entries),
                    source("judges.csv", c.judges)});
  INFO(problems_text(result.problems));
  CHECK(has_problem(result.problems, c.file, c.line, c.words));
  CHECK_FALSE(result.imported);
  CHECK_FALSE(store.get_meta(engine::kContestMetaKey).has_value());
}

TEST_CASE("A judge token of exactly 16 characters is taken as given", "[import]") {
  const std::string judges = replace(kJudgesCsvZh, "token-j1-secret-key", "abcdefgh-1234567");
  ImportPlan plan =
      plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                   source("judges.csv", judges)},
                  counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  CHECK(plan.contest->judges[0].token == "abcdefgh-1234567");
}

TEST_CASE("Every problem is reported and not just the first", "[import]") {
  std::string entries = kEntriesCsvZh + "e02,重复,省税务局,快板,优化营商环境,初赛\r\n" +
                        "e05,无轮次,省税务局,快板,优化营商环境,半决赛\r\n";
  std::string judges = kJudgesCsvZh + "j7,,火星办,,\n";
  ImportPlan plan = plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", entries),
                                 source("judges.csv", judges)});
  INFO(problems_text(plan.problems));
  CHECK(plan.problems.size() == 3);
  CHECK_FALSE(plan.contest);
}

TEST_CASE("Import writes the contest only into a database whose ledger is empty", "[import]") {
  TempDir dir;
  const std::string db = dir.file("show.db");
  ImportSources sources{source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                        source("judges.csv", kJudgesCsvZh)};
  {
    store::Store store(db);
    ImportResult first = import_contest(store, db, sources);
    INFO(problems_text(first.problems));
    REQUIRE(first.imported);
    CHECK_FALSE(first.replaced);
    auto stored =
        core::contest_from_json(nlohmann::json::parse(*store.get_meta(engine::kContestMetaKey)));
    REQUIRE(stored.ok());
    CHECK(stored.value().judges.size() == 6);
    CHECK(stored.value().judges[0].token == "token-j1-secret-key");

    SECTION("a second import before the show replaces it") {
      ImportResult second = import_contest(store, db, sources);
      CHECK(second.imported);
      CHECK(second.replaced);
    }
    SECTION("the console's JSON report lists judges with their tokens") {
      auto json = import_result_to_json(first);
      CHECK(json["ok"] == true);
      CHECK(json["entries"] == 4);
      CHECK(json["judges"][0]["token"] == "token-j1-secret-key");
      CHECK(json["judges"][1]["generated"] == true);
      CHECK(json["problems"].empty());
    }
  }
  SECTION("once the ledger has a record, import is refused") {
    store::Store store(db);
    std::string before = *store.get_meta(engine::kContestMetaKey);
    store.append({1000, "show", "host", R"({"scene":"standby","params":{}})", std::nullopt},
                 [](bool) {});
    store.flush();
    ImportResult refused = import_contest(store, db, sources);
    CHECK_FALSE(refused.imported);
    CHECK(has_problem(refused.problems, db, 0, "the ledger already holds 1 records"));
    CHECK(*store.get_meta(engine::kContestMetaKey) == before);
  }
}
