// The judge cards: the card page's layout (display/judge-cards.js, display/css/judge-cards.css)
// made on the server, for Chromium to print without a running server or a host key.
#include "tools/judge_cards.hpp"

#include <stdexcept>
#include <vector>

#include "support/qr.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {
namespace {

// The print rules of display/css/judge-cards.css (A4, no margin, one card a page), a little
// tighter: Chromium's fonts here set the steps taller, and the last line must stay on the page.
constexpr const char* kStyle = R"css(
@page { size: A4 portrait; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
       "PingFang SC", sans-serif; color: #111; }
.card { width: 210mm; height: 297mm; padding: 18mm 20mm 14mm; display: flex; flex-direction: column;
        align-items: center; text-align: center; overflow: hidden; break-after: page; }
.card:last-child { break-after: auto; }
.contest { font-size: 17pt; font-weight: 800; line-height: 1.35; margin: 0; color: #a3111c; }
.subtitle { font-size: 11pt; margin: 4mm 0 0; color: #333; }
.role { margin: 10mm 0 0; font-size: 13pt; letter-spacing: 0.4em; color: #444; }
.name { margin: 3mm 0 0; font-size: 40pt; font-weight: 900; letter-spacing: 0.08em; }
.title { margin: 2mm 0 0; font-size: 14pt; color: #333; }
.qr { width: 84mm; height: 84mm; margin: 8mm 0 0; }
.qr svg { display: block; width: 100%; height: 100%; }
.url { margin: 4mm 0 0; font: 8.5pt/1.3 "DejaVu Sans Mono", monospace; color: #333;
       word-break: break-all; max-width: 150mm; }
.token { margin: 3mm 0 0; font-size: 12pt; }
.token b { font: 700 13pt/1.3 "DejaVu Sans Mono", monospace; letter-spacing: 0.05em;
           word-break: break-all; }
.steps { margin: 7mm 0 0; padding: 6mm 10mm; text-align: left; font-size: 12pt; line-height: 1.7;
         border: 1.5pt solid #111; border-radius: 4mm; max-width: 150mm; }
.steps ol { margin: 2mm 0 0; padding-left: 6mm; }
.steps h3 { margin: 0; font-size: 12.5pt; }
.keep { margin-top: auto; font-size: 10pt; color: #444; }
@media screen {
  body { background: #e9e6e1; }
  .card { margin: 8mm auto; background: #fff; }
}
)css";

// The same words as the card page's.
constexpr const char* kSteps[] = {
    "手机连接会场 "
    "Wi-Fi，用相机或微信扫描上方二维码，打开评分页（无法扫码时，打开上面的网址并输入评委口令）。",
    "页面会显示您的姓名；节目上台后展开该节目，按各项标准打分并提交。",
    "看到“已提交，服务器确认总分”才算提交成功；主持人锁定前可修改。",
    "本单位作品自动回避，无需评分。",
};

std::string card_html(const core::Contest& contest, const core::Judge& judge,
                      std::string_view base_url) {
  const std::string link = judge_url(base_url, judge.token);
  const auto qr = support::qr_svg(link);
  // A card without its QR code would send the judge to type a long link: refuse instead.
  if (!qr) throw std::invalid_argument("cannot make a QR code of " + link + " (too long?)");
  std::string title = judge.title;
  if (judge.unit && !judge.unit->empty()) title += (title.empty() ? "" : " · ") + *judge.unit;
  std::string html = "<section class=\"card\" data-judge=\"" + html_escape(judge.id) + "\">\n";
  html += "<p class=\"contest\">" + html_escape(contest.name) + "</p>\n";
  if (!contest.subtitle.empty())
    html += "<p class=\"subtitle\">" + html_escape(contest.subtitle) + "</p>\n";
  html +=
      "<p class=\"role\">评 委 卡</p>\n<h2 class=\"name\">" + html_escape(judge.name) + "</h2>\n";
  if (!title.empty()) html += "<p class=\"title\">" + html_escape(title) + "</p>\n";
  html += "<div class=\"qr\">" + *qr + "</div>\n<p class=\"url\">" + html_escape(link) + "</p>\n";
  html += "<p class=\"token\">评委口令：<b>" + html_escape(judge.token) + "</b></p>\n";
  html += "<div class=\"steps\">\n<h3>使用说明</h3>\n<ol>\n";
  for (const char* step : kSteps) html += "<li>" + std::string(step) + "</li>\n";
  html += "</ol>\n</div>\n<p class=\"keep\">本卡含个人评分口令，请妥善保管，勿转交他人。</p>\n";
  return html + "</section>\n";
}

}  // namespace

std::string judge_url(std::string_view base_url, std::string_view token) {
  return std::string(base_url) + "/judge#t=" + std::string(token);
}

std::string judge_cards_html(const core::Contest& contest, std::string_view base_url,
                             const std::optional<std::string>& judge) {
  std::vector<const core::Judge*> judges;
  for (const auto& j : contest.judges)
    if (!judge || j.id == *judge) judges.push_back(&j);
  if (judges.empty()) {
    if (judge) {
      std::string known;
      for (const auto& j : contest.judges) known += " " + j.id;
      throw std::invalid_argument("unknown judge " + *judge + " (judges:" + known + ")");
    }
    throw std::invalid_argument("the contest has no judges");
  }
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      html_escape("评委卡 · " + contest.name) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n";
  for (const auto* j : judges) html += card_html(contest, *j, base_url);
  return html + "</body>\n</html>\n";
}

}  // namespace stagevote::tools
