#pragma once
// Seat tickets (ticket admission, docs/protocol.md "Admission"): their codes, how a code is
// printed and read back, and how a batch is made (core::SeatTicket: a number and its code). The
// host console (POST /api/tickets) and `stagevote tickets` both make tickets with issue_tickets(),
// so the codes and the ledger's `issue_tickets` record are the same whichever made them.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "engine/engine.hpp"

namespace stagevote::engine {

// A ticket code as printed ("k7mq-2nxe-...") or typed: lower case, without separators.
std::string normalise_ticket(std::string_view code);

// A code as printed for typing: groups of four joined by '-' ("k7mq-2nxe-8fgh-3kpt");
// normalise_ticket() reads it back.
std::string grouped_ticket(std::string_view code);

// Makes `count` tickets (1 to core::kMaxTicketsPerIssue) numbered after those the show holds
// and submits them to `engine` as the host. `done` is called once, maybe from the store's
// writer thread: with the tickets once the file holds them, or with the error (bad_request: a
// bad count; conflict: the show refused them, e.g. another batch took the same numbers).
using TicketsDone = std::function<void(std::variant<std::vector<core::SeatTicket>, core::Error>)>;
void issue_tickets(Engine& engine, int count, TicketsDone done);

}  // namespace stagevote::engine
