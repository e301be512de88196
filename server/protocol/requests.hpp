#pragma once
// Client messages parsed and validated into typed requests: the one reader of what clients
// send over the WebSocket. A pure function of the text (a libFuzzer target feeds it arbitrary
// bytes): every malformed input is a typed bad_request Error, never an exception or a crash.
// A host's `cmd` is read by the same reader as the ledger's records (core::command_from_json).
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/commands.hpp"
#include "core/error.hpp"
#include "protocol/message.hpp"
#include "protocol/role.hpp"

namespace stagevote::protocol {

inline constexpr std::size_t kMaxIdLength = 64;  // request ids
using core::kMaxNameLength;                      // ids of polls, entries ...; tokens, keys

struct HelloRequest {
  RequestId id;
  Role role = Role::audience;
  std::string device;  // audience: token from an earlier welcome ("" if none or malformed)
  std::string code;    // audience, code admission: the join code ("" if none)
  std::string ticket;  // audience, ticket admission: the seat ticket's code ("" if none)
  std::string token;   // judge
  std::string key;     // host: the host key; display: the display key ("" if none)
  bool desk = false;   // judge: the chief judge's desk (a second tab), not the judge's phone
};

struct PingRequest {
  RequestId id;
};

struct VoteRequest {
  RequestId id;
  std::string poll;
  std::string choice;  // "" in a rating vote
  int rating = 0;      // 1..10 in a rating vote (rating polls); 0: a choice vote
};

struct ScoreRequest {
  RequestId id;
  std::string round;
  std::string entry;
  core::Marks marks;
};

// A host `cmd` that changes the show (everything but `results`).
struct CommandRequest {
  RequestId id;
  core::Command command;
};

// The host's read-only `results` cmd.
struct ResultsRequest {
  RequestId id;
  std::string round;
};

// A judge asked to re-check keeps their marks (docs/protocol.md, "Tolerance review").
struct ConfirmRequest {
  RequestId id;
  std::string round;
  std::string entry;
};

using Request = std::variant<HelloRequest, PingRequest, VoteRequest, ScoreRequest, CommandRequest,
                             ResultsRequest, ConfirmRequest>;

core::Result<Request> parse_client_message(std::string_view text);

// The request's id, whatever its type.
const RequestId& request_id(const Request& request) noexcept;

// The two halves of parse_client_message, apart for the tests and the fuzzer.
// A vote in its plain form (an object of printable-ASCII strings without escapes, as phones
// send it) read without building a JSON tree: the message every phone sends, thousands a
// second. Nothing for anything else, including every vote the general parser would refuse;
// whatever it returns, the general parser returns the same.
std::optional<VoteRequest> parse_plain_vote(std::string_view text);
// Any message, through a JSON tree.
core::Result<Request> parse_any_message(std::string_view text);

// The "id" of a message that failed to parse, if one can be read, so that the error reply
// still answers the request.
RequestId salvage_request_id(std::string_view text);

}  // namespace stagevote::protocol
