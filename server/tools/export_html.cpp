// The publication sheet (公示): A4 landscape HTML with print CSS, self-contained (no scripts,
// no external files) so that it prints the same anywhere and Chromium can make the PDF.
#include <stdexcept>

#include "engine/heads.hpp"
#include "tools/exporters.hpp"
#include "tools/report.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

constexpr const char* kStyle = R"css(
@page { size: A4 landscape; margin: 12mm 10mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
       "PingFang SC", sans-serif; font-size: 9.5pt; color: #111; margin: 0; }
header.sheet { text-align: center; margin-bottom: 4mm; }
header.sheet h1 { font-size: 17pt; margin: 0 0 1mm; }
header.sheet .subtitle { font-size: 11pt; margin: 0; }
section.round { break-before: page; }
section.round:first-of-type { break-before: auto; }
h2 { font-size: 13pt; margin: 0 0 2mm; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.6pt solid #555; padding: 0.8mm 1.2mm; text-align: center; vertical-align: middle; }
th { background: #e8eef6; font-weight: 600; font-size: 8.5pt; }
td.title { text-align: left; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.dropped { text-decoration: line-through; color: #888; }
td.recused { color: #888; font-size: 8pt; }
td.corrected { background: #fce4d6; }
tr.amended td.final { background: #fff2cc; font-weight: 600; }
.tag { display: inline-block; border: 0.6pt solid #b45309; color: #b45309; border-radius: 1mm;
       font-size: 7.5pt; padding: 0 1mm; margin-left: 1mm; white-space: nowrap; }
.legend, .rules, .seal { font-size: 8.5pt; color: #333; margin: 2mm 0; }
.seal code { font-size: 8pt; word-break: break-all; }
.signatures { display: flex; gap: 20mm; margin-top: 8mm; font-size: 10pt; }
.signatures div { flex: 1; border-top: 0.6pt solid #333; padding-top: 1mm; }
@media screen { body { max-width: 297mm; margin: 8mm auto; padding: 0 6mm; } }
)css";

std::string td(const std::string& cls, const std::string& content) {
  return "<td" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + ">" + content + "</td>";
}

// The round's audience polls: who could vote in each, and what was refused while it was open.
std::string polls_section(const RoundReport& report) {
  if (report.polls.empty()) return {};
  std::string html =
      "<h3>观众投票 Audience polls</h3>\n<table>\n<thead><tr><th>投票 Poll</th>"
      "<th>入场 Admission</th><th>票数 Votes</th><th>开始 Opened</th><th>结束 Closed</th>"
      "<th>拒绝 Refused</th></tr></thead>\n<tbody>\n";
  for (const auto& poll : report.polls) {
    html += "<tr>" + td("", html_escape(poll.id)) + td("", core::to_string(poll.admission)) +
            td("num", std::to_string(poll.total)) +
            td("num", html_escape(format_time(poll.opened_at))) +
            td("num", poll.closed_at ? html_escape(format_time(poll.closed_at)) : "进行中 open") +
            td("", html_escape(describe_refusals(poll.refusals))) + "</tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

std::string round_section(const core::Contest& contest, const RoundReport& report) {
  const auto& scheme = contest.scoring;
  std::string html = "<section class=\"round\">\n<h2>" + html_escape(report.round->name) +
                     " 成绩公示 <small>Results · " + html_escape(report.round->id) +
                     "</small></h2>\n";
  html += "<table>\n<thead><tr><th>名次<br>Rank</th><th>作品<br>Title</th><th>单位<br>Unit</th>";
  for (const auto& judge : contest.judges)
    html +=
        "<th>" + html_escape(judge.name) + "<br><small>" + html_escape(judge.id) + "</small></th>";
  html +=
      "<th>评委得分<br>Judges</th><th>票数<br>Votes</th><th>观众得分<br>Audience</th>"
      "<th>最终得分<br>Final</th><th>奖项<br>Award</th></tr></thead>\n<tbody>\n";
  for (const auto& row : report.rows) {
    const auto& result = row.result;
    html += row.amended ? "<tr class=\"amended\">" : "<tr>";
    html += td("num", std::to_string(result.rank));
    std::string title = row.entry ? html_escape(row.entry->title) : html_escape(result.entry);
    if (row.amended) title += "<span class=\"tag\">已更正 amended</span>";
    html += td("title", title);
    html += td("title", row.entry ? html_escape(row.entry->unit) : "");
    for (const auto& judge : row.judges) {
      switch (judge.state) {
        case JudgeCell::State::scored: {
          std::string cls = "num";
          if (judge.dropped) cls += " dropped";
          if (judge.corrected) cls += " corrected";
          html += td(cls, format_fixed(judge.total, scheme.decimals));
          break;
        }
        case JudgeCell::State::recused:
          html += td("recused", "回避");
          break;
        case JudgeCell::State::not_scored:
          html += td("", "—");
          break;
      }
    }
    const core::Published& published = result.published;
    html += td("num", published.judge_component ? published.judge_component->text() : "—");
    html += td("num", std::to_string(result.votes));
    html += td("num", published.audience_component.text());
    html += td("num final", published.final_score.text());
    std::string awards;
    for (const auto& name : row.awards) awards += (awards.empty() ? "" : "、") + html_escape(name);
    html += td("", awards);
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
  html +=
      "<p class=\"legend\">划线的评委分为去掉的最高/最低分；“回避”为本单位评委不参与评分；"
      "底色为主持人更正后的分数。 Struck-through totals were dropped as highest/lowest; "
      "回避 = recused (the judge's own unit); shaded = corrected by the host.</p>\n";

  if (!report.corrections.empty()) {
    html +=
        "<h3>更正记录 Corrections</h3>\n<table>\n<thead><tr><th>作品 Entry</th><th>评委 Judge</th>"
        "<th>更正前 Before</th><th>更正后 After</th><th>操作人 Who</th><th>时间 When</th>"
        "<th>理由 Why</th></tr></thead>\n<tbody>\n";
    for (const auto& c : report.corrections) {
      const core::Entry* entry = contest.find_entry(c.entry);
      const core::Judge* judge = contest.find_judge(c.judge);
      html += "<tr>" + td("title", html_escape(entry ? entry->title : c.entry)) +
              td("", html_escape(judge ? judge->name : c.judge)) +
              td("num", html_escape(c.before ? describe_marks(scheme, *c.before) : "未评分 none")) +
              td("num", html_escape(describe_marks(scheme, c.after))) + td("", html_escape(c.who)) +
              td("num", html_escape(format_time(c.at))) + td("title", html_escape(c.reason)) +
              "</tr>\n";
    }
    html += "</tbody>\n</table>\n";
  }
  html += polls_section(report);
  html += "</section>\n";
  return html;
}

std::string rules_paragraph(const core::Contest& contest) {
  const auto& s = contest.scoring;
  std::string criteria;
  for (const auto& c : s.criteria)
    criteria +=
        (criteria.empty() ? "" : "、") + html_escape(c.name) + "（" + format_number(c.max) + "分）";
  return "<p class=\"rules\">评分项：" + criteria + "。每位评委的分数为各项之和；评分评委不少于 " +
         std::to_string(s.trim_min) + " 人时去掉 " + std::to_string(s.trim) + " 个最高分和 " +
         std::to_string(s.trim) +
         " 个最低分后取平均，为评委得分。观众得分 = 100 × 本作品票数 ÷ 本轮最高票数。"
         "最终得分 = " +
         format_number(s.judge_weight) + " × 评委得分 + " + format_number(s.audience_weight) +
         " × 观众得分。评委得分、观众得分和最终得分均四舍五入保留 " +
         std::to_string(s.result_decimals) +
         " 位小数后公布，名次按公布的得分排定；同分依次比较评委得分、评委平均分、票数。<br>"
         "Each judge's total is the sum of the criteria; with at least " +
         std::to_string(s.trim_min) + " judges the " + std::to_string(s.trim) +
         " highest and lowest totals are dropped before the mean. "
         "Audience component = 100 × votes ÷ most votes in the round. Final = " +
         format_number(s.judge_weight) + " × judges + " + format_number(s.audience_weight) +
         " × audience. The judge, audience and final figures are published rounded half away "
         "from zero to " +
         std::to_string(s.result_decimals) +
         " decimals, and ranks are decided on the published figures; ties: judge component, "
         "plain mean, votes.</p>\n";
}

}  // namespace

std::string export_publication_html(const core::Show& show, const std::optional<std::string>& round,
                                    const LedgerSeal& seal, std::int64_t generated_at) {
  const core::Contest& contest = show.contest();
  std::vector<const core::Round*> rounds;
  if (round) {
    const core::Round* found = contest.find_round(*round);
    if (!found) throw std::invalid_argument("unknown round " + *round);
    rounds.push_back(found);
  } else {
    for (const auto& r : contest.rounds) rounds.push_back(&r);
  }
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      html_escape(contest.name) + " 成绩公示</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<header class=\"sheet\">\n<h1>" + html_escape(contest.name) +
      "</h1>\n";
  if (!contest.subtitle.empty())
    html += "<p class=\"subtitle\">" + html_escape(contest.subtitle) + "</p>\n";
  html += "<p class=\"subtitle\">" + html_escape(admission_label(show.admission())) + "</p>\n";
  html += "</header>\n";
  for (const auto* r : rounds) html += round_section(contest, build_round_report(show, r->id));
  html += rules_paragraph(contest);
  html += "<p class=\"seal\">导出时间 Exported " + html_escape(format_time(generated_at)) +
          "；账本 Ledger " + std::to_string(seal.records) +
          " 条记录 records；末条哈希 head hash <strong class=\"short-head\">" +
          html_escape(engine::short_hash(seal.head_hash)) + "</strong> <code>" +
          html_escape(seal.head_hash.empty() ? "(empty)" : seal.head_hash) +
          "</code>（可用 <code>stagevote verify --db FILE --head HASH</code> 核验 / verify）</p>\n";
  html +=
      "<div class=\"signatures\"><div>评委会主任 Jury chair</div><div>监督员 Supervisor</div>"
      "<div>主办单位 Organiser（盖章 seal）</div></div>\n</body>\n</html>\n";
  return html;
}

}  // namespace stagevote::tools
