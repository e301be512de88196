#include "engine/service.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "engine/secrets.hpp"
#include "protocol/replies.hpp"

namespace stagevote::engine {

using core::ErrorCode;
using protocol::Role;

namespace {

// 31 letters and digits that cannot be misread for one another (no 0/o, 1/i/l): 16 of them
// carry 79 bits, so a ticket cannot be guessed, and they are safe in a URL.
constexpr std::string_view kTicketAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
constexpr std::size_t kTicketLength = 16;

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

Service::Service(Engine& engine, const Credentials& credentials, Publisher& publisher,
                 AudienceGate& gate)
    : engine_(engine), credentials_(credentials), publisher_(publisher), gate_(gate) {}

HelloResult Service::hello(const protocol::HelloRequest& hello, std::string_view address) {
  Identity identity{hello.role, {}, std::string(address), {}};
  std::optional<core::Judge> judge;
  const auto refused = [&](ErrorCode code, std::string message) {
    return HelloResult{std::nullopt, protocol::error(hello.id, code, message)};
  };
  switch (hello.role) {
    case Role::audience: {
      protocol::HelloRequest audience = hello;
      audience.ticket = normalise_ticket(hello.ticket);
      auto admitted = gate_.admit(audience, address);
      if (auto* error = std::get_if<core::Error>(&admitted)) {
        return HelloResult{std::nullopt, protocol::error(hello.id, *error)};
      }
      auto& who = std::get<AudienceGate::Admitted>(admitted);
      identity.actor = std::move(who.actor);
      identity.device = std::move(who.device);
      break;
    }
    case Role::judge:
      judge = Credentials::judge_for_token(*engine_.contest(), hello.token);
      if (!judge) return refused(ErrorCode::unauthorized, "unknown judge token");
      identity.actor = judge->id;
      break;
    case Role::host:
      if (!credentials_.is_host_key(hello.key)) {
        return refused(ErrorCode::unauthorized, "wrong host key");
      }
      identity.actor = "host";
      break;
    case Role::display:
      if (!credentials_.is_display_key(hello.key)) {
        return refused(ErrorCode::unauthorized,
                       "a venue screen needs its key: open the display link the host console "
                       "shows");
      }
      identity.actor = "display";
      break;
  }
  auto welcome = publisher_.welcome(hello.role, hello.id, identity.device, identity.actor, judge);
  return {std::move(identity), std::move(welcome)};
}

void Service::leave(const Identity& who) {
  if (who.role == Role::audience) gate_.leave(who.actor, who.address);
}

void Service::handle(const Identity& who, protocol::Request&& request, ReplyFn reply) {
  const auto refuse = [&](const protocol::RequestId& id, const char* message) {
    reply(protocol::error(id, ErrorCode::forbidden, message));
  };
  if (auto* vote = std::get_if<protocol::VoteRequest>(&request)) {
    if (who.role != Role::audience) return refuse(vote->id, "only the audience votes");
    return engine_.submit(who.actor, std::move(vote->id),
                          core::Vote{who.actor, std::move(vote->poll), std::move(vote->choice)},
                          std::move(reply));
  }
  if (auto* score = std::get_if<protocol::ScoreRequest>(&request)) {
    if (who.role != Role::judge) return refuse(score->id, "only judges score");
    return engine_.submit(who.actor, std::move(score->id),
                          core::Score{who.actor, std::move(score->round), std::move(score->entry),
                                      std::move(score->marks)},
                          std::move(reply));
  }
  if (auto* results = std::get_if<protocol::ResultsRequest>(&request)) {
    if (who.role != Role::host) return refuse(results->id, "only the host may do this");
    return reply(engine_.read([&](const core::Show& show) {
      if (!show.contest().find_round(results->round)) {
        return protocol::error(results->id, ErrorCode::not_found, "no round " + results->round);
      }
      return protocol::results_ack(results->id, show, results->round);
    }));
  }
  if (auto* cmd = std::get_if<protocol::CommandRequest>(&request)) {
    if (who.role != Role::host) return refuse(cmd->id, "only the host may do this");
    if (auto* void_ticket = std::get_if<core::VoidTicket>(&cmd->command)) {
      // The host may give the printed number or the code itself.
      void_ticket->ticket = engine_.read([&](const core::Show& show) {
        if (show.ticket_by_id(void_ticket->ticket)) return void_ticket->ticket;
        const core::Ticket* ticket =
            show.ticket_by_hash(sha256_hex(normalise_ticket(void_ticket->ticket)));
        return ticket ? ticket->id : void_ticket->ticket;
      });
    }
    return engine_.submit(who.actor, std::move(cmd->id), std::move(cmd->command), std::move(reply));
  }
  // hello and ping are the connection's own business.
  reply(protocol::error(protocol::request_id(request), ErrorCode::bad_request,
                        "this connection already said hello"));
}

void Service::issue_tickets(int count, TicketsDone done) {
  if (count < 1 || static_cast<std::size_t>(count) > core::kMaxTicketsPerIssue) {
    return done(core::make_error(
        ErrorCode::bad_request,
        "count: 1 to " + std::to_string(core::kMaxTicketsPerIssue) + " tickets at a time"));
  }
  const std::size_t first =
      engine_.read([](const core::Show& show) { return show.tickets().size(); });
  Tickets tickets;
  core::IssueTickets command;
  for (int i = 0; i < count; ++i) {
    tickets.codes.push_back(new_ticket_code());
    tickets.numbers.push_back(std::to_string(first + 1 + static_cast<std::size_t>(i)));
    command.tickets.push_back({tickets.numbers.back(), sha256_hex(tickets.codes.back())});
  }
  const std::string probe = command.tickets.front().hash;
  engine_.submit("host", std::nullopt, std::move(command),
                 [this, probe, done = std::move(done),
                  tickets = std::move(tickets)](protocol::Message reply) mutable {
                   // The reply comes after the commit: the show then holds the tickets, or
                   // the reply says why not.
                   const bool made = engine_.read([&](const core::Show& show) {
                     return show.ticket_by_hash(probe) != nullptr;
                   });
                   if (made) return done(std::move(tickets));
                   const auto error = nlohmann::json::parse(*reply, nullptr, false);
                   done(core::make_error(ErrorCode::conflict,
                                         error.is_object() ? error.value("message", "") : *reply));
                 });
}

}  // namespace stagevote::engine
