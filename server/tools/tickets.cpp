// The seat-ticket sheet: HTML laid out in millimetres for A4, printed by Chromium.
#include "tools/tickets.hpp"

#include <algorithm>
#include <stdexcept>

#include "support/qr.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {

namespace {

constexpr std::size_t kNumberDigits = 4;

// A4 less an 8 mm margin every printer can print in: 194 × 281 mm, cut into 97 × 70.25 mm
// tickets. The cut lines are the tickets' own dashed borders: every ticket draws its right and
// bottom edge, the first column and row their left and top, so no line is drawn twice.
constexpr const char* kStyle = R"css(
@page { size: A4 portrait; margin: 8mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
       "PingFang SC", sans-serif; color: #111; }
.page { display: grid; grid-template-columns: repeat(2, 97mm);
        grid-template-rows: repeat(4, 70.25mm); break-after: page; }
.page:last-child { break-after: auto; }
.ticket { border-right: 0.4pt dashed #999; border-bottom: 0.4pt dashed #999; padding: 4.5mm 5mm 4mm;
          display: flex; flex-direction: column; overflow: hidden; }
.ticket:nth-child(odd) { border-left: 0.4pt dashed #999; }
.ticket:nth-child(-n+2) { border-top: 0.4pt dashed #999; }
.contest { margin: 0; font-size: 9.5pt; font-weight: 700; line-height: 1.3; color: #a3111c;
           text-align: center; max-height: 2.6em; overflow: hidden; }
.body { display: flex; align-items: center; gap: 4mm; margin-top: 2.5mm; flex: 1; min-height: 0; }
/* As large as the ticket leaves room for: a two-line name and English instructions shrink it. */
.qr { flex: none; height: min(36mm, 100%); aspect-ratio: 1 / 1; }
.qr svg { display: block; width: 100%; height: 100%; }
.facts { flex: 1; min-width: 0; }
.facts p { margin: 0; }
.kind { font-size: 14pt; font-weight: 700; letter-spacing: 0.15em; }
.kind span { display: block; font-size: 7.5pt; font-weight: 400; letter-spacing: 0.05em;
             color: #555; }
.number { margin-top: 2mm !important; font-size: 19pt; font-weight: 700;
          font-variant-numeric: tabular-nums; white-space: nowrap; }
.label { margin-top: 2mm !important; font-size: 7pt; color: #555; }
.code { font: 700 10.5pt/1.3 "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace;
        letter-spacing: 0.02em; white-space: nowrap; }
.how { margin: 2mm 0 0; font-size: 7pt; line-height: 1.4; color: #333; }
.how + .how { margin-top: 0.5mm; }
.url { font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; }
.whole { display: inline-block; }
@media screen {
  body { background: #e9e6e1; }
  .page { width: 194mm; margin: 8mm auto; background: #fff; }
}
)css";

std::string ticket_html(const core::Contest& contest, const core::SeatTicket& ticket,
                        std::string_view base_url, TicketLanguages languages) {
  const std::string link = ticket_url(base_url, ticket.code);
  const auto qr = support::qr_svg(link);
  // A ticket without its QR code is no ticket: refuse the sheet rather than print it.
  if (!qr) throw std::invalid_argument("cannot make a QR code of " + link + " (too long?)");
  const std::string vote_url = "<span class=\"url\">" + html_escape(base_url) + "/vote</span>";
  std::string html = "<div class=\"ticket\">\n<p class=\"contest\">" + html_escape(contest.name) +
                     "</p>\n<div class=\"body\">\n<div class=\"qr\">" + *qr +
                     "</div>\n<div class=\"facts\">\n"
                     "<p class=\"kind\">座位票<span>Seat ticket</span></p>\n<p class=\"number\">" +
                     html_escape(printed_ticket_number(ticket.number)) +
                     "</p>\n<p class=\"label\">票码 Code</p>\n<p class=\"code\">" +
                     html_escape(engine::grouped_ticket(ticket.code)) + "</p>\n</div>\n</div>\n";
  // The second sentence never breaks inside: it goes to the next line whole.
  html += "<p class=\"how\">扫码投票；无法扫码时打开 " + vote_url +
          " 输入票码。<span class=\"whole\">一票一人，请妥善保管，勿转借。</span></p>\n";
  if (languages == TicketLanguages::zh_en) {
    html += "<p class=\"how\">Scan to vote, or open " + vote_url +
            " and type the code. <span class=\"whole\">One ticket, one voter: keep it "
            "safe.</span></p>\n";
  }
  return html + "</div>\n";
}

}  // namespace

std::string printed_ticket_number(std::string_view number) {
  const bool digits = !number.empty() && std::all_of(number.begin(), number.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
  std::string padded(number);
  if (digits && padded.size() < kNumberDigits) padded.insert(0, kNumberDigits - padded.size(), '0');
  return "No. " + padded;
}

std::string ticket_url(std::string_view base_url, std::string_view code) {
  return std::string(base_url) + "/vote#ticket=" + std::string(code);
}

std::string ticket_sheet_html(const core::Contest& contest,
                              const std::vector<core::SeatTicket>& tickets,
                              std::string_view base_url, TicketLanguages languages) {
  std::string title = "座位票 · " + contest.name;
  if (!tickets.empty()) {
    title += " · " + printed_ticket_number(tickets.front().number) + "–" +
             printed_ticket_number(tickets.back().number);
  }
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      html_escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    if (i % kTicketsPerPage == 0)
      html += i == 0 ? "<div class=\"page\">\n" : "</div>\n<div class=\"page\">\n";
    html += ticket_html(contest, tickets[i], base_url, languages);
  }
  if (!tickets.empty()) html += "</div>\n";
  return html + "</body>\n</html>\n";
}

}  // namespace stagevote::tools
