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
header.sheet .notice { font-size: 10pt; margin: 1mm 0 0; }
tr.unranked td { color: #555; }
td.unranked { white-space: nowrap; }
.tag.provisional { border-color: #1d4ed8; color: #1d4ed8; }
.seal p { margin: 0.5mm 0; }
.seal code { font-size: 8pt; white-space: nowrap; }
.signatures { display: flex; gap: 20mm; margin-top: 8mm; font-size: 10pt; }
.signatures div { flex: 1; border-top: 0.6pt solid #333; padding-top: 1mm; }
@media screen { body { max-width: 297mm; margin: 8mm auto; padding: 0 6mm; } }
)css";

std::string td(const std::string& cls, const std::string& content) {
  return "<td" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + ">" + content + "</td>";
}

// The sheet's words: Chinese, and English beside them only when asked (--lang zh,en).
class Words {
 public:
  explicit Words(Languages languages) : english_(languages == Languages::zh_en) {}
  bool english() const { return english_; }
  // "中文 English" or "中文".
  std::string operator()(const std::string& zh, const std::string& en) const {
    return english_ ? zh + " " + en : zh;
  }
  // A column head: the English on a second line.
  std::string th(const std::string& zh, const std::string& en) const {
    return "<th>" + (english_ ? zh + "<br>" + en : zh) + "</th>";
  }

 private:
  bool english_;
};

std::string admission_words(core::Admission admission, const Words& w) {
  if (w.english()) return admission_label(admission);
  switch (admission) {
    case core::Admission::open:
      return "观众入场：开放（每部手机一票，按来源地址限额）";
    case core::Admission::code:
      return "观众入场：凭现场大屏加入码";
    case core::Admission::ticket:
      return "观众入场：凭座位票，一票一人";
  }
  return "";
}

// A poll's admission mode in a cell: its id with English, 开放/加入码/座位票 in Chinese alone.
std::string admission_mode(core::Admission admission, const Words& w) {
  if (w.english()) return core::to_string(admission);
  switch (admission) {
    case core::Admission::open:
      return "开放";
    case core::Admission::code:
      return "加入码";
    case core::Admission::ticket:
      return "座位票";
  }
  return "";
}

// The round's audience polls: who could vote in each, and what was refused while it was open.
std::string polls_section(const RoundReport& report, const Words& w) {
  if (report.polls.empty()) return {};
  std::string html = "<h3>" + w("观众投票", "Audience polls") + "</h3>\n<table>\n<thead><tr>" +
                     w.th("投票", "Poll") + w.th("入场", "Admission") + w.th("票数", "Votes") +
                     w.th("开始", "Opened") + w.th("结束", "Closed") + w.th("拒绝", "Refused") +
                     "</tr></thead>\n<tbody>\n";
  for (const auto& poll : report.polls) {
    html +=
        "<tr>" + td("", html_escape(poll.id)) + td("", admission_mode(poll.admission, w)) +
        td("num", std::to_string(poll.total)) +
        td("num", html_escape(format_time(poll.opened_at))) +
        td("num", poll.closed_at ? html_escape(format_time(poll.closed_at)) : w("进行中", "open")) +
        td("", poll.refusals.empty() ? w("无", "none")
                                     : html_escape(describe_refusals(poll.refusals))) +
        "</tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

// A published figure, with 暂计 beside it while it may still move.
std::string figure(const core::Decimal& value, bool provisional, const Words& w) {
  std::string text = value.text();
  if (provisional)
    text += "<span class=\"tag provisional\">" + w("暂计", "provisional") + "</span>";
  return text;
}

std::string round_section(const core::Contest& contest, const RoundReport& report, const Words& w) {
  const auto& scheme = contest.scoring;
  std::string html =
      "<section class=\"round\">\n<h2>" + html_escape(report.round->name) + " 成绩公示" +
      (w.english() ? " <small>Results · " + html_escape(report.round->id) + "</small>"
                   : std::string()) +
      "</h2>\n";
  html += "<table>\n<thead><tr>" + w.th("名次", "Rank") + w.th("编号", "No.") +
          w.th("作品", "Title") + w.th("单位", "Unit");
  for (const auto& judge : contest.judges)
    html +=
        "<th>" + html_escape(judge.name) + "<br><small>" + html_escape(judge.id) + "</small></th>";
  html += w.th("评委得分", "Judges") + w.th("票数", "Votes") + w.th("观众得分", "Audience") +
          w.th("最终得分", "Final") + w.th("奖项", "Award") + "</tr></thead>\n<tbody>\n";
  // Judges, the four figures and the award: what an unranked row leaves empty.
  const std::size_t figure_columns = contest.judges.size() + 5;
  const std::vector<int> ranks = published_ranks(report);
  for (std::size_t i = 0; i < report.rows.size(); ++i) {
    const ReportRow& row = report.rows[i];
    const auto& result = row.result;
    std::string title = row.entry ? html_escape(row.entry->title) : html_escape(result.entry);
    const std::string unit = row.entry ? html_escape(row.entry->unit) : "";
    const Standing standing = standing_of(row);
    // A correction is public from the moment it is made (its record is below), revealed or not.
    if (row.amended) title += "<span class=\"tag\">" + w("已更正", "amended") + "</span>";
    if (standing != Standing::ranked) {
      // Nothing was published for it: no rank, no figures (a 0.000 would read as a score).
      const std::string label = standing == Standing::not_started ? w("未参赛", "did not perform")
                                                                  : w("未完成", "not finished");
      html += "<tr class=\"unranked\">" + td("unranked", label) +
              td("num id", html_escape(result.entry)) + td("title", title) + td("title", unit) +
              "<td class=\"unranked-note\" colspan=\"" + std::to_string(figure_columns) +
              "\"></td></tr>\n";
      continue;
    }
    html += row.amended ? "<tr class=\"amended\">" : "<tr>";
    html += td("num", std::to_string(ranks[i]));
    html += td("num id", html_escape(result.entry));
    html += td("title", title);
    html += td("title", unit);
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
    // The published figures as the show rounded them (result_decimals), never re-rounded.
    const core::Published& published = result.published;
    const bool provisional = is_provisional(result);
    html += td("num", published.judge_component ? published.judge_component->text() : "—");
    html += td("num", std::to_string(result.votes));
    html += td("num", figure(published.audience_component, provisional, w));
    html += td("num final", figure(published.final_score, provisional, w));
    std::string awards;
    for (const auto& name : row.awards) awards += (awards.empty() ? "" : "、") + html_escape(name);
    html += td("", awards);
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
  html +=
      "<p class=\"legend\">划线的评委分为去掉的最高/最低分；“回避”为本单位评委不参与评分；"
      "底色为更正后的分数；“未参赛”“未完成”的作品未揭晓成绩，不排名。";
  if (w.english())
    html +=
        " Struck-through totals were dropped as highest/lowest; 回避 = recused (the judge's own "
        "unit); shaded = corrected; 未参赛 (did not perform) and 未完成 (not finished) entries "
        "have no published result and no rank.";
  html += "</p>\n";

  if (!report.corrections.empty()) {
    html += "<h3>" + w("更正记录", "Corrections") + "</h3>\n<table>\n<thead><tr>" +
            w.th("作品", "Entry") + w.th("评委", "Judge") + w.th("更正前", "Before") +
            w.th("更正后", "After") + w.th("操作人", "Operator") + w.th("时间", "When") +
            w.th("理由", "Why") + "</tr></thead>\n<tbody>\n";
    for (const auto& c : report.corrections) {
      const core::Entry* entry = contest.find_entry(c.entry);
      const core::Judge* judge = contest.find_judge(c.judge);
      html += "<tr>" + td("title", html_escape(entry ? entry->title : c.entry)) +
              td("", html_escape(judge ? judge->name : c.judge)) +
              td("num",
                 c.before ? html_escape(describe_marks(scheme, *c.before)) : w("未评分", "none")) +
              td("num", html_escape(describe_marks(scheme, c.after))) +
              td("operator", html_escape(c.who)) + td("num", html_escape(format_time(c.at))) +
              td("title", html_escape(c.reason)) + "</tr>\n";
    }
    html += "</tbody>\n</table>\n";
  }
  html += polls_section(report, w);
  html += "</section>\n";
  return html;
}

std::string rules_paragraph(const core::Contest& contest, const Words& w) {
  const auto& s = contest.scoring;
  std::string criteria;
  for (const auto& c : s.criteria)
    criteria +=
        (criteria.empty() ? "" : "、") + html_escape(c.name) + "（" + format_number(c.max) + "分）";
  std::string html =
      "<p class=\"rules\">评分项：" + criteria + "。每位评委的分数为各项之和；评分评委不少于 " +
      std::to_string(s.trim_min) + " 人时去掉 " + std::to_string(s.trim) + " 个最高分和 " +
      std::to_string(s.trim) +
      " 个最低分后取平均，为评委得分。观众得分 = 100 × 本作品票数 ÷ 本轮最高票数。"
      "最终得分 = " +
      format_number(s.judge_weight) + " × 评委得分 + " + format_number(s.audience_weight) +
      " × 观众得分。评委得分、观众得分和最终得分均四舍五入保留 " +
      std::to_string(s.result_decimals) +
      " 位小数后公布，名次按公布的得分排定；同分依次比较评委得分、评委平均分、票数。";
  if (w.english())
    html += "<br>Each judge's total is the sum of the criteria; with at least " +
            std::to_string(s.trim_min) + " judges the " + std::to_string(s.trim) +
            " highest and lowest totals are dropped before the mean. "
            "Audience component = 100 × votes ÷ most votes in the round. Final = " +
            format_number(s.judge_weight) + " × judges + " + format_number(s.audience_weight) +
            " × audience. The judge, audience and final figures are published rounded half away "
            "from zero to " +
            std::to_string(s.result_decimals) +
            " decimals, and ranks are decided on the published figures; ties: judge component, "
            "plain mean, votes.";
  return html + "</p>\n";
}

// Date, venue, 公示期 and 监督电话 from the scheme's [publication], those given.
std::string publication_lines(const core::Publication& p, const Words& w) {
  std::string held, notice;
  const auto add = [&](std::string& line, const std::string& cls, const std::string& label,
                       const std::string& value) {
    if (value.empty()) return;
    line += (line.empty() ? "" : "　") + std::string("<span class=\"") + cls + "\">" + label +
            "：" + html_escape(value) + "</span>";
  };
  add(held, "date", w("比赛日期", "Date"), p.date);
  add(held, "venue", w("地点", "Venue"), p.venue);
  add(notice, "period", w("公示期", "Publication period"), p.period);
  add(notice, "phone", w("监督电话", "Complaints phone"), p.phone);
  std::string html;
  if (!held.empty()) html += "<p class=\"subtitle held\">" + held + "</p>\n";
  if (!notice.empty()) html += "<p class=\"notice\">" + notice + "</p>\n";
  return html;
}

// One hash to a line, never broken: a reader copies it from the paper or the PDF whole.
std::string seal_paragraph(const LedgerSeal& seal, std::int64_t generated_at, const Words& w) {
  const std::string head = seal.head_hash.empty() ? "(empty)" : seal.head_hash;
  const std::string contest = seal.contest_hash.empty() ? "(none)" : seal.contest_hash;
  const std::string short_head = engine::short_hash(seal.head_hash);
  return "<div class=\"seal\">\n<p>" + w("导出时间", "Exported") + " " +
         html_escape(format_time(generated_at)) + "；" + w("账本", "Ledger") + " " +
         std::to_string(seal.records) + " " + w("条记录", "records") + "</p>\n<p>" +
         w("账本末条哈希", "Ledger head") + "：<strong class=\"short-head\">" +
         html_escape(short_head) + "</strong> <code class=\"head\">" + html_escape(head) +
         "</code></p>\n<p>" + w("比赛哈希", "Contest hash") + "：<code class=\"contest-hash\">" +
         html_escape(contest) + "</code></p>\n<p>" + w("核验", "Verify") +
         "：<code>stagevote verify --db FILE --head " + html_escape(short_head) + "</code>；" +
         w("公开账本", "public ledger") + "：<code>stagevote verify --public FILE --head " +
         html_escape(short_head) + "</code></p>\n</div>\n";
}

}  // namespace

std::string export_publication_html(const core::Show& show, const std::optional<std::string>& round,
                                    const LedgerSeal& seal, std::int64_t generated_at,
                                    Languages languages) {
  const Words w(languages);
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
  html += publication_lines(contest.publication, w);
  html += "<p class=\"subtitle\">" + html_escape(admission_words(show.admission(), w)) + "</p>\n";
  html += "</header>\n";
  for (const auto* r : rounds) html += round_section(contest, build_round_report(show, r->id), w);
  html += rules_paragraph(contest, w);
  html += seal_paragraph(seal, generated_at, w);
  html += "<div class=\"signatures\"><div>" + w("评委会主任", "Jury chair") + "</div><div>" +
          w("监督员", "Supervisor") + "</div><div>" + w("主办单位", "Organiser") + "（" +
          w("盖章", "seal") + "）</div></div>\n</body>\n</html>\n";
  return html;
}

}  // namespace stagevote::tools
