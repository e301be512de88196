#pragma once
// The seat-ticket sheet (ticket admission, docs/data.md "Seat tickets"): A4 portrait, eight
// tickets a page (2 × 4) inside light dashed cut lines. Each ticket carries the contest's
// name, 座位票 / Seat ticket, its number (No. 0037), a QR code of `<base url>/vote#ticket=CODE`,
// the code grouped for typing (k7mq-2nxe-…) and one line of instructions. Self-contained HTML
// (inline SVG, no scripts, no external files), printed to PDF by render_pdf() / print_pdf()
// like the publication sheet.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "engine/tickets.hpp"

namespace stagevote::tools {

inline constexpr std::size_t kTicketsPerPage = 8;  // 2 columns × 4 rows

// The sheet's instructions: Chinese, or Chinese then English.
enum class TicketLanguages { zh, zh_en };

// `base_url`: where phones reach the server ("http://192.168.1.20:8080", no trailing '/').
// Throws std::invalid_argument if a ticket's link is too long for a QR code (kMaxQrText).
std::string ticket_sheet_html(const core::Contest& contest,
                              const std::vector<core::SeatTicket>& tickets,
                              std::string_view base_url, TicketLanguages languages);

// A ticket's number as printed: "No. 0037" (padded to four digits, so that a cut pile sorts
// by eye; a number that is not all digits is printed as it is).
std::string printed_ticket_number(std::string_view number);

// The link a ticket's QR code carries: `<base url>/vote#ticket=<code>`.
std::string ticket_url(std::string_view base_url, std::string_view code);

}  // namespace stagevote::tools
