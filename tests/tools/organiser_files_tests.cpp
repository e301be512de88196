// Organisers' own files (issue 15): CSV as Excel saves it on a Chinese system (GBK) or as
// "Unicode text" (UTF-16LE, tabs), title rows above the header, judges' lists without 编号,
// and "did you mean …" for a misspelt unit or round.
#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "app/tool_commands.hpp"
#include "captured_run.hpp"
#include "fixtures.hpp"
#include "import_checks.hpp"
#include "legacy_encoding.hpp"
#include "tools/csv.hpp"
#include "tools/encoding.hpp"
#include "tools/import.hpp"
#include "tools/text.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

bool has_note(const std::vector<std::string>& notes, const std::string& words) {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& note) {
    return note.find(words) != std::string::npos;
  });
}

// kEntriesCsvZh without its UTF-8 BOM, as Excel's "CSV (逗号分隔)" would not write one.
std::string entries_without_bom() {
  return kEntriesCsvZh.substr(kUtf8Bom.size());
}

}  // namespace

TEST_CASE("A GBK CSV with a title row above the header imports, saying how it was read",
          "[import][encoding]") {
  const std::string text = "2026年椰树杯大赛 参赛节目,,,,,\r\n" + entries_without_bom();
  const std::string gbk = encode(text, "GBK");
  REQUIRE_FALSE(is_valid_utf8(gbk));  // what the reader has to detect

  ImportPlan plan = plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", gbk),
                                 source("judges.csv", encode(kJudgesCsvZh, "GBK"))},
                                counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  const core::Contest& contest = *plan.contest;
  REQUIRE(contest.entries.size() == 4);
  CHECK(contest.entries[0].id == "e01");
  CHECK(contest.entries[1].title == "把支部建在组上, 党心不临时");
  CHECK(contest.find_round("final")->entries == std::vector<std::string>{"e02", "e04"});
  CHECK(contest.judges[0].name == "王建华");
  CHECK(contest.judges[0].unit == std::optional<std::string>("省纪委监委"));

  INFO(joined(plan.notes));
  CHECK(has_note(plan.notes, "entries.csv: read as GB18030 (GBK)"));
  CHECK(has_note(plan.notes, "judges.csv: read as GB18030 (GBK)"));
  CHECK(has_note(plan.notes, "entries.csv: the header is on line 2; 1 title row above it skipped"));
}

TEST_CASE("A merged title row above an XLSX header is skipped", "[import]") {
  TempDir dir;
  XlsxRows entries = {{std::string("2026年椰树杯大赛 参赛节目")},
                      {std::string("作品编号"), std::string("作品名称"), std::string("参赛单位")},
                      {std::string("e01"), std::string("甲"), std::string("省纪委监委")},
                      {std::string("e02"), std::string("乙"), std::string("省税务局")}};
  write_xlsx(dir.file("entries.xlsx"), {{"Sheet1", entries}});
  ImportPlan plan = plan_import({source("scheme.toml", kSchemeToml),
                                 source("entries.xlsx", read_file(dir.file("entries.xlsx"))),
                                 source("judges.csv", kJudgesCsvZh)},
                                counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  CHECK(plan.contest->find_round("prelim")->entries == std::vector<std::string>{"e01", "e02"});
  CHECK(has_note(plan.notes, "the header is on line 2"));
}

TEST_CASE("Excel's Unicode text (UTF-16LE with BOM, tab-separated) imports", "[import][encoding]") {
  const std::string text =
      "编号\t姓名\t单位\t职务\r\n"
      "j1\t王建华\t省纪委监委\t党建专家\r\n"
      "j2\t李明\t\t\"教授\t博导\"\r\n";
  const std::string bytes = "\xFF\xFE" + encode(text, "UTF-16LE");

  Problems problems;
  ImportSources sources =
      classify_uploads({source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                        source("评委.txt", bytes)},
                       problems);
  REQUIRE(problems.empty());
  REQUIRE(sources.judges);
  CHECK(sources.judges->name == "评委.txt");  // told apart by its decoded header

  ImportPlan plan = plan_import(sources, counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  REQUIRE(plan.contest->judges.size() == 2);
  CHECK(plan.contest->judges[0].name == "王建华");
  CHECK(plan.contest->judges[0].title == "党建专家");
  CHECK(plan.contest->judges[1].title == "教授\t博导");
  CHECK(has_note(plan.notes, "评委.txt: read as UTF-16LE, tab-separated"));
}

TEST_CASE("Bytes that are no known encoding are a problem naming the file", "[import][encoding]") {
  std::string error;
  CHECK_FALSE(decode_text("\xFF\xFF\xFF", error));
  CHECK(error.find("neither UTF-8 nor GB18030") != std::string::npos);
  CHECK_FALSE(decode_text(std::string_view("\xFF\xFE\x00", 3),
                          error));  // UTF-16 cut in the middle of a unit
  CHECK(error.find("cut off") != std::string::npos);
  // UTF-8 with or without BOM stays as it is, with no note.
  auto plain = decode_text("\xEF\xBB\xBF编号", error);
  REQUIRE(plain);
  CHECK(plain->text == "编号");
  CHECK(plain->encoding.empty());

  // GBK 中 (2 bytes) is 3 bytes of UTF-8: 46 MB of it decodes past the 64 MiB cap.
  std::string big;
  for (int i = 0; i < 23'000'000; ++i) big += "\xD6\xD0";
  CHECK_FALSE(decode_text(big, error));
  CHECK(error == "the decoded text is larger than 64 MiB");

  ImportPlan plan =
      plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", "\xFF\xFF\xFF\r\n"),
                   source("judges.csv", kJudgesCsvZh)},
                  counting_tokens());
  CHECK(has_problem(plan.problems, "entries.csv", 0, "neither UTF-8 nor GB18030"));
}

TEST_CASE("A judges list without 编号 gets J1, J2 … in file order, and says so", "[import]") {
  const std::string judges =
      "评委名单（2026）\n"
      "姓名,单位,职务\n"
      "王建华,省纪委监委,党建专家\n"
      "李明,,教授\n"
      "张丽,省税务局,\n";
  ImportPlan plan =
      plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                   source("judges.csv", judges)},
                  counting_tokens());
  INFO(problems_text(plan.problems));
  REQUIRE(plan.problems.empty());
  const auto& list = plan.contest->judges;
  REQUIRE(list.size() == 3);
  CHECK(list[0].id == "J1");
  CHECK(list[0].name == "王建华");
  CHECK(list[1].id == "J2");
  CHECK(list[2].id == "J3");
  CHECK(list[2].name == "张丽");
  INFO(joined(plan.notes));
  CHECK(has_note(plan.notes,
                 "judges.csv: no 编号/id column: judges numbered J1 to J3 in file order"));

  SECTION("a 编号 column with an empty cell is still a problem, with the way out") {
    ImportPlan bad =
        plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", "编号,姓名\nj1,王建华\n,李明\n")},
                    counting_tokens());
    CHECK(has_problem(bad.problems, "judges.csv", 3, "drop the 编号 column"));
  }
}

TEST_CASE("A misspelt round or unit gets \"did you mean\"", "[import]") {
  const std::string entries =
      "编号,标题,单位,轮次\n"
      "e01,甲,省纪委监委,决塞\n"   // 决赛 with one character wrong
      "e02,乙,省税务局,finl\n"     // final, one letter missing
      "e03,丙,省税务局,第三轮\n";  // no round is that close
  ImportPlan plan = plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", entries),
                                 source("judges.csv", kJudgesCsvZh)},
                                counting_tokens());
  INFO(problems_text(plan.problems));
  CHECK(has_problem(
      plan.problems, "entries.csv", 2,
      "unknown round \"决塞\" (rounds: prelim/初赛, final/决赛) (did you mean \"决赛\"?)"));
  CHECK(has_problem(plan.problems, "entries.csv", 3, "unknown round \"finl\""));
  CHECK(has_problem(plan.problems, "entries.csv", 3, "(did you mean \"final\"?)"));
  CHECK(has_problem(plan.problems, "entries.csv", 4, "unknown round \"第三轮\""));
  CHECK_FALSE(has_problem(plan.problems, "entries.csv", 4, "did you mean"));

  SECTION("and a judge's unit, in the note on outside judges") {
    // An outside judge imports (issue 15); one a character from an entry's unit may be a typo
    // that would let them score their own unit's entries, so the note asks.
    ImportPlan judged =
        plan_import({source("scheme.toml", kSchemeToml), source("entries.csv", kEntriesCsvZh),
                     source("judges.csv", "编号,姓名,单位\nj1,王建华,省税务\n")},
                    counting_tokens());
    INFO(problems_text(judged.problems));
    REQUIRE(judged.problems.empty());
    INFO(joined(judged.notes));
    CHECK(has_note(judged.notes, "j1 王建华 (省税务: did you mean \"省税务局\"?)"));
  }
  SECTION("and a unit the scheme lists, for an entry") {
    const std::string scheme = "units = [\"省纪委监委\", \"省税务局\"]\n" + kSchemeToml;
    ImportPlan listed = plan_import(
        {source("scheme.toml", scheme), source("entries.csv", "编号,标题,单位\ne01,甲,省纪委监\n"),
         source("judges.csv", kJudgesCsvZh)},
        counting_tokens());
    CHECK(has_problem(listed.problems, "entries.csv", 2,
                      "is not one of the scheme's units (did you mean \"省纪委监委\"?)"));
  }
}

TEST_CASE("Edit distance counts Unicode code points", "[text]") {
  CHECK(edit_distance("决赛", "决塞") == 1);
  CHECK(edit_distance("初赛", "决赛") == 1);
  CHECK(edit_distance("省纪委监委", "省纪委") == 2);
  CHECK(edit_distance("final", "finl") == 1);
  CHECK(edit_distance("", "决赛") == 2);
  CHECK(closest_name("决塞", {"初赛", "决赛"}) == std::optional<std::string>("决赛"));
  CHECK(closest_name("Final", {"prelim", "final"}) == std::optional<std::string>("final"));
  CHECK_FALSE(closest_name("甲乙", {"丙丁"}));  // every character differs
  CHECK_FALSE(closest_name("半决赛", {"prelim"}));
}

TEST_CASE("stagevote import prints the notes and the judge ids it made", "[cli][encoding]") {
  TempDir dir;
  const std::string scheme = dir.write("scheme.toml", kSchemeToml);
  const std::string entries = dir.write("entries.csv", kEntriesCsvZh);
  const std::string judges =
      dir.write("judges.csv", encode("姓名,单位\r\n王建华,省纪委监委\r\n李明,\r\n", "GBK"));
  Run r = run(app::run_import, {"--db", dir.file("show.db"), "--scheme", scheme, "--entries",
                                entries, "--judges", judges});
  INFO(r.out + r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("note: " + judges + ": read as GB18030 (GBK)\n") != std::string::npos);
  CHECK(r.out.find("note: " + judges + ": no 编号/id column: judges numbered J1 to J2") !=
        std::string::npos);
  CHECK(r.out.find("judge J1 王建华") != std::string::npos);
  CHECK(r.out.find("judge J2 李明") != std::string::npos);
}
