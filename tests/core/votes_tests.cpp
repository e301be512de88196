// Audience votes: one ballot per device per poll, nothing after close or deadline, and a full
// hall's worth counted exactly through Show::apply.
#include <catch2/catch.hpp>
#include <string>

#include "core/show.hpp"
#include "support.hpp"

using namespace stagevote::core;
using stagevote::core::test::fingerprint;
using stagevote::core::test::run;
using stagevote::core::test::small_contest;

namespace {

Result<Outcome> vote(Show& show, const std::string& device, const std::string& choice,
                     Millis now = 5000, const std::string& poll = "p1") {
  return show.apply(Vote{device, poll, choice}, now);
}

}  // namespace

TEST_CASE("A device's first ballot in a poll counts and later ones change nothing", "[votes]") {
  Show show(small_contest());
  run(show, {OpenPoll{"r1", {"e1", "e2", "e3"}, 0}});

  auto first = vote(show, "phone", "e2");
  REQUIRE(first.ok());
  CHECK(first.value().counted);
  const auto version = show.version();
  const auto before = fingerprint(show);

  const auto choice = GENERATE(as<std::string>{}, "e2", "e1", "e3");
  CAPTURE(choice);
  auto again = vote(show, "phone", choice, 6000);
  REQUIRE(again.ok());  // not an error: the phone is told it had voted
  CHECK_FALSE(again.value().counted);
  CHECK_FALSE(again.value().state_changed);
  CHECK(show.version() == version);
  CHECK(fingerprint(show) == before);
  CHECK(show.open_poll()->tally == std::vector<long>{0, 1, 0});
  CHECK(show.open_poll()->total == 1);
  CHECK(show.open_poll()->ballots.at("phone").choice == 1);
}

TEST_CASE("Ballots from different devices are tallied per entry", "[votes]") {
  Show show(small_contest());
  run(show, {OpenPoll{"r1", {"e1", "e2"}, 0}});
  for (int i = 0; i < 30; ++i) {
    REQUIRE(vote(show, "d" + std::to_string(i), i % 3 == 0 ? "e1" : "e2").value().counted);
  }
  CHECK(show.open_poll()->tally == std::vector<long>{10, 20});
  CHECK(show.open_poll()->total == 30);
  CHECK(show.votes("r1", "e1") == 10);
  CHECK(show.votes("r1", "e2") == 20);
  CHECK(show.version() == 31);
}

TEST_CASE("No ballot counts once the poll is closed", "[votes]") {
  Show show(small_contest());
  run(show, {OpenPoll{"r1", {"e1", "e2"}, 0}, Vote{"early", "p1", "e1"}, ClosePoll{"p1"}});
  const auto before = fingerprint(show);
  for (const char* device : {"early", "late"}) {
    const auto result = vote(show, device, "e1", 9000);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::poll_closed);
  }
  CHECK(fingerprint(show) == before);
  CHECK(show.votes("r1", "e1") == 1);
}

TEST_CASE("No ballot counts from the poll's deadline on, even before the host closes it",
          "[votes]") {
  Show show(small_contest());
  run(show, {OpenPoll{"r1", {"e1", "e2"}, 10000}}, 1000);  // closes at 11000
  CHECK(vote(show, "a", "e1", 10999).value().counted);
  const auto at_deadline = vote(show, "b", "e1", 11000);
  REQUIRE_FALSE(at_deadline.ok());
  CHECK(at_deadline.error().code == ErrorCode::poll_closed);
  CHECK(vote(show, "c", "e1", 20000).error().code == ErrorCode::poll_closed);
  CHECK(show.open_poll()->total == 1);
  CHECK(show.expired_polls(11000) == std::vector<std::string>{"p1"});
}

TEST_CASE("The same device votes once in each poll", "[votes]") {
  Show show(small_contest());
  run(show, {OpenPoll{"r1", {"e1", "e2"}, 0}, Vote{"phone", "p1", "e1"}, ClosePoll{"p1"},
             OpenPoll{"r1", {"e1", "e2"}, 0}});
  CHECK(vote(show, "phone", "e2", 9000, "p2").value().counted);
  CHECK_FALSE(vote(show, "phone", "e1", 9001, "p2").value().counted);
  CHECK(show.votes("r1", "e1") == 1);
  CHECK(show.votes("r1", "e2") == 1);
}

TEST_CASE("Two hundred thousand ballots through apply are each counted once, into the right entry",
          "[votes]") {
  // A full hall's worth through one Show; how fast is stagevote-bench's to say, not a test's.
  Show show(small_contest());
  run(show, {OpenPoll{"r2", {"e5", "e6", "e1"}, 0}});
  constexpr int kVoters = 200000;
  const char* choices[] = {"e5", "e6", "e1"};
  long counted = 0;
  for (int i = 0; i < kVoters; ++i) {
    counted += show.apply(Vote{"device-token-" + std::to_string(i), "p1", choices[i % 3]}, 5000)
                   .value()
                   .counted;
  }
  CHECK(counted == kVoters);
  CHECK(show.open_poll()->total == kVoters);
  CHECK(show.votes("r2", "e5") == kVoters / 3 + 1);
  CHECK(show.votes("r2", "e6") == kVoters / 3 + 1);
  CHECK(show.votes("r2", "e1") == kVoters / 3);
}
