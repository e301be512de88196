// Results as an XLSX workbook, written by libxlsxwriter (which writes to a file: a temporary
// one is read back into bytes).
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "engine/heads.hpp"
#include "tools/exporters.hpp"
#include "tools/grid.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

constexpr lxw_color_t kDroppedGrey = 0x9E9E9E;
constexpr lxw_color_t kCorrectedFill = 0xFCE4D6;  // light orange: a host correction
constexpr lxw_color_t kAmendedFill = 0xFFF2CC;    // light yellow: an amended result
constexpr lxw_color_t kHeaderFill = 0xDDEBF7;

// A temporary file removed at scope end.
class TempFile {
 public:
  TempFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "stagevote-export-XXXXXX.xlsx").string();
    int fd = mkstemps(pattern.data(), 5);
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the XLSX export");
    close(fd);
    path_ = pattern;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Formats are workbook objects; one per (decimals, mark) pair, made on first use.
class Formats {
 public:
  explicit Formats(lxw_workbook* book) : book_(book) {
    header_ = workbook_add_format(book_);
    format_set_bold(header_);
    format_set_text_wrap(header_);
    format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(header_, kHeaderFill);
    format_set_border(header_, LXW_BORDER_THIN);
    title_ = workbook_add_format(book_);
    format_set_bold(title_);
    format_set_font_size(title_, 14);
  }

  lxw_format* header() const { return header_; }
  lxw_format* title() const { return title_; }

  lxw_format* cell(int decimals, GridCell::Mark mark) {
    auto key = std::pair{decimals, mark};
    if (auto found = cells_.find(key); found != cells_.end()) return found->second;
    lxw_format* format = workbook_add_format(book_);
    if (decimals == 0) format_set_num_format(format, "0");
    if (decimals > 0)
      format_set_num_format(format,
                            ("0." + std::string(static_cast<std::size_t>(decimals), '0')).c_str());
    switch (mark) {
      case GridCell::Mark::dropped:
        format_set_font_strikeout(format);
        format_set_font_color(format, kDroppedGrey);
        break;
      case GridCell::Mark::corrected:
        format_set_bg_color(format, kCorrectedFill);
        break;
      case GridCell::Mark::recused:
        format_set_font_color(format, kDroppedGrey);
        break;
      case GridCell::Mark::amended:
        format_set_bg_color(format, kAmendedFill);
        format_set_bold(format);
        break;
      case GridCell::Mark::none:
        break;
    }
    cells_[key] = format;
    return format;
  }

 private:
  lxw_workbook* book_;
  lxw_format* header_ = nullptr;
  lxw_format* title_ = nullptr;
  std::map<std::pair<int, GridCell::Mark>, lxw_format*> cells_;
};

// Excel's rules: at most 31 characters, none of []:*?/\, unique in the workbook.
std::string sheet_name(std::string name, std::set<std::string>& used) {
  for (char& c : name)
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '_';
  // Cut at a UTF-8 boundary; Excel counts UTF-16 units, so stay well within 31.
  auto cut = [](std::string text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t at = max_bytes;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
    return text.substr(0, at);
  };
  name = cut(name.empty() ? "sheet" : name, 28);
  std::string unique = name;
  for (int n = 2; used.count(unique); ++n) unique = cut(name, 24) + " " + std::to_string(n);
  used.insert(unique);
  return unique;
}

void write_grid(lxw_worksheet* sheet, const Grid& grid, Formats& formats) {
  for (std::size_t c = 0; c < grid.header.size(); ++c)
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), grid.header[c].c_str(),
                           formats.header());
  for (std::size_t r = 0; r < grid.rows.size(); ++r) {
    for (std::size_t c = 0; c < grid.rows[r].size(); ++c) {
      const GridCell& cell = grid.rows[r][c];
      const auto row = static_cast<lxw_row_t>(r + 1);
      const auto col = static_cast<lxw_col_t>(c);
      lxw_format* format = formats.cell(cell.decimals, cell.mark);
      if (cell.number) {
        worksheet_write_number(sheet, row, col, *cell.number, format);
      } else if (!cell.text.empty()) {
        worksheet_write_string(sheet, row, col, cell.text.c_str(), format);
      } else if (cell.mark != GridCell::Mark::none) {
        worksheet_write_blank(sheet, row, col, format);
      }
    }
  }
  worksheet_set_row(sheet, 0, 48, nullptr);
  worksheet_set_column(sheet, 0,
                       static_cast<lxw_col_t>(grid.header.empty() ? 0 : grid.header.size() - 1), 11,
                       nullptr);
  if (!grid.header.empty()) {
    worksheet_freeze_panes(sheet, 1, 0);
    worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(grid.rows.size()),
                         static_cast<lxw_col_t>(grid.header.size() - 1));
  }
}

void write_about(lxw_worksheet* sheet, const core::Contest& contest, core::Admission admission,
                 const LedgerSeal& seal, Formats& formats) {
  lxw_row_t row = 0;
  auto line = [&](const std::string& label, const std::string& value) {
    worksheet_write_string(sheet, row, 0, label.c_str(), formats.header());
    worksheet_write_string(sheet, row, 1, value.c_str(), nullptr);
    ++row;
  };
  worksheet_write_string(sheet, row++, 0, contest.name.c_str(), formats.title());
  if (!contest.subtitle.empty()) line("副标题 subtitle", contest.subtitle);
  line("比赛 contest", contest.id);
  line("观众入场 admission", admission_label(admission));
  const auto& s = contest.scoring;
  std::string criteria;
  for (const auto& c : s.criteria)
    criteria += (criteria.empty() ? "" : "; ") + c.name + " " + c.id + " 0-" + format_number(c.max);
  line("评分项 criteria", criteria);
  line("去掉最高最低 trim",
       "去掉 " + std::to_string(s.trim) + " 个最高分和 " + std::to_string(s.trim) +
           " 个最低分（评分评委不少于 " + std::to_string(s.trim_min) + " 人时） / drop " +
           std::to_string(s.trim) + " highest and lowest totals when at least " +
           std::to_string(s.trim_min) + " judges scored");
  line("权重 weights", "最终得分 = " + format_number(s.judge_weight) + " × 评委得分 + " +
                           format_number(s.audience_weight) + " × 观众得分 / final = " +
                           format_number(s.judge_weight) + " × judge component + " +
                           format_number(s.audience_weight) + " × audience component");
  line("观众得分 audience",
       "100 × 本作品票数 / 本轮最高票数 / 100 × votes / most votes in the round");
  const std::string decimals = std::to_string(s.result_decimals);
  line("小数 decimals", "评委得分、评委平均、观众得分和最终得分均四舍五入保留 " + decimals +
                            " 位小数后公布 / the components, plain mean and final are published "
                            "rounded half away from zero to " +
                            decimals + " decimals");
  line("名次 rank",
       "按公布的得分排名，同分依次比较评委得分、评委平均、票数 / ranked by the published figures; "
       "ties: judge component, plain mean, votes");
  line("账本记录 ledger records", std::to_string(seal.records));
  line("账本末条哈希 ledger head", seal.head_hash.empty() ? "(empty)" : seal.head_hash);
  // The short form is what the display and the console show: a photo of the screen matches.
  line("短哈希 short head",
       seal.head_hash.empty() ? "(empty)" : engine::short_hash(seal.head_hash));
  line("核验 verify", "stagevote verify --db FILE --head " +
                          (seal.head_hash.empty() ? std::string("HASH") : seal.head_hash));
  worksheet_set_column(sheet, 0, 0, 24, nullptr);
  worksheet_set_column(sheet, 1, 1, 100, nullptr);
}

// The 公示 as the HTML prints it, for organisers who publish a spreadsheet: the head with the
// [publication] lines, per round the ranked entries (published figures, never re-rounded) and
// the unranked ones (未参赛/未完成, no rank, no figures), the corrections' operators, and the
// contest hash and ledger head.
void write_publication(lxw_worksheet* sheet, const core::Contest& contest,
                       const std::vector<RoundReport>& reports, const LedgerSeal& seal,
                       Languages languages, Formats& formats) {
  const bool en = languages == Languages::zh_en;
  const auto words = [en](const std::string& zh, const std::string& english) {
    return en ? zh + " " + english : zh;
  };
  lxw_row_t row = 0;
  const auto text = [&](lxw_col_t col, const std::string& value, lxw_format* format = nullptr) {
    if (!value.empty()) worksheet_write_string(sheet, row, col, value.c_str(), format);
  };
  text(0, contest.name + " 成绩公示", formats.title());
  ++row;
  if (!contest.subtitle.empty()) {
    text(0, contest.subtitle);
    ++row;
  }
  const core::Publication& p = contest.publication;
  for (const auto& [label, value] :
       {std::pair{words("比赛日期", "date"), p.date}, std::pair{words("地点", "venue"), p.venue},
        std::pair{words("公示期", "publication period"), p.period},
        std::pair{words("监督电话", "complaints phone"), p.phone}}) {
    if (value.empty()) continue;
    text(0, label, formats.header());
    text(1, value);
    ++row;
  }
  for (const RoundReport& report : reports) {
    ++row;
    text(0, report.round->name + (en ? " " + report.round->id : std::string()), formats.title());
    ++row;
    lxw_col_t col = 0;
    std::vector<std::string> heads = {words("名次", "rank"), words("编号", "no."),
                                      words("作品", "title"), words("单位", "unit")};
    for (const auto& judge : contest.judges) heads.push_back(judge.name + " " + judge.id);
    for (const auto& head :
         {words("评委得分", "judges"), words("票数", "votes"), words("观众得分", "audience"),
          words("最终得分", "final"), words("奖项", "award"), words("备注", "note")})
      heads.push_back(head);
    for (const auto& head : heads) text(col++, head, formats.header());
    ++row;
    const std::vector<int> ranks = published_ranks(report);
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
      const ReportRow& r = report.rows[i];
      const Standing standing = standing_of(r);
      col = 0;
      if (standing == Standing::ranked) {
        worksheet_write_number(sheet, row, col, ranks[i], formats.cell(0, GridCell::Mark::none));
      } else {
        text(col, standing == Standing::not_started ? words("未参赛", "did not perform")
                                                    : words("未完成", "not finished"));
      }
      ++col;
      text(col++, r.result.entry);
      text(col++, r.entry ? r.entry->title : "");
      text(col++, r.entry ? r.entry->unit : "");
      if (standing != Standing::ranked) {
        ++row;
        continue;
      }
      for (const auto& judge : r.judges) {
        if (judge.state == JudgeCell::State::scored) {
          const auto mark = judge.dropped     ? GridCell::Mark::dropped
                            : judge.corrected ? GridCell::Mark::corrected
                                              : GridCell::Mark::none;
          worksheet_write_number(sheet, row, col, judge.total,
                                 formats.cell(contest.scoring.decimals, mark));
        } else {
          text(col, judge.state == JudgeCell::State::recused ? "回避" : "—");
        }
        ++col;
      }
      const core::Published& published = r.result.published;
      const auto figure = [&](const core::Decimal& value) {
        worksheet_write_number(sheet, row, col++, value.value(),
                               formats.cell(value.decimals, r.amended ? GridCell::Mark::amended
                                                                      : GridCell::Mark::none));
      };
      if (published.judge_component) {
        figure(*published.judge_component);
      } else {
        text(col++, "—");
      }
      worksheet_write_number(sheet, row, col++, static_cast<double>(r.result.votes),
                             formats.cell(0, GridCell::Mark::none));
      figure(published.audience_component);
      figure(published.final_score);
      std::string awards;
      for (const auto& name : r.awards) awards += (awards.empty() ? "" : "、") + name;
      text(col++, awards);
      std::string note;
      if (r.amended) note = words("已更正", "amended");
      if (is_provisional(r.result))
        note += (note.empty() ? "" : "；") + words("暂计", "provisional");
      text(col++, note);
      ++row;
    }
    for (const auto& c : report.corrections) {
      const core::Entry* entry = contest.find_entry(c.entry);
      const core::Judge* judge = contest.find_judge(c.judge);
      text(0, words("更正", "correction"), formats.header());
      text(1, c.entry);
      text(2, entry ? entry->title : c.entry);
      text(3,
           (judge ? judge->name : c.judge) + "：" +
               (c.before ? describe_marks(contest.scoring, *c.before) : words("未评分", "none")) +
               " → " + describe_marks(contest.scoring, c.after) + "；" +
               words("操作人", "operator") + " " + c.who + "；" + c.reason);
      ++row;
    }
  }
  ++row;
  for (const auto& [label, value] :
       {std::pair{words("账本记录", "ledger records"), std::to_string(seal.records)},
        std::pair{words("账本末条哈希", "ledger head"),
                  seal.head_hash.empty() ? std::string("(empty)") : seal.head_hash},
        std::pair{words("短哈希", "short head"), engine::short_hash(seal.head_hash)},
        std::pair{words("比赛哈希", "contest hash"),
                  seal.contest_hash.empty() ? std::string("(none)") : seal.contest_hash}}) {
    text(0, label, formats.header());
    text(1, value);
    ++row;
  }
  worksheet_set_column(sheet, 0, 0, 14, nullptr);
  worksheet_set_column(sheet, 2, 2, 30, nullptr);
  worksheet_set_column(sheet, 3, 3, 18, nullptr);
}

}  // namespace

std::string export_results_xlsx(const core::Show& show, const std::optional<std::string>& round,
                                const LedgerSeal& seal, Languages languages) {
  const core::Contest& contest = show.contest();
  std::vector<const core::Round*> rounds;
  if (round) {
    const core::Round* found = contest.find_round(*round);
    if (!found) throw std::invalid_argument("unknown round " + *round);
    rounds.push_back(found);
  } else {
    for (const auto& r : contest.rounds) rounds.push_back(&r);
  }

  TempFile file;
  lxw_workbook_options options{};
  const std::string tmpdir = std::filesystem::temp_directory_path().string();
  options.tmpdir = const_cast<char*>(tmpdir.c_str());
  lxw_workbook* book = workbook_new_opt(file.path().c_str(), &options);
  if (!book) throw std::runtime_error("libxlsxwriter cannot create the workbook");
  Formats formats(book);
  std::set<std::string> used;
  std::vector<Correction> corrections;
  std::vector<RoundReport> reports;
  for (const auto* r : rounds) reports.push_back(build_round_report(show, r->id));
  // First: what organisers publish.
  write_publication(workbook_add_worksheet(book, sheet_name("公示", used).c_str()), contest,
                    reports, seal, languages, formats);
  for (const RoundReport& report : reports) {
    const core::Round* r = report.round;
    Grid grid = round_grid(contest, report, false);
    lxw_worksheet* sheet =
        workbook_add_worksheet(book, sheet_name(r->name + " " + r->id, used).c_str());
    write_grid(sheet, grid, formats);
    corrections.insert(corrections.end(), report.corrections.begin(), report.corrections.end());
  }
  Grid fixes = corrections_grid(contest, corrections);
  write_grid(workbook_add_worksheet(book, sheet_name(fixes.name, used).c_str()), fixes, formats);
  Grid polls = polls_grid(reports);
  write_grid(workbook_add_worksheet(book, sheet_name(polls.name, used).c_str()), polls, formats);
  write_about(workbook_add_worksheet(book, sheet_name("说明 about", used).c_str()), contest,
              show.admission(), seal, formats);
  if (lxw_error error = workbook_close(book); error != LXW_NO_ERROR)
    throw std::runtime_error(std::string("libxlsxwriter: ") + lxw_strerror(error));

  std::ifstream in(file.path(), std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

std::string grids_xlsx(const std::vector<Grid>& grids) {
  TempFile file;
  lxw_workbook_options options{};
  const std::string tmpdir = std::filesystem::temp_directory_path().string();
  options.tmpdir = const_cast<char*>(tmpdir.c_str());
  lxw_workbook* book = workbook_new_opt(file.path().c_str(), &options);
  if (!book) throw std::runtime_error("libxlsxwriter cannot create the workbook");
  Formats formats(book);
  std::set<std::string> used;
  for (const Grid& grid : grids)
    write_grid(workbook_add_worksheet(book, sheet_name(grid.name, used).c_str()), grid, formats);
  if (lxw_error error = workbook_close(book); error != LXW_NO_ERROR)
    throw std::runtime_error(std::string("libxlsxwriter: ") + lxw_strerror(error));
  std::ifstream in(file.path(), std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

}  // namespace stagevote::tools
