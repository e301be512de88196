#include "tools/grid.hpp"

#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

GridCell text_cell(std::string text, GridCell::Mark mark = GridCell::Mark::none) {
  return GridCell{std::move(text), std::nullopt, -1, mark};
}

GridCell number_cell(double value, int decimals, GridCell::Mark mark = GridCell::Mark::none) {
  return GridCell{decimals < 0 ? format_number(value) : format_fixed(value, decimals), value,
                  decimals, mark};
}

// A published figure: its own digits in the CSV; in the XLSX the nearest double, formatted
// with as many decimals, which Excel shows as the same digits.
GridCell published_cell(const core::Decimal& figure, GridCell::Mark mark = GridCell::Mark::none) {
  return GridCell{figure.text(), figure.value(), figure.decimals, mark};
}

std::string judge_label(const core::Judge& judge) {
  return judge.name + " " + judge.id;
}

}  // namespace

Grid round_grid(const core::Contest& contest, const RoundReport& report, bool round_column) {
  const core::ScoringScheme& scheme = contest.scoring;
  Grid grid;
  grid.name = report.round->name;
  auto& header = grid.header;
  if (round_column) header.push_back("轮次 round");
  for (const char* title :
       {"名次 rank", "编号 id", "作品 title", "单位 unit", "形式 form", "主题 theme"})
    header.push_back(title);
  for (const auto& judge : contest.judges) {
    for (const auto& criterion : scheme.criteria)
      header.push_back(judge_label(judge) + " · " + criterion.name + " " + criterion.id);
    header.push_back(judge_label(judge) + " · 合计 total");
    header.push_back(judge_label(judge) + " · 去掉 dropped");
  }
  for (const char* title : {"评委得分 judge component", "评委平均 plain mean", "票数 votes",
                            "入场 admission", "观众得分 audience component", "最终得分 final",
                            "奖项 award", "状态 status", "更正 amended"})
    header.push_back(title);

  for (const auto& row : report.rows) {
    const core::EntryResult& result = row.result;
    std::vector<GridCell> cells;
    if (round_column) cells.push_back(text_cell(report.round->id));
    cells.push_back(number_cell(result.rank, 0));
    cells.push_back(text_cell(result.entry));
    cells.push_back(text_cell(row.entry ? row.entry->title : ""));
    cells.push_back(text_cell(row.entry ? row.entry->unit : ""));
    cells.push_back(text_cell(row.entry ? row.entry->form : ""));
    cells.push_back(text_cell(row.entry ? row.entry->theme : ""));
    for (const auto& judge : row.judges) {
      const auto mark = judge.corrected ? GridCell::Mark::corrected : GridCell::Mark::none;
      for (const auto& criterion : scheme.criteria) {
        auto found = judge.marks.find(criterion.id);
        if (judge.state == JudgeCell::State::scored && found != judge.marks.end()) {
          cells.push_back(number_cell(found->second, -1, mark));
        } else {
          cells.push_back(text_cell(""));
        }
      }
      switch (judge.state) {
        case JudgeCell::State::scored:
          cells.push_back(number_cell(judge.total, scheme.decimals,
                                      judge.dropped ? GridCell::Mark::dropped : mark));
          cells.push_back(
              text_cell(judge.dropped ? kDroppedLabel : "",
                        judge.dropped ? GridCell::Mark::dropped : GridCell::Mark::none));
          break;
        case JudgeCell::State::recused:
          cells.push_back(text_cell(kRecusedLabel, GridCell::Mark::recused));
          cells.push_back(text_cell(""));
          break;
        case JudgeCell::State::not_scored:
          cells.push_back(text_cell(""));
          cells.push_back(text_cell(""));
          break;
      }
    }
    const core::Published& published = result.published;
    if (published.judge_component) {
      cells.push_back(published_cell(*published.judge_component));
      cells.push_back(published_cell(published.plain_mean));
    } else {
      cells.push_back(text_cell(""));
      cells.push_back(text_cell(""));
    }
    cells.push_back(number_cell(static_cast<double>(result.votes), 0));
    cells.push_back(text_cell(admission_of(report, result.entry)));
    cells.push_back(published_cell(published.audience_component));
    cells.push_back(published_cell(published.final_score,
                                   row.amended ? GridCell::Mark::amended : GridCell::Mark::none));
    std::string awards;
    for (const auto& name : row.awards) awards += (awards.empty() ? "" : "、") + name;
    cells.push_back(text_cell(awards));
    cells.push_back(text_cell(status_label(row.status)));
    cells.push_back(row.amended ? text_cell(kAmendedLabel, GridCell::Mark::amended)
                                : text_cell(""));
    grid.rows.push_back(std::move(cells));
  }
  return grid;
}

Grid polls_grid(const std::vector<RoundReport>& reports) {
  Grid grid;
  grid.name = "观众投票 polls";
  grid.header = {"轮次 round", "投票 poll",   "作品 entries", "入场 admission",
                 "票数 votes", "开始 opened", "结束 closed",  "拒绝 refused"};
  for (const auto& report : reports) {
    for (const auto& poll : report.polls) {
      std::string entries;
      for (const auto& entry : poll.entries) entries += (entries.empty() ? "" : " ") + entry;
      grid.rows.push_back({text_cell(report.round->id), text_cell(poll.id), text_cell(entries),
                           text_cell(core::to_string(poll.admission)),
                           number_cell(static_cast<double>(poll.total), 0),
                           text_cell(format_time(poll.opened_at)),
                           text_cell(poll.closed_at ? format_time(poll.closed_at) : "进行中 open"),
                           text_cell(describe_refusals(poll.refusals))});
    }
  }
  return grid;
}

Grid corrections_grid(const core::Contest& contest, const std::vector<Correction>& corrections) {
  Grid grid;
  grid.name = "更正 corrections";
  grid.header = {"轮次 round",   "编号 entry", "作品 title", "评委 judge", "更正前 before",
                 "更正后 after", "操作人 who", "时间 when",  "理由 why"};
  for (const auto& c : corrections) {
    const core::Entry* entry = contest.find_entry(c.entry);
    const core::Judge* judge = contest.find_judge(c.judge);
    grid.rows.push_back({
        text_cell(c.round),
        text_cell(c.entry),
        text_cell(entry ? entry->title : ""),
        text_cell(judge ? judge_label(*judge) : c.judge),
        text_cell(c.before ? describe_marks(contest.scoring, *c.before) : "(未评分 none)"),
        text_cell(describe_marks(contest.scoring, c.after), GridCell::Mark::corrected),
        text_cell(c.who),
        text_cell(format_time(c.at)),
        text_cell(c.reason),
    });
  }
  return grid;
}

}  // namespace stagevote::tools
