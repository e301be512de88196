// Award tiers by rank (shared ranks widen a tier) and the popularity award.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/scoring.hpp"

using namespace stagevote::core;

namespace {

const std::vector<AwardTier> kTiers{
    {"first", "一等奖", 1}, {"second", "二等奖", 2}, {"third", "三等奖", 3}};

// Results in rank order: entries e1, e2, ... with these ranks and votes.
std::vector<EntryResult> ranked(const std::vector<int>& ranks, std::vector<long> votes = {}) {
  votes.resize(ranks.size(), 0);
  std::vector<EntryResult> results;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    EntryResult r;
    r.entry = "e" + std::to_string(i + 1);
    r.rank = ranks[i];
    r.votes = votes[i];
    results.push_back(r);
  }
  return results;
}

// "tier:entry" for each award, in the order given.
std::vector<std::string> summary(const std::vector<Award>& awards) {
  std::vector<std::string> out;
  for (const auto& a : awards) out.push_back(a.award + ":" + a.entry);
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("Award tiers go down the ranks by their counts", "[awards]") {
  struct Case {
    const char* name;
    std::vector<int> ranks;
    Names expected;
  };
  const auto c = GENERATE(values<Case>({
      {"distinct ranks",
       {1, 2, 3, 4, 5, 6, 7, 8},
       {"first:e1", "second:e2", "second:e3", "third:e4", "third:e5", "third:e6"}},
      {"a shared first place widens the first tier",
       {1, 1, 3, 4, 5, 6, 7},
       {"first:e1", "first:e2", "second:e3", "third:e4", "third:e5", "third:e6"}},
      {"a tie across the second tier's edge widens it",
       {1, 2, 3, 3, 5, 6, 7},
       {"first:e1", "second:e2", "second:e3", "second:e4", "third:e5", "third:e6"}},
      {"a tie across the last edge widens the last tier",
       {1, 2, 3, 4, 5, 6, 6, 8},
       {"first:e1", "second:e2", "second:e3", "third:e4", "third:e5", "third:e6", "third:e7"}},
      {"fewer entries than prizes", {1, 2}, {"first:e1", "second:e2"}},
      {"everybody tied takes the first tier", {1, 1, 1}, {"first:e1", "first:e2", "first:e3"}},
  }));
  CAPTURE(c.name);
  CHECK(summary(compute_awards(kTiers, "最佳人气奖", ranked(c.ranks))) == c.expected);
}

TEST_CASE("A tier with no places gives nothing and the next starts where it would", "[awards]") {
  const std::vector<AwardTier> tiers{
      {"gold", "Gold", 1}, {"none", "None", 0}, {"bronze", "Bronze", 1}};
  CHECK(summary(compute_awards(tiers, "", ranked({1, 2, 3}))) == Names{"gold:e1", "bronze:e2"});
}

TEST_CASE("The popularity award goes to the most votes, ties share it", "[awards]") {
  const std::vector<AwardTier> no_tiers;
  SECTION("one winner") {
    const auto awards = compute_awards(no_tiers, "最佳人气奖", ranked({1, 2, 3}, {5, 9, 2}));
    REQUIRE(awards.size() == 1);
    CHECK(awards[0].award == "popularity");
    CHECK(awards[0].name == "最佳人气奖");
    CHECK(awards[0].entry == "e2");
  }
  SECTION("a tie shares it") {
    CHECK(summary(compute_awards(no_tiers, "p", ranked({1, 2, 3}, {9, 2, 9}))) ==
          Names{"popularity:e1", "popularity:e3"});
  }
  SECTION("nobody voted: no popularity award") {
    CHECK(compute_awards(no_tiers, "p", ranked({1, 2, 3}, {0, 0, 0})).empty());
  }
  SECTION("listed after the tiers") {
    CHECK(summary(compute_awards(kTiers, "p", ranked({1, 2}, {1, 4}))) ==
          Names{"first:e1", "second:e2", "popularity:e2"});
  }
}
