#include "support/contest_info.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "support/http_client.hpp"

namespace stagevote::reliability {

ContestInfo fetch_contest(unsigned short port, const std::string& host_key) {
  const auto reply = http_get(port, "/api/contest", {{"Authorization", "Bearer " + host_key}});
  if (!reply || reply->status != 200) throw std::runtime_error("GET /api/contest failed");
  const auto body = nlohmann::json::parse(reply->body);
  ContestInfo info;
  for (const auto& round : body.at("rounds")) {
    info.rounds.push_back({round.at("id"), round.at("entries").get<std::vector<std::string>>()});
  }
  for (const auto& entry : body.at("entries")) {
    info.entry_units[entry.at("id").get<std::string>()] = entry.at("unit").get<std::string>();
  }
  for (const auto& judge : body.at("judges")) {
    ContestInfo::Judge j{judge.at("id"), std::nullopt, judge.at("token")};
    if (judge.at("unit").is_string()) j.unit = judge.at("unit").get<std::string>();
    info.judges.push_back(std::move(j));
  }
  for (const auto& criterion : body.at("scoring").at("criteria")) {
    info.criteria.push_back({criterion.at("id"), criterion.at("max").get<double>()});
  }
  info.display_key = body.at("display_key");
  return info;
}

}  // namespace stagevote::reliability
