// A whole contest as organisers run it (issue 15), end to end on the real binary: their own
// files (a GBK CSV with a title row above the header, a judges' list without 编号 and with a
// judge from outside the entries' units; or one workbook holding both tables), the 初赛 played
// over WebSockets, the top six advanced into the 决赛 with a tie at the cut that waits for the
// host's decision, the 决赛 drawn and played, all in one database; `verify` passes on it and the
// whole-contest export lists both rounds.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <set>

#include "fixtures.hpp"         // tests/tools: the organisers' files and write_xlsx
#include "legacy_encoding.hpp"  // tests/tools: GBK bytes as Excel saves them
#include "process.hpp"
#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;
namespace fixtures = stagevote::tools::testing;

namespace {

constexpr const char* kKey = "two-round-host-key-0123";

const std::vector<std::string> kUnits = {"省高级人民法院", "省纪委监委", "省委宣传部", "省税务局",
                                         "省教育厅",       "省卫健委",   "省交通厅",   "省民政厅",
                                         "省财政厅",       "省商务厅"};

// Entries e01..e10 of the 初赛, one unit each.
std::vector<std::vector<std::string>> entry_rows() {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    const std::string id = (i < 9 ? "e0" : "e") + std::to_string(i + 1);
    rows.push_back(
        {id, "节目" + std::to_string(i + 1), kUnits[i], "情景剧", "党建互联互通", "初赛"});
  }
  return rows;
}

struct JudgeRow {
  std::string name, unit, token;
};
// No 编号: the import numbers them J1..J7 in this order. 刘洋 is from an entry's unit (recused
// from e04), 周凯 from outside every entry's unit (a 党校 is not a competing unit).
const std::vector<JudgeRow> kJudges = {
    {"王建华", "", "judge-token-wang-0001"},        {"李明", "", "judge-token-li-000002"},
    {"张丽", "", "judge-token-zhang-0003"},         {"陈刚", "", "judge-token-chen-00004"},
    {"刘洋", "省税务局", "judge-token-liu-000005"}, {"赵敏", "", "judge-token-zhao-00006"},
    {"周凯", "省委党校", "judge-token-zhou-00007"}};

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
  return line + "\r\n";
}

// What Excel writes on a Chinese system: GBK, a title row merged over the header.
std::string entries_csv_gbk() {
  std::string text = "2026年“椰树杯”初赛节目表,,,,,\r\n";
  text += csv_line({"编号", "标题", "单位", "形式", "主题", "轮次"});
  for (const auto& row : entry_rows()) text += csv_line(row);
  return fixtures::encode(text, "GBK");
}

std::string judges_csv() {
  std::string text = csv_line({"姓名", "单位", "职务", "令牌"});
  for (const auto& judge : kJudges) text += csv_line({judge.name, judge.unit, "评委", judge.token});
  return text;
}

// One workbook: the entries on one sheet, the judges on another (named as organisers do).
void write_workbook(const fs::path& path) {
  fixtures::XlsxRows entries = {{std::string("2026年初赛节目表")},
                                {std::string("编号"), std::string("标题"), std::string("单位"),
                                 std::string("形式"), std::string("主题"), std::string("轮次")}};
  for (const auto& row : entry_rows()) {
    entries.push_back({row[0], row[1], row[2], row[3], row[4], row[5]});
  }
  fixtures::XlsxRows judges = {
      {std::string("姓名"), std::string("单位"), std::string("职务"), std::string("令牌")}};
  for (const auto& judge : kJudges) {
    judges.push_back({judge.name, judge.unit, std::string("评委"), judge.token});
  }
  fixtures::write_xlsx(path.string(), {{"节目", entries}, {"评委名单", judges}});
}

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Runs the binary to its end in its own folder; returns (exit code, stdout + stderr).
std::pair<int, std::string> run(const std::vector<std::string>& args, const fs::path& dir,
                                const std::string& name) {
  const fs::path folder = dir / name;
  fs::create_directories(folder);
  Process process(args, folder);
  const int code = process.wait();
  return {code, process.out() + process.err()};
}

// Marks whose total is `total` (0..100), split over the criteria in proportion.
json marks_for(double total) {
  auto cents = [](double mark) { return std::round(mark * 100) / 100; };
  return {{"theme", cents(total * 0.3)}, {"art", cents(total * 0.4)}, {"live", cents(total * 0.3)}};
}

struct Show {
  unsigned short port;
  ClientIo io;
  std::unique_ptr<WsClient> host;
  std::vector<std::unique_ptr<WsClient>> judges;  // parallel to kJudges

  explicit Show(unsigned short p) : port(p) {
    host = std::make_unique<WsClient>(io, port);
    REQUIRE(host->hello({{"role", "host"}, {"key", kKey}}).at("type") == "welcome");
    for (const auto& judge : kJudges) {
      judges.push_back(std::make_unique<WsClient>(io, port));
      REQUIRE(judges.back()->hello({{"role", "judge"}, {"token", judge.token}}).at("type") ==
              "welcome");
    }
  }

  // Plays one entry: on stage, every judge not recused scores `total`, locked, revealed.
  void play(const std::string& round, const std::string& entry, double total) {
    command(*host, {{"action", "start_entry"}, {"round", round}, {"entry", entry}});
    int scored = 0;
    for (auto& judge : judges) {
      const json reply = judge->request(
          {{"type", "score"}, {"round", round}, {"entry", entry}, {"marks", marks_for(total)}});
      if (reply.at("type") == "ack") {
        ++scored;
      } else {
        REQUIRE(reply.at("code") == "recused");
      }
    }
    CHECK(scored >= 6);
    command(*host, {{"action", "lock_scores"},
                    {"round", round},
                    {"entry", entry},
                    {"override_reason", "not every judge scored in this test"}});
    command(*host, {{"action", "reveal"}, {"round", round}, {"entry", entry}});
  }
};

// The 初赛's totals: e01 best, down by 3 points an entry; e06 and e07 equal (the tie at the
// cut of six).
double prelim_total(int index) {
  const int rank_index = index >= 7 ? index - 1 : index;  // e07 scores as e06
  return 95.0 - 3.0 * (rank_index - 1);
}

void play_contest(const fs::path& dir, const std::vector<std::string>& import_args) {
  const std::string db = (dir / "show.db").string();
  std::vector<std::string> import = {"import", "--db", db};
  import.insert(import.end(), import_args.begin(), import_args.end());
  const auto [imported, import_text] = run(import, dir, "import");
  INFO(import_text);
  REQUIRE(imported == 0);
  // The organiser is told how the files were read and which ids the judges got.
  CHECK(import_text.find("J7") != std::string::npos);

  const fs::path serve_dir = dir / "serve";
  fs::create_directories(serve_dir);
  Process server({"serve", "--port", "0", "--bind", "127.0.0.1", "--db", db, "--host-key", kKey,
                  "--threads", "2"},
                 serve_dir);
  {
    Show show(server.port());
    // 初赛 in the drawn order; every entry scored by the panel (刘洋 recused from e04).
    command(*show.host, {{"action", "draw_order"}, {"round", "prelim"}, {"seed", 2026}});
    for (int i = 1; i <= 10; ++i) {
      show.play("prelim", (i < 10 ? "e0" : "e") + std::to_string(i), prelim_total(i));
    }
    // The hall's vote is over: the ranks are final, not 暂计.
    command(*show.host, {{"action", "close_audience"}, {"round", "prelim"}});

    // Top six into the 决赛: e06 and e07 share sixth place, so the host must decide.
    json advance = {
        {"type", "cmd"}, {"action", "advance"}, {"from", "prelim"}, {"to", "final"}, {"count", 6}};
    const json tie = show.host->request(advance);
    REQUIRE(tie.at("type") == "error");
    CHECK(tie.at("code") == "tie_at_cut");
    CHECK(tie.at("entries").get<std::set<std::string>>() == std::set<std::string>{"e06", "e07"});
    // Nothing moved while the tie waited.
    const json waiting = show.host->request(advance);
    CHECK(waiting.at("code") == "tie_at_cut");

    advance["include"] = json::array({"e07"});
    advance["reason"] = "评审组复议：e07 现场效果更佳";
    REQUIRE(show.host->request(advance).at("type") == "ack");

    // 决赛: drawn, played with new totals, the order of the finalists reversed.
    command(*show.host, {{"action", "draw_order"}, {"round", "final"}, {"seed", 7}});
    const std::vector<std::string> finalists = {"e01", "e02", "e03", "e04", "e05", "e07"};
    for (std::size_t i = 0; i < finalists.size(); ++i) {
      show.play("final", finalists[i], 70.0 + 4.0 * static_cast<double>(i));
    }
    command(*show.host, {{"action", "close_audience"}, {"round", "final"}});
    // A finalist that did not advance cannot be put on stage in the 决赛.
    const json outsider = show.host->request(
        {{"type", "cmd"}, {"action", "start_entry"}, {"round", "final"}, {"entry", "e06"}});
    CHECK(outsider.at("type") == "error");
  }
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);

  // One chain over both rounds.
  const auto [verified, verify_text] = run({"verify", "--db", db}, dir, "verify");
  INFO(verify_text);
  CHECK(verified == 0);

  // The 决赛's results: the six finalists, e07 (played last, 90 points) first.
  const auto [listed, results_text] =
      run({"results", "--db", db, "--round", "final"}, dir, "results");
  REQUIRE(listed == 0);
  const json results = json::parse(results_text.substr(0, results_text.rfind('}') + 1));
  const json& entries = results.at("entries");
  std::set<std::string> ids;
  for (const auto& entry : entries) ids.insert(entry.at("entry").get<std::string>());
  CHECK(ids == std::set<std::string>{"e01", "e02", "e03", "e04", "e05", "e07"});
  CHECK(entries.at(0).at("entry") == "e07");
  CHECK(entries.at(0).at("provisional") == false);

  // The whole-contest export lists both rounds.
  const std::string csv = (dir / "contest.csv").string();
  const auto [exported, export_text] =
      run({"export", "--db", db, "--format", "csv", "--out", csv}, dir, "export");
  INFO(export_text);
  REQUIRE(exported == 0);
  const std::string table = read_file(csv);
  INFO(table.substr(0, 800));
  auto rows_of = [&](const std::string& round) {
    int rows = 0;
    for (auto at = table.find("\n" + round + ","); at != std::string::npos;
         at = table.find("\n" + round + ",", at + 1)) {
      ++rows;
    }
    return rows;
  };
  CHECK(rows_of("prelim") == 10);
  CHECK(rows_of("final") == 6);
}

}  // namespace

TEST_CASE("A two-round contest from organisers' files: 初赛, 晋级 with a tie at the cut, 决赛",
          "[binary][rounds]") {
  TempDir dir;
  SECTION("a GBK CSV with a title row and a judges' list without 编号") {
    write(dir.path() / "scheme.toml", fixtures::kSchemeToml);
    write(dir.path() / "entries.csv", entries_csv_gbk());
    write(dir.path() / "judges.csv", judges_csv());
    play_contest(dir.path(), {"--scheme", (dir.path() / "scheme.toml").string(), "--entries",
                              (dir.path() / "entries.csv").string(), "--judges",
                              (dir.path() / "judges.csv").string()});
  }
  SECTION("one workbook holding both tables") {
    write(dir.path() / "scheme.toml", fixtures::kSchemeToml);
    write_workbook(dir.path() / "book.xlsx");
    play_contest(dir.path(), {"--scheme", (dir.path() / "scheme.toml").string(), "--entries",
                              (dir.path() / "book.xlsx").string()});
  }
}
