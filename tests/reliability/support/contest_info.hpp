#pragma once
// What a test needs to know of the running contest, read from GET /api/contest (host key).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stagevote::reliability {

struct ContestInfo {
  struct Round {
    std::string id;
    std::vector<std::string> entries;  // running order
  };
  struct Judge {
    std::string id;
    std::optional<std::string> unit;
    std::string token;
  };
  struct Criterion {
    std::string id;
    double max = 0;
  };
  std::vector<Round> rounds;
  std::map<std::string, std::string> entry_units;  // entry id -> unit
  std::vector<Judge> judges;
  std::vector<Criterion> criteria;
  std::string display_key;  // what a display's hello must carry

  bool recused(const Judge& judge, const std::string& entry) const {
    return judge.unit && entry_units.at(entry) == *judge.unit;
  }
};

// Throws std::runtime_error if the API does not answer 200 with the contract's shape.
ContestInfo fetch_contest(unsigned short port, const std::string& host_key);

}  // namespace stagevote::reliability
