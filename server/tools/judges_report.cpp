// The judges' report as a workbook and as a print-ready page (judges_report.hpp).
#include "tools/judges_report.hpp"

#include <cmath>

#include "tools/report.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

// The flags as the desk names them.
std::string flag_words(const std::vector<std::string>& flags) {
  std::string text;
  for (const auto& flag : flags) {
    if (!text.empty()) text += "、";
    if (flag == "bias")
      text += "偏向 bias";
    else if (flag == "reversed")
      text += "反序 reversed";
    else if (flag == "noisy")
      text += "离散 noisy";
    else if (flag == "affinity")
      text += "关联 affinity";
    else
      text += flag;
  }
  return text;
}

GridCell number(const core::Figure& figure, int decimals) {
  if (!figure.value) return GridCell{"", std::nullopt, -1};
  return GridCell{format_fixed(*figure.value, decimals), *figure.value, decimals};
}

GridCell count(int n) {
  return GridCell{std::to_string(n), static_cast<double>(n), 0};
}

GridCell text(std::string value) {
  return GridCell{std::move(value), std::nullopt, -1};
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : "、") + name;
  return text;
}

// What the figures mean, for the workbook's second sheet and the page's foot.
std::vector<std::pair<std::string, std::string>> definitions(const core::RoundStats& stats,
                                                             const core::StatsThresholds& t) {
  const std::string sigma = stats.sigma.value ? format_fixed(*stats.sigma.value, 3) : "—";
  return {
      {"参照 reference",
       "其他评委总分按本轮去高去低规则的平均 / the other judges' trimmed mean on the entry"},
      {"σ", sigma + "（" + std::to_string(stats.sigma.n) +
                " 位评委偏差均方根的中位数 / the median of the judges' RMS deviations）"},
      {"偏差 bias",
       "非关联单位作品上 总分−参照 的平均 / mean of total − reference, entries "
       "outside related units; 标记 flag: |bias − 全组中位数 panel's median| ≥ " +
           format_number(t.bias) + "σ 且 and ≥ " + format_number(t.bias_errors) +
           " 倍标准误 standard errors"},
      {"评分分数 marking score", "非关联单位作品上 偏差均方根 ÷ σ / RMS deviation ÷ σ"},
      {"离散 scatter",
       "偏差的标准差 ÷ 全组中位数 / SD of the deviations ÷ the panel's median; "
       "标记 noisy ≥ " +
           format_number(t.noisy)},
      {"ρ",
       "评委排序与参照排序的 Spearman 相关 / Spearman's rho vs the reference; 标记 "
       "reversed ≤ " +
           format_number(t.reversed)},
      {"关联 affinity",
       "关联单位作品上的平均偏差 − bias / related-unit mean deviation − bias; "
       "标记 |affinity| ≥ " +
           format_number(t.affinity) + "σ"},
      {"N", "每个数字所依据的作品数；少于 " + std::to_string(t.min_entries) +
                " 个不标记 / entries behind each figure; none flagged on fewer than " +
                std::to_string(t.min_entries)},
  };
}

}  // namespace

Grid judges_grid(const core::Contest& contest, const core::RoundStats& stats) {
  Grid grid;
  grid.name = "评委评分统计 judges";
  grid.header = {"评委 judge",
                 "姓名 name",
                 "作品 entries",
                 "标记 flags",
                 "偏差 bias",
                 "N",
                 "评分分数 marking",
                 "离散 scatter",
                 "N",
                 "去最高 dropped high",
                 "去最低 dropped low",
                 "ρ Spearman",
                 "N",
                 "关联单位平均偏差 related",
                 "关联 affinity",
                 "N",
                 "关联单位 related units"};
  for (const auto& s : stats.judges) {
    const core::Judge* judge = contest.find_judge(s.judge);
    grid.rows.push_back({text(s.judge), text(judge ? judge->name : s.judge), count(s.entries),
                         text(flag_words(s.flags)), number(s.bias, 2), count(s.bias.n),
                         number(s.marking_score, 2), number(s.scatter, 2), count(s.marking_score.n),
                         count(s.dropped_high), count(s.dropped_low), number(s.spearman, 3),
                         count(s.spearman.n), number(s.related, 2), number(s.affinity, 2),
                         count(s.affinity.n), text(judge ? joined(judge->related_units) : "")});
  }
  return grid;
}

std::string judges_report_xlsx(const core::Contest& contest, const std::string& round,
                               const core::RoundStats& stats,
                               const core::StatsThresholds& thresholds) {
  Grid about;
  about.name = "说明 about";
  about.header = {"项目 item", "说明 definition"};
  const core::Round* r = contest.find_round(round);
  about.rows.push_back({text("轮次 round"), text(round + (r ? " " + r->name : ""))});
  for (auto& [item, definition] : definitions(stats, thresholds))
    about.rows.push_back({text(item), text(definition)});
  return grids_xlsx({judges_grid(contest, stats), about});
}

std::string judges_report_html(const core::Contest& contest, const std::string& round,
                               const core::RoundStats& stats, std::int64_t generated_at,
                               const core::StatsThresholds& thresholds) {
  const core::Round* r = contest.find_round(round);
  const Grid grid = judges_grid(contest, stats);
  std::string html =
      "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" +
      html_escape("评委评分统计 · " + contest.name) +
      "</title>\n<style>\n@page { size: A4 landscape; margin: 12mm 10mm; }\n"
      "body { font-family: \"Noto Sans CJK SC\", \"Noto Sans SC\", \"Microsoft YaHei\", "
      "sans-serif; font-size: 9pt; color: #111; }\n"
      "h1 { font-size: 15pt; margin: 0 0 1mm; text-align: center; }\n"
      "p.sub { text-align: center; margin: 0 0 4mm; }\n"
      "table { border-collapse: collapse; width: 100%; }\n"
      "th, td { border: 0.6pt solid #555; padding: 0.8mm 1.2mm; text-align: center; }\n"
      "th { background: #e8eef6; font-size: 8pt; }\n"
      "tr.flagged td { background: #fff2cc; }\n"
      "dl { font-size: 8.5pt; margin-top: 4mm; } dt { font-weight: 600; } dd { margin: 0 0 1mm "
      "4mm; }\n"
      "</style></head><body>\n<h1>" +
      html_escape(contest.name) + " · 评委评分统计</h1>\n<p class=\"sub\">" +
      html_escape(round + (r ? " " + r->name : "")) + " · 生成于 generated " +
      html_escape(format_time(generated_at)) + "</p>\n<table>\n<thead><tr>";
  for (const auto& head : grid.header) html += "<th>" + html_escape(head) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < grid.rows.size(); ++i) {
    const bool flagged = !stats.judges[i].flags.empty();
    html += flagged ? "<tr class=\"flagged\" data-judge=\"" : "<tr data-judge=\"";
    html += html_escape(stats.judges[i].judge) + "\">";
    for (const auto& cell : grid.rows[i]) html += "<td>" + html_escape(cell.text) + "</td>";
    html += "</tr>\n";
  }
  html += "</tbody></table>\n<dl>\n";
  for (const auto& [item, definition] : definitions(stats, thresholds))
    html += "<dt>" + html_escape(item) + "</dt><dd>" + html_escape(definition) + "</dd>\n";
  html += "</dl>\n</body></html>\n";
  return html;
}

}  // namespace stagevote::tools
