#include "engine/service.hpp"

#include "engine/secrets.hpp"
#include "engine/tickets.hpp"
#include "protocol/replies.hpp"

namespace stagevote::engine {

using core::ErrorCode;
using protocol::Role;

Service::Service(Engine& engine, const Credentials& credentials, Publisher& publisher,
                 AudienceGate& gate, std::vector<Network> host_from)
    : engine_(engine),
      credentials_(credentials),
      publisher_(publisher),
      gate_(gate),
      guard_(engine.clock(), std::move(host_from)) {}

HelloResult Service::hello(const protocol::HelloRequest& hello, std::string_view address) {
  Identity identity{hello.role, {}, std::string(address), {}};
  std::optional<core::Judge> judge;
  const auto refused = [&](ErrorCode code, std::string message) {
    return HelloResult{std::nullopt, protocol::error(hello.id, code, message)};
  };
  // Host, display and judge credentials: an address that keeps guessing waits, unchecked.
  const auto slowed = [&]() -> std::optional<HelloResult> {
    const auto wait = guard_.wait(address);
    if (!wait) return std::nullopt;
    return HelloResult{std::nullopt, protocol::retry_later(
                                         hello.id, "too many wrong keys from this address", *wait)};
  };
  // An empty key or token is no guess: refused, not counted.
  const auto checked = [&](bool right, std::string_view presented, std::string_view what) {
    if (right) {
      guard_.succeeded(address);
    } else if (!presented.empty()) {
      guard_.failed(address, what);
    }
    return right;
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
      if (auto refusal = slowed()) return std::move(*refusal);
      judge = Credentials::judge_for_token(*engine_.contest(), hello.token);
      if (!checked(judge.has_value(), hello.token, "judge token")) {
        return refused(ErrorCode::unauthorized, "unknown judge token");
      }
      identity.actor = judge->id;
      if (hello.desk && !judge->chief) {
        return refused(ErrorCode::forbidden, "the desk is the chief judge's (评审组长)");
      }
      identity.desk = hello.desk;
      break;
    case Role::host:
      // Off the venue Wi-Fi unless the organisers said otherwise: not even the key is looked at.
      if (!guard_.host_allowed(address)) {
        guard_.forbidden(address);
        return refused(ErrorCode::forbidden,
                       "the host console is accepted only from this computer or the networks "
                       "given by --host-from");
      }
      if (auto refusal = slowed()) return std::move(*refusal);
      if (!checked(credentials_.is_host_key(hello.key), hello.key, "host key")) {
        return refused(ErrorCode::unauthorized, "wrong host key");
      }
      identity.actor = "host";
      break;
    case Role::display:
      if (auto refusal = slowed()) return std::move(*refusal);
      if (!checked(credentials_.is_display_key(hello.key), hello.key, "display key")) {
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
    return engine_.submit(
        who.actor, std::move(vote->id),
        core::Vote{who.actor, std::move(vote->poll), std::move(vote->choice), {}, vote->rating},
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
  if (auto* confirm = std::get_if<protocol::ConfirmRequest>(&request)) {
    if (who.role != Role::judge) return refuse(confirm->id, "only the asked judge confirms");
    return engine_.submit(
        who.actor, std::move(confirm->id),
        core::ConfirmScore{who.actor, std::move(confirm->round), std::move(confirm->entry)},
        std::move(reply));
  }
  if (auto* cmd = std::get_if<protocol::CommandRequest>(&request)) {
    // The review is the chief's (core::Show checks who): `by` is who sent it, never what the
    // message says.
    auto* recheck = std::get_if<core::RequestRecheck>(&cmd->command);
    auto* release = std::get_if<core::ReleaseReview>(&cmd->command);
    if (recheck || release) {
      if (who.role != Role::host && who.role != Role::judge) {
        return refuse(cmd->id, "only the chief judge runs the review");
      }
      const std::string by = who.role == Role::judge ? who.actor : std::string();
      if (recheck) recheck->by = by;
      if (release) release->by = by;
      return engine_.submit(who.actor, std::move(cmd->id), std::move(cmd->command),
                            std::move(reply));
    }
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

}  // namespace stagevote::engine
