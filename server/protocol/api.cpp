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

json tickets_json(const std::vector<core::SeatTicket>& tickets) {
  json codes = json::array(), numbers = json::array();
  for (const auto& ticket : tickets) {
    codes.push_back(ticket.code);
    numbers.push_back(ticket.number);
  }
  return {{"tickets", std::move(codes)}, {"numbers", std::move(numbers)}};
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
               {"alerts", std::move(alerts)},
               {"credentials", {{"slowed_addresses", p.slowed_credential_addresses}}}});
}

core::Result<TicketsRequest> parse_tickets_request(std::string_view body) {
  const auto request = json::parse(body, nullptr, false);
  const auto refused = [](std::string message) {
    return core::make_error(core::ErrorCode::bad_request, std::move(message));
  };
  if (!request.is_object() || !request.contains("count") || !request["count"].is_number_integer()) {
    return refused("send {\"count\": N}, N the number of tickets to make");
  }
  TicketsRequest parsed;
  parsed.count = static_cast<long>(
      std::clamp<std::int64_t>(request["count"].get<std::int64_t>(), -1, 1'000'000));
  if (const auto format = request.find("format"); format != request.end()) {
    if (*format != "json" && *format != "pdf") return refused("format: \"json\" or \"pdf\"");
    parsed.pdf = *format == "pdf";
  }
  if (parsed.pdf && parsed.count > static_cast<long>(core::kMaxPrintedTickets)) {
    return refused("a printed sheet holds at most " + std::to_string(core::kMaxPrintedTickets) +
                   " tickets: print them in batches");
  }
  if (const auto lang = request.find("lang"); lang != request.end()) {
    if (*lang != "zh" && *lang != "zh,en") return refused("lang: \"zh\" or \"zh,en\"");
    parsed.english = *lang == "zh,en";
  }
  return parsed;
}

std::string tickets_body(const std::vector<core::SeatTicket>& tickets) {
  return dump(tickets_json(tickets));
}

std::string unprinted_tickets_body(std::string_view code, std::string_view message,
                                   const std::vector<core::SeatTicket>& tickets) {
  json body = {{"error", code}, {"message", message}};
  body.update(tickets_json(tickets));
  return dump(body);
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
