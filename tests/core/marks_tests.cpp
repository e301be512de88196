// validate_marks: a judge's sheet must name every criterion once, within 0..max, with at
// most the scheme's decimals.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "core/scoring.hpp"

using namespace stagevote::core;

namespace {

ScoringScheme scheme(int decimals) {
  ScoringScheme s;
  s.criteria = {{"c1", "Content", 40}, {"c2", "Art", 30}};
  s.decimals = decimals;
  return s;
}

}  // namespace

TEST_CASE("Marks within range and decimals are accepted", "[marks]") {
  struct Case {
    int decimals;
    double c1, c2;
  };
  const auto c = GENERATE(values<Case>({{0, 0, 0},
                                        {0, 40, 30},
                                        {0, 38, 27},
                                        {1, 38.5, 27.1},
                                        {1, 0.3, 0.1 + 0.2},
                                        {2, 38.55, 27.25},
                                        {2, 0.01, 29.99},
                                        {2, 40, 30},
                                        {2, 38.5, 27},
                                        {1, 39.9, 29.9},
                                        {2, 0.07, 0.29},
                                        {2, -0.0, 0}}));
  CAPTURE(c.decimals, c.c1, c.c2);
  const auto status = validate_marks(scheme(c.decimals), Marks{{"c1", c.c1}, {"c2", c.c2}});
  INFO((status ? status->message : ""));
  CHECK_FALSE(status.has_value());
}

TEST_CASE("Bad marks are rejected with a typed error", "[marks]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    const char* name;
    int decimals;
    Marks marks;
    ErrorCode code;
  };
  const auto c = GENERATE_COPY(values<Case>({
      {"negative", 2, {{"c1", -0.5}, {"c2", 10}}, ErrorCode::out_of_range},
      {"just below zero", 2, {{"c1", -0.01}, {"c2", 10}}, ErrorCode::out_of_range},
      {"above max", 2, {{"c1", 40.01}, {"c2", 10}}, ErrorCode::out_of_range},
      {"above another criterion's max", 0, {{"c1", 35}, {"c2", 31}}, ErrorCode::out_of_range},
      {"too many decimals for 2", 2, {{"c1", 38.555}, {"c2", 10}}, ErrorCode::out_of_range},
      {"too many decimals for 1", 1, {{"c1", 38.55}, {"c2", 10}}, ErrorCode::out_of_range},
      {"any decimal for 0", 0, {{"c1", 38.5}, {"c2", 10}}, ErrorCode::out_of_range},
      {"a tiny fraction", 2, {{"c1", 38.5 + 1e-4}, {"c2", 10}}, ErrorCode::out_of_range},
      {"NaN", 2, {{"c1", nan}, {"c2", 10}}, ErrorCode::out_of_range},
      {"infinity", 2, {{"c1", inf}, {"c2", 10}}, ErrorCode::out_of_range},
      {"minus infinity", 2, {{"c1", -inf}, {"c2", 10}}, ErrorCode::out_of_range},
      {"missing criterion", 2, {{"c1", 30}}, ErrorCode::bad_request},
      {"no marks at all", 2, {}, ErrorCode::bad_request},
      {"unknown criterion", 2, {{"c1", 30}, {"c2", 10}, {"c9", 1}}, ErrorCode::bad_request},
      {"unknown instead of known", 2, {{"c1", 30}, {"C2", 10}}, ErrorCode::bad_request},
  }));
  CAPTURE(c.name);
  const auto status = validate_marks(scheme(c.decimals), c.marks);
  REQUIRE(status.has_value());
  CHECK(status->code == c.code);
  CHECK_FALSE(status->message.empty());
}

TEST_CASE("A mark error names the criterion", "[marks]") {
  const auto status = validate_marks(scheme(2), Marks{{"c1", 10}, {"c2", 31}});
  REQUIRE(status.has_value());
  CHECK_THAT(status->message, Catch::Contains("c2"));
  const auto missing = validate_marks(scheme(2), Marks{{"c2", 1}});
  REQUIRE(missing.has_value());
  CHECK_THAT(missing->message, Catch::Contains("c1"));
}
