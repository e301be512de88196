// `stagevote judges-report` on a real database: a round played through the show and the
// ledger, its judges' statistics as JSON, XLSX and PDF (docs/judging.md).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/tool_commands.hpp"
#include "captured_run.hpp"
#include "fixtures.hpp"
#include "show_script.hpp"
#include "temp_dir.hpp"
#include "tools/exporters.hpp"

using namespace stagevote;
using namespace stagevote::tools;
using namespace stagevote::tools::testing;
using stagevote::app::run_judges_report;

namespace {

// Eight entries of four units; j1 is of 单位甲 (recused from e1, e5); j2 names two related
// units; j6 marks in reverse.
const std::string kEntries =
    "编号,标题,单位,轮次\n"
    "e1,作品一,单位甲,初赛\ne2,作品二,单位乙,初赛\ne3,作品三,单位丙,初赛\n"
    "e4,作品四,单位丁,初赛\ne5,作品五,单位甲,初赛\ne6,作品六,单位乙,初赛\n"
    "e7,作品七,单位丙,初赛\ne8,作品八,单位丁,初赛\n";
const std::string kJudges =
    "编号,姓名,单位,关联单位\n"
    "j1,王建华,单位甲,\nj2,李明,,单位乙、单位丙\nj3,张丽,,\n"
    "j4,陈刚,,\nj5,刘洋,,\nj6,赵敏,,\n";

// A judge's total split over theme (30), art (40), live (30).
core::Marks marks_for(double total) {
  const double theme = std::round(total * 0.3 * 100) / 100;
  const double art = std::round(total * 0.4 * 100) / 100;
  return {{"theme", theme}, {"art", art}, {"live", std::round((total - theme - art) * 100) / 100}};
}

struct ReportShow {
  TempDir dir;
  std::string db = dir.file("show.db");

  ReportShow() {
    store::Store store(db);
    ImportResult imported =
        import_contest(store, db,
                       {source("scheme.toml", kSchemeToml), source("entries.csv", kEntries),
                        source("judges.csv", kJudges)});
    INFO(imported.problems.size());
    REQUIRE(imported.imported);
    ShowScript script(store, *imported.contest);
    for (int k = 0; k < 8; ++k) {
      const std::string entry = "e" + std::to_string(k + 1);
      const double quality = 60 + 4 * k;
      script.run(core::StartEntry{"prelim", entry});
      int i = 0;
      for (const auto& judge : script.show().contest().judges) {
        ++i;
        if (core::is_recused(judge, *script.show().contest().find_entry(entry))) continue;
        const double offset = ((i * 7 + k * 3) % 5 - 2) * 0.5;
        const double total = judge.id == "j6" ? 100 - quality : quality + offset;
        script.run(core::Score{judge.id, "prelim", entry, marks_for(total)}, judge.id);
      }
      script.run(core::LockScores{"prelim", entry});
      script.run(core::Reveal{"prelim", entry});
    }
    script.flush();
  }
};

const nlohmann::json& judge_of(const nlohmann::json& report, const std::string& id) {
  for (const auto& judge : report.at("judges"))
    if (judge.at("judge") == id) return judge;
  FAIL("no judge " << id);
  throw;
}

}  // namespace

TEST_CASE("stagevote judges-report prints the round's statistics as JSON", "[cli][judges]") {
  ReportShow show;
  const Run run =
      testing::run(run_judges_report, {"--db", show.db, "--round", "prelim", "--format", "json"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  const auto report = nlohmann::json::parse(run.out);
  INFO(report.dump(2));
  CHECK(report.at("round") == "prelim");
  REQUIRE(report.at("judges").size() == 6);
  // σ from the five judges with 5 entries or more outside related units (j2 has 4).
  CHECK(report.at("sigma").at("n") == 5);
  // The reversed judge, and no one else, is flagged; every figure says its N.
  const auto& j6 = judge_of(report, "j6");
  CHECK(j6.at("flags") == nlohmann::json::array({"reversed"}));
  CHECK(j6.at("entries") == 8);
  CHECK(j6.at("spearman").at("n") == 8);
  CHECK(j6.at("spearman").at("value").get<double>() < -0.9);
  CHECK(j6.at("dropped_low") == 8);
  for (const std::string id : {"j1", "j2", "j3", "j4", "j5"})
    CHECK(judge_of(report, id).at("flags").empty());
  // j1 is recused from 单位甲's two entries.
  CHECK(judge_of(report, "j1").at("entries") == 6);
  // j2's related units came through the import: four entries measured apart, too few to flag.
  const auto& j2 = judge_of(report, "j2");
  CHECK(j2.at("related_units") == nlohmann::json::array({"单位乙", "单位丙"}));
  CHECK(j2.at("related").at("n") == 4);
  CHECK(j2.at("bias").at("n") == 4);
  CHECK(j2.at("affinity").at("n") == 4);
  CHECK(judge_of(report, "j3").at("related").at("value").is_null());
}

TEST_CASE("stagevote judges-report writes XLSX and PDF files, and refuses bad usage",
          "[cli][judges]") {
  ReportShow show;
  const std::string xlsx = show.dir.file("judges.xlsx");
  Run run = testing::run(run_judges_report,
                         {"--db", show.db, "--round", "prelim", "--format", "xlsx", "--out", xlsx});
  INFO(run.err);
  REQUIRE(run.code == 0);
  CHECK(run.out == "wrote " + xlsx + "\n");
  std::ifstream in(xlsx, std::ios::binary);
  std::string head(2, '\0');
  in.read(head.data(), 2);
  CHECK(head == "PK");

  CHECK(testing::run(run_judges_report, {"--db", show.db, "--round", "nope", "--format", "json"})
            .code == 1);
  CHECK(testing::run(run_judges_report, {"--db", show.db, "--round", "prelim", "--format", "csv"})
            .code == 2);
  CHECK(testing::run(run_judges_report, {"--db", show.db, "--round", "prelim", "--format", "pdf"})
            .code == 2);

  if (!find_chromium()) {
    WARN("Chromium is not installed: PDF not tested");
    return;
  }
  const std::string pdf = std::string(STAGEVOTE_TEST_ARTIFACTS) + "/tools-judges-report.pdf";
  run = testing::run(run_judges_report,
                     {"--db", show.db, "--round", "prelim", "--format", "pdf", "--out", pdf});
  INFO(run.err);
  REQUIRE(run.code == 0);
  CHECK(std::filesystem::file_size(pdf) > 1000);
}
