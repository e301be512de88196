#include "engine/service.hpp"

#include "protocol/replies.hpp"

namespace stagevote::engine {

using core::ErrorCode;
using protocol::Role;

Service::Service(Engine& engine, const Credentials& credentials, Publisher& publisher)
    : engine_(engine), credentials_(credentials), publisher_(publisher) {}

HelloResult Service::hello(const protocol::HelloRequest& hello) {
  Identity identity{hello.role, {}};
  std::optional<core::Judge> judge;
  switch (hello.role) {
    case Role::audience:
      identity.actor = credentials_.admit_device(hello.device);
      break;
    case Role::judge:
      judge = Credentials::judge_for_token(*engine_.contest(), hello.token);
      if (!judge)
        return {std::nullopt,
                protocol::error(hello.id, ErrorCode::unauthorized, "unknown judge token")};
      identity.actor = judge->id;
      break;
    case Role::host:
      if (!credentials_.is_host_key(hello.key)) {
        return {std::nullopt, protocol::error(hello.id, ErrorCode::unauthorized, "wrong host key")};
      }
      identity.actor = "host";
      break;
    case Role::display:
      identity.actor = "display";
      break;
  }
  auto welcome = publisher_.welcome(hello.role, hello.id, identity.actor, judge);
  return {std::move(identity), std::move(welcome)};
}

void Service::handle(const Identity& who, protocol::Request&& request, ReplyFn reply) {
  const auto refuse = [&](const protocol::RequestId& id, const char* message) {
    reply(protocol::error(id, ErrorCode::forbidden, message));
  };
  if (auto* vote = std::get_if<protocol::VoteRequest>(&request)) {
    if (who.role != Role::audience) return refuse(vote->id, "only the audience votes");
    return engine_.submit(who.actor, std::move(vote->id),
                          core::Vote{who.actor, std::move(vote->poll), std::move(vote->choice), {}},
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
    return engine_.submit(who.actor, std::move(cmd->id), std::move(cmd->command), std::move(reply));
  }
  // hello and ping are the connection's own business.
  reply(protocol::error(protocol::request_id(request), ErrorCode::bad_request,
                        "this connection already said hello"));
}

}  // namespace stagevote::engine
