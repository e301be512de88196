#pragma once
// JSON forms of the core's values: the ledger's payloads and the API's results.
// Pure (nlohmann::json is a value type); parsing errors are typed bad_request Errors.
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "model.hpp"
#include "scoring.hpp"

namespace stagevote::core {

// Contest <-> JSON in the shape of the contract's GET /api/contest (plus units, forms,
// themes, awards, judge title). Import files use the same shape.
nlohmann::json contest_to_json(const Contest& contest, bool with_tokens);
nlohmann::json audience_to_json(const AudiencePolicy& audience);
Result<Contest> contest_from_json(const nlohmann::json& json);

// Command <-> JSON. `kind` is command_kind(); the object holds the fields. The one reader of
// commands: a ledger record's payload, and a host's `cmd` on the wire (whose extra members,
// type, id and action, are not the command's), with the sizes of commands.hpp's kMax*.
// A `show` command takes its params from "params" and from any other member.
nlohmann::json command_to_json(const Command& command);
// command_to_json(command).dump(), byte for byte; a vote of plain strings (as phones send
// them) is written directly, without a JSON tree.
std::string command_payload(const Command& command);
Result<Command> command_from_json(std::string_view kind, const nlohmann::json& payload);

// Marks from {"criterion": number, ...}; bad_request on non-numbers.
Result<Marks> marks_from_json(const nlohmann::json& json);

// One entry of the contract's results JSON, and the whole {"round":..., "entries":[...]}.
nlohmann::json result_to_json(const EntryResult& result);
nlohmann::json results_to_json(std::string_view round, const std::vector<EntryResult>& results);

}  // namespace stagevote::core
