#pragma once
// The JSON bodies of the HTTP API under /api/ (docs/protocol.md).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/show.hpp"

namespace stagevote::protocol {

// GET /api/contest (host only): the contest in the import's shape, judge tokens included,
// and the venue screens' key.
std::string contest_body(const core::Contest& contest, std::string_view display_key);
// GET /api/rounds/{round}/results (host only): the contract's results with our extras.
std::string results_body(const core::Show& show, std::string_view round);
// GET /api/info (anyone): the contest's name and where phones join.
std::string info_body(const core::Contest& contest, std::string_view join_url);
// What the host console's integrity panel shows (GET /api/integrity, host only).
struct IntegrityPanel {
  core::Admission mode = core::Admission::open;
  int identities_per_address = 0, identity_window_s = 0, connections_per_address = 0;
  long max_audience = 0;
  long connections = 0;                         // audience connections now
  long identities = 0;                          // distinct audience identities connected now
  std::vector<long> new_identities_per_minute;  // the last 10 minutes, newest last
  struct PollRate {
    std::string poll;
    long total = 0;
    long last_minute = 0;
  };
  std::optional<PollRate> open_poll;
  struct Address {
    std::string address;
    long connections = 0, identities = 0, refusals = 0;  // identities: made in the window
  };
  std::vector<Address> busiest;          // at most 10, most active first
  std::map<std::string, long> refusals;  // audience hellos refused since the start, by reason
  struct Alert {
    std::string kind;  // "identities" | "votes": more in the last minute than the threshold
    long count = 0, threshold = 0;
  };
  std::vector<Alert> alerts;
  // Addresses whose wrong host keys, display keys or judge tokens are being slowed now
  // (engine/credential_guard.hpp).
  long slowed_credential_addresses = 0;
};
std::string integrity_body(const IntegrityPanel& panel);

// POST /api/tickets: the request {"count": N[, "format": "json"|"pdf"][, "lang": "zh"|"zh,en"]}.
// `count` is passed on as given (clamped to -1..1,000,000): the engine checks its range; a
// printed one is refused here above core::kMaxPrintedTickets.
struct TicketsRequest {
  long count = 0;
  bool pdf = false;      // the printed sheet instead of the codes as JSON
  bool english = false;  // the sheet's instructions in English too
};
core::Result<TicketsRequest> parse_tickets_request(std::string_view body);
// Its JSON reply: {"tickets":["<code>", ...],"numbers":["1", ...]}.
std::string tickets_body(const std::vector<core::SeatTicket>& tickets);
// Tickets that were made but could not be printed: the error, with the codes (they exist
// nowhere else) so that they are not lost: {"error", "message", "tickets", "numbers"}.
std::string unprinted_tickets_body(std::string_view code, std::string_view message,
                                   const std::vector<core::SeatTicket>& tickets);

// {"error":"<code>"} or {"error":"<code>","message":"..."}: every refusal of the API.
std::string error_body(std::string_view code, std::string_view message = {});

}  // namespace stagevote::protocol
