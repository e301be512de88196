// The tolerance review (docs/judging.md): the FIG aerobic table as test vectors at every band
// edge, gaps just inside and just outside; then the review in the show: lock and reveal wait
// for the chief's release, a re-check is confirmed or revised; and the lock rule for a judge
// missing.
#include <algorithm>
#include <catch2/catch.hpp>

#include "core/codec.hpp"
#include "core/show.hpp"
#include "core/tolerance.hpp"
#include "support.hpp"

using namespace stagevote::core;
using stagevote::core::test::marks;
using stagevote::core::test::run;
using stagevote::core::test::small_contest;

namespace {

// FIG aerobic finals: 10.00-8.00: 0.3; 7.99-7.00: 0.4; 6.99-6.00: 0.5; below 6.00: 0.6; a gap
// of 1.0 or more between the extremes: review.
Tolerance fig_table() {
  Tolerance t;
  t.bands = {{8.0, 0.3}, {7.0, 0.4}, {6.0, 0.5}, {0.0, 0.6}};
  t.extremes_gap = 1.0;
  return t;
}

// A scheme out of `maximum` (one criterion), trim 1 from 5 judges, the FIG table.
ScoringScheme fig_scheme(double maximum) {
  ScoringScheme scheme;
  scheme.criteria = {{"c", "Execution", maximum}};
  scheme.trim = 1;
  scheme.trim_min = 5;
  scheme.tolerance = fig_table();
  return scheme;
}

// Five totals on the 10-point scale, scaled to `maximum`.
std::vector<JudgeTotal> five(const std::vector<double>& tens, double maximum = 10) {
  std::vector<JudgeTotal> totals;
  int i = 1;
  for (double t : tens) totals.push_back({"j" + std::to_string(i++), t * maximum / 10, false});
  return totals;
}

struct Vector {
  const char* name;
  std::vector<double> totals;  // 10-point scale; the outer two are dropped
  bool kept_broken;
  bool extremes_broken;
};

}  // namespace

TEST_CASE("tolerance: the FIG aerobic bands at each edge, just inside and just outside",
          "[tolerance]") {
  // Kept totals are the middle three; their mean picks the band.
  const std::vector<Vector> vectors = {
      {"8.00 (band 0.3): gap 0.30 inside", {7.80, 7.85, 8.00, 8.15, 8.20}, false, false},
      {"8.00 (band 0.3): gap 0.31 outside", {7.80, 7.85, 8.00, 8.16, 8.20}, true, false},
      {"10.00 top: gap 0.30 inside", {9.70, 9.80, 10.00, 10.00, 10.00}, false, false},
      {"10.00 top: gap 0.31 outside", {9.69, 9.69, 10.00, 10.00, 10.00}, true, false},
      {"7.99 (band 0.4): gap 0.40 inside", {7.70, 7.79, 7.99, 8.19, 8.30}, false, false},
      {"7.99 (band 0.4): gap 0.41 outside", {7.70, 7.78, 7.99, 8.19, 8.30}, true, false},
      {"7.00 (band 0.4): gap 0.40 inside", {6.50, 6.80, 7.00, 7.20, 7.40}, false, false},
      {"7.00 (band 0.4): gap 0.41 outside", {6.50, 6.80, 7.00, 7.21, 7.40}, true, false},
      {"6.99 (band 0.5): gap 0.50 inside", {6.60, 6.74, 6.99, 7.24, 7.40}, false, false},
      {"6.99 (band 0.5): gap 0.51 outside", {6.60, 6.73, 6.99, 7.24, 7.40}, true, false},
      {"6.00 (band 0.5): gap 0.50 inside", {5.70, 5.75, 6.00, 6.25, 6.30}, false, false},
      {"6.00 (band 0.5): gap 0.51 outside", {5.70, 5.75, 6.00, 6.26, 6.30}, true, false},
      {"5.99 (band 0.6): gap 0.60 inside", {5.60, 5.69, 5.99, 6.29, 6.40}, false, false},
      {"5.99 (band 0.6): gap 0.61 outside", {5.60, 5.68, 5.99, 6.29, 6.40}, true, false},
      {"extremes 0.99 inside", {7.51, 7.90, 8.00, 8.10, 8.50}, false, false},
      {"extremes 1.00 outside", {7.50, 7.90, 8.00, 8.10, 8.50}, false, true},
      {"extremes 1.01 and kept 0.31", {7.49, 7.85, 8.00, 8.16, 8.50}, true, true},
  };
  for (const double maximum : {10.0, 100.0}) {
    for (const auto& v : vectors) {
      INFO(v.name << " out of " << maximum);
      const ToleranceCheck check = check_tolerance(fig_scheme(maximum), five(v.totals, maximum));
      CHECK(check.kept_gap_broken == v.kept_broken);
      CHECK(check.extremes_broken == v.extremes_broken);
      CHECK(check.breaks == (v.kept_broken || v.extremes_broken));
    }
  }
}

TEST_CASE("tolerance: the band is chosen by the kept mean and scaled to the maximum",
          "[tolerance]") {
  const auto check = check_tolerance(fig_scheme(100), five({7.80, 7.85, 8.00, 8.16, 8.20}, 100));
  CHECK(check.kept_mean == Approx(80.03333).epsilon(1e-6));
  CHECK(check.allowed_gap == Approx(3.0));
  CHECK(check.allowed_extremes == Approx(10.0));
  CHECK(check.kept_min == Approx(78.5));
  CHECK(check.kept_max == Approx(81.6));
  // The marks that break it: the kept end farther from the mean (81.6 is 1.57 above 80.03,
  // 78.5 is 1.53 below).
  CHECK(check.judges == std::vector<std::string>{"j4"});
  // Equally far: both ends.
  CHECK(check_tolerance(fig_scheme(100), five({7.80, 7.84, 8.00, 8.16, 8.20}, 100)).judges ==
        std::vector<std::string>{"j2", "j4"});
}

TEST_CASE("tolerance: off by default, and nothing to compare with one judge", "[tolerance]") {
  ScoringScheme off = fig_scheme(10);
  off.tolerance = {};
  CHECK_FALSE(check_tolerance(off, five({1, 5, 9, 9, 10})).breaks);
  CHECK_FALSE(check_tolerance(fig_scheme(10), five({3})).breaks);
  // Fewer than trim_min: every total is kept, and the band applies to all of them.
  CHECK(check_tolerance(fig_scheme(10), five({8.0, 8.4})).kept_gap_broken);
}

TEST_CASE("tolerance: the table is in the contest record and validated", "[tolerance]") {
  Contest contest = small_contest();
  contest.scoring.tolerance = fig_table();
  const auto json = contest_to_json(contest, true);
  CHECK(json["scoring"]["tolerance"]["extremes_gap"] == 1.0);
  const auto back = contest_from_json(json);
  REQUIRE(back.ok());
  CHECK(back.value().scoring.tolerance.bands.size() == 4);
  CHECK(back.value().scoring.tolerance.bands[1].gap == 0.4);
  // Off: the record is as before.
  CHECK_FALSE(contest_to_json(small_contest(), true)["scoring"].contains("tolerance"));

  Contest bad = small_contest();
  bad.scoring.tolerance.bands = {{11, 0.3}};
  CHECK(validate(bad));
  bad.scoring.tolerance.bands = {{8, 0.3}, {8, 0.4}};
  CHECK(validate(bad));
  bad.scoring.tolerance.bands = {{8, 0}};
  CHECK(validate(bad));
}

// --- the review in the show ----------------------------------------------------------------

namespace {

// The small contest (out of 100, trim 1 from 5) with the FIG table, and j3 its chief.
Contest review_contest() {
  Contest contest = small_contest();
  contest.scoring.tolerance = fig_table();
  contest.judges[2].chief = true;  // j3
  return contest;
}

// e3 (unit U3: nobody recused) scored by all seven judges, about 80 each but j7.
void score_e3(Show& show, const Marks& j7) {
  run(show, {StartEntry{"r1", "e3"}, Score{"j1", "r1", "e3", marks(32, 24, 16, 8)},
             Score{"j2", "r1", "e3", marks(32, 24, 16, 8.5)},
             Score{"j3", "r1", "e3", marks(32, 24, 16, 8)},
             Score{"j4", "r1", "e3", marks(32, 24, 16, 8.2)},
             Score{"j5", "r1", "e3", marks(32, 24, 16, 8.1)},
             Score{"j6", "r1", "e3", marks(32, 24, 16, 8)}});
  run(show, {Score{"j7", "r1", "e3", j7}}, 20000);
}

ErrorCode refused(Show& show, const Command& command) {
  auto result = show.apply(command, 90000);
  REQUIRE_FALSE(result.ok());
  return result.error().code;
}

}  // namespace

TEST_CASE("review: marks that break the tolerance block lock and reveal until released",
          "[tolerance][review]") {
  Show show(review_contest());
  score_e3(show,
           marks(40, 30, 15, 10));  // totals 80, 80.5, 80, 80.2, 80.1, 80, 95: extremes 15 >= 10
  const ReviewStatus review = show.review("r1", "e3");
  CHECK(review.in_review);
  CHECK(review.check.extremes_broken);
  CHECK(std::find(review.check.judges.begin(), review.check.judges.end(), "j7") !=
        review.check.judges.end());

  auto lock = show.apply(LockScores{"r1", "e3"}, 30000);
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.error().code == ErrorCode::in_review);
  // An override for missing judges does not release a review.
  CHECK(refused(show, LockScores{"r1", "e3", "hurry"}) == ErrorCode::in_review);

  // Only the chief releases.
  CHECK(refused(show, ReleaseReview{"r1", "e3", "fine", "j4"}) == ErrorCode::forbidden);
  CHECK(refused(show, ReleaseReview{"r1", "e3", "fine", ""}) == ErrorCode::forbidden);
  run(show, {ReleaseReview{"r1", "e3", "j7 explained the lift", "j3"}}, 40000);
  CHECK_FALSE(show.review("r1", "e3").in_review);
  CHECK(show.review("r1", "e3").released);
  run(show, {LockScores{"r1", "e3"}, Reveal{"r1", "e3"}}, 50000);
}

TEST_CASE("review: a re-check is confirmed, or revised into tolerance", "[tolerance][review]") {
  Show show(review_contest());
  score_e3(show, marks(40, 30, 15, 10));
  // The chief asks j7; nobody else may confirm, and only one re-check at a time.
  CHECK(refused(show, RequestRecheck{"r1", "e3", "j7", "", "j4"}) == ErrorCode::forbidden);
  run(show, {RequestRecheck{"r1", "e3", "j7", "please look at c1 again", "j3"}}, 30000);
  REQUIRE(show.review("r1", "e3").recheck);
  CHECK(show.review("r1", "e3").recheck->judge == "j7");
  CHECK(refused(show, RequestRecheck{"r1", "e3", "j1", "", "j3"}) == ErrorCode::conflict);
  CHECK(refused(show, ConfirmScore{"j6", "r1", "e3"}) == ErrorCode::forbidden);

  SECTION("confirmed: still in review, the chief decides") {
    run(show, {ConfirmScore{"j7", "r1", "e3"}}, 31000);
    CHECK_FALSE(show.review("r1", "e3").recheck);
    CHECK(show.review("r1", "e3").in_review);
    CHECK(refused(show, LockScores{"r1", "e3"}) == ErrorCode::in_review);
  }
  SECTION("revised into tolerance: no longer in review, lock goes on") {
    run(show, {Score{"j7", "r1", "e3", marks(32, 24, 16, 8.3)}}, 31000);
    const ReviewStatus review = show.review("r1", "e3");
    CHECK_FALSE(review.recheck);
    CHECK_FALSE(review.in_review);
    REQUIRE(review.events.size() == 2);
    CHECK(review.events[1].kind == "revised");
    run(show, {LockScores{"r1", "e3"}}, 32000);
  }
  SECTION("a release holds for the marks it was given at") {
    run(show, {ReleaseReview{"r1", "e3", "", "j3"}}, 31000);
    CHECK_FALSE(show.review("r1", "e3").recheck);  // moot once released
    run(show, {Score{"j7", "r1", "e3", marks(40, 30, 20, 10)}}, 32000);
    CHECK(show.review("r1", "e3").in_review);
    CHECK(refused(show, LockScores{"r1", "e3"}) == ErrorCode::in_review);
  }
}

TEST_CASE("review: without a chief the host runs it; a replay rebuilds it", "[tolerance][review]") {
  Contest contest = review_contest();
  contest.judges[2].chief = false;
  Show show(contest);
  score_e3(show, marks(40, 30, 15, 10));
  CHECK(refused(show, RequestRecheck{"r1", "e3", "j7", "", "j3"}) == ErrorCode::forbidden);
  const std::vector<Command> review = {RequestRecheck{"r1", "e3", "j7", "look again", ""}};
  run(show, {review[0]}, 30000);

  // Through the ledger's form and back: the pending re-check is pending again.
  const auto kind = command_kind(review[0]);
  CHECK(std::string(kind) == "request_recheck");
  const auto back = command_from_json(kind, command_to_json(review[0]));
  REQUIRE(back.ok());
  Show replayed(contest);
  score_e3(replayed, marks(40, 30, 15, 10));
  run(replayed, {back.value()}, 30000);
  REQUIRE(replayed.review("r1", "e3").recheck);
  CHECK(replayed.review("r1", "e3").recheck->note == "look again");
}

TEST_CASE("review: at most one chief", "[tolerance][review]") {
  Contest contest = review_contest();
  contest.judges[3].chief = true;
  CHECK(validate(contest));
  const auto json = contest_to_json(review_contest(), true);
  CHECK(json["judges"][2]["chief"] == true);
  CHECK_FALSE(json["judges"][0].contains("chief"));
  const auto back = contest_from_json(json);
  REQUIRE(back.ok());
  REQUIRE(back.value().chief());
  CHECK(back.value().chief()->id == "j3");
}

// --- locking with a judge missing -------------------------------------------------------------

TEST_CASE("lock: refused with a judge missing, listing them; an override's reason is kept",
          "[lock]") {
  Show show(small_contest());
  // e1 is U1's: j1 is recused and not waited for.
  run(show,
      {StartEntry{"r1", "e1"}, Score{"j2", "r1", "e1", marks(30, 20, 10, 5)},
       Score{"j3", "r1", "e1", marks(30, 20, 10, 5)}, Score{"j4", "r1", "e1", marks(30, 20, 10, 5)},
       Score{"j5", "r1", "e1", marks(30, 20, 10, 5)}});
  auto lock = show.apply(LockScores{"r1", "e1"}, 20000);
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.error().code == ErrorCode::judges_missing);
  CHECK(lock.error().judges == std::vector<std::string>{"j6", "j7"});
  CHECK(show.missing_judges("r1", "e1") == std::vector<std::string>{"j6", "j7"});

  SECTION("all scored: no reason needed") {
    run(show,
        {Score{"j6", "r1", "e1", marks(30, 20, 10, 5)},
         Score{"j7", "r1", "e1", marks(30, 20, 10, 5)}, LockScores{"r1", "e1"}},
        30000);
    CHECK(show.entry_state("r1", "e1").lock_override.empty());
  }
  SECTION("overridden: the reason stays with the entry and in the record") {
    const LockScores override_lock{"r1", "e1", "j6 and j7 left ill"};
    run(show, {override_lock}, 30000);
    CHECK(show.entry_state("r1", "e1").status == EntryStatus::locked);
    CHECK(show.entry_state("r1", "e1").lock_override == "j6 and j7 left ill");
    CHECK(command_to_json(override_lock)["override_reason"] == "j6 and j7 left ill");
    CHECK_FALSE(command_to_json(LockScores{"r1", "e1"}).contains("override_reason"));
  }
}
