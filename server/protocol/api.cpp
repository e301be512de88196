#include "protocol/api.hpp"

#include <algorithm>
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

std::string contest_body(const core::Contest& contest, std::string_view display_key) {
  json body = core::contest_to_json(contest, /*with_tokens=*/true);
  body["display_key"] = display_key;
  return dump(body);
}

std::string integrity_body(const IntegrityPanel& p) {
  json busiest = json::array();
  for (const auto& a : p.busiest) {
    busiest.push_back({{"address", a.address},
                       {"connections", a.connections},
                       {"identities", a.identities},
                       {"refusals", a.refusals}});
  }
  json alerts = json::array();
  for (const auto& a : p.alerts) {
    alerts.push_back({{"kind", a.kind}, {"count", a.count}, {"threshold", a.threshold}});
  }
  json poll = nullptr;
  if (p.open_poll) {
    poll = {{"id", p.open_poll->poll},
            {"total", p.open_poll->total},
            {"votes_last_minute", p.open_poll->last_minute}};
  }
  return dump({{"admission",
                {{"mode", core::to_string(p.mode)},
                 {"identities_per_address", p.identities_per_address},
                 {"identity_window_s", p.identity_window_s},
                 {"connections_per_address", p.connections_per_address},
                 {"max_audience", p.max_audience}}},
               {"audience", {{"connections", p.connections}, {"identities", p.identities}}},
               {"new_identities_per_minute", p.new_identities_per_minute},
               {"poll", std::move(poll)},
               {"busiest", std::move(busiest)},
               {"refusals", p.refusals},
               {"alerts", std::move(alerts)}});
}

core::Result<long> parse_tickets_request(std::string_view body) {
  const auto request = json::parse(body, nullptr, false);
  if (!request.is_object() || !request.contains("count") || !request["count"].is_number_integer()) {
    return core::make_error(core::ErrorCode::bad_request,
                            "send {\"count\": N}, N the number of tickets to make");
  }
  return static_cast<long>(
      std::clamp<std::int64_t>(request["count"].get<std::int64_t>(), -1, 1'000'000));
}

std::string tickets_body(const std::vector<std::string>& codes,
                         const std::vector<std::string>& numbers) {
  return dump({{"tickets", codes}, {"numbers", numbers}});
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
