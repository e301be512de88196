#pragma once
// Every reply to a request, rendered: acks, errors, pongs, welcomes. The engine decides what
// happened; this says how it reads on the wire (docs/protocol.md).
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.hpp"
#include "core/show.hpp"
#include "protocol/message.hpp"
#include "protocol/role.hpp"

namespace stagevote::protocol {

// {"type":"error","id":...,"code":...,"message":...}; no "id" member when the request had none.
Message error(const RequestId& id, core::ErrorCode code, std::string_view message);
Message error(const RequestId& id, const core::Error& error);
// A `rate_limited` error that says when to try again: "retry_after" in whole seconds,
// rounded up (as HTTP's Retry-After).
Message retry_later(const RequestId& id, std::string_view message, core::Millis wait);

// {"type":"pong","id":...,"server_time":...}
Message pong(const RequestId& id, core::Millis server_time);

// {"type":"ack","id":...,"counted":...,"poll":...,"choice":...}: `choice` is what the device
// voted for, the first time (a repeat is told its first choice).
// `rating`: a rating poll's ballot (1..10), said back as "rating"; 0 for a choice vote.
Message vote_ack(const RequestId& id, bool counted, std::string_view poll, std::string_view choice,
                 int rating = 0);

// The ack of an accepted host command or judge's score, from the show just after it: an open
// poll's id, a drawn order, a judge's total.
Message command_ack(const RequestId& id, const core::Command& command, const core::Outcome& outcome,
                    const core::Show& after);

// The first ack of `reissue_judge_token`: {"type":"ack","id":...,"judge":...,"token":...}, the
// new token for the card. Only this reply carries it: a re-sent id gets command_ack()'s, which
// names the judge alone.
Message judge_token_ack(const RequestId& id, std::string_view judge, std::string_view token);

// The host's read-only `results` cmd: {"type":"ack","id":...,"results":{...}}.
Message results_ack(const RequestId& id, const core::Show& show, std::string_view round);

// {"type":"welcome",...} for a connection that has just said hello.
struct Welcome {
  Role role = Role::audience;
  RequestId id;
  core::Millis server_time = 0;
  const std::string* catalogue = nullptr;  // the contest as every client sees it (catalogue())
  // audience: its token, and what it voted for in each poll so far (poll id -> entry id)
  std::string device;
  std::vector<std::pair<std::string, std::string>> votes;
  std::vector<std::pair<std::string, int>> ratings;  // a rating poll's ballot: poll -> 1..10
  const core::Judge* judge = nullptr;                // judge: who
};
Message welcome(const Welcome& welcome);

// The welcome's "contest": the static catalogue every client needs (never judge tokens),
// serialised once per contest.
std::string catalogue(const core::Contest& contest);

}  // namespace stagevote::protocol
