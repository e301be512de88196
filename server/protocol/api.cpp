#include "protocol/api.hpp"

#include <nlohmann/json.hpp>

#include "core/codec.hpp"
#include "protocol/views.hpp"

namespace stagevote::protocol {

using nlohmann::json;

namespace {

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string contest_body(const core::Contest& contest) {
  return dump(core::contest_to_json(contest, /*with_tokens=*/true));
}

std::string results_body(const core::Show& show, std::string_view round) {
  return dump(round_results_json(show, round));
}

std::string info_body(const core::Contest& contest, std::string_view join_url) {
  return dump(
      {{"contest", {{"id", contest.id}, {"name", contest.name}, {"subtitle", contest.subtitle}}},
       {"join_url", join_url}});
}

std::string error_body(std::string_view code, std::string_view message) {
  json body = {{"error", code}};
  if (!message.empty()) body["message"] = message;
  return dump(body);
}

}  // namespace stagevote::protocol
