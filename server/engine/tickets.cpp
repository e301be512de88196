#include "engine/tickets.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "engine/secrets.hpp"

namespace stagevote::engine {

namespace {

// 31 letters and digits that cannot be misread for one another (no 0/o, 1/i/l): 16 of them
// carry 79 bits, so a ticket cannot be guessed, and they are safe in a URL.
constexpr std::string_view kTicketAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
constexpr std::size_t kTicketLength = 16;
constexpr std::size_t kGroup = 4;

std::string new_ticket_code() {
  std::string code;
  while (code.size() < kTicketLength) {
    for (const unsigned char byte : random_bytes(kTicketLength)) {
      // Rejection keeps every letter equally likely: 248 = 8 * 31.
      if (byte < 248 && code.size() < kTicketLength) code.push_back(kTicketAlphabet[byte % 31]);
    }
  }
  return code;
}

}  // namespace

std::string normalise_ticket(std::string_view code) {
  std::string out;
  for (const char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string grouped_ticket(std::string_view code) {
  std::string out;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % kGroup == 0) out.push_back('-');
    out.push_back(code[i]);
  }
  return out;
}

void issue_tickets(Engine& engine, int count, TicketsDone done) {
  if (count < 1 || static_cast<std::size_t>(count) > core::kMaxTicketsPerIssue) {
    return done(core::make_error(
        core::ErrorCode::bad_request,
        "count: 1 to " + std::to_string(core::kMaxTicketsPerIssue) + " tickets at a time"));
  }
  const std::size_t issued =
      engine.read([](const core::Show& show) { return show.tickets().size(); });
  std::vector<core::SeatTicket> tickets;
  core::IssueTickets command;
  for (int i = 0; i < count; ++i) {
    core::SeatTicket& ticket = tickets.emplace_back(core::SeatTicket{
        std::to_string(issued + 1 + static_cast<std::size_t>(i)), new_ticket_code()});
    command.tickets.push_back({ticket.number, sha256_hex(ticket.code)});
  }
  const std::string probe = command.tickets.front().hash;
  engine.submit("host", std::nullopt, std::move(command),
                [&engine, probe, done = std::move(done),
                 tickets = std::move(tickets)](protocol::Message reply) mutable {
                  // The reply comes after the commit: the show then holds the tickets, or the
                  // reply says why not.
                  const bool made = engine.read([&](const core::Show& show) {
                    return show.ticket_by_hash(probe) != nullptr;
                  });
                  if (made) return done(std::move(tickets));
                  const auto error = nlohmann::json::parse(*reply, nullptr, false);
                  done(core::make_error(core::ErrorCode::conflict,
                                        error.is_object() ? error.value("message", "") : *reply));
                });
}

}  // namespace stagevote::engine
