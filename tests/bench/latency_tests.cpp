#include <catch2/catch.hpp>

#include "latency.hpp"

using namespace stagevote::bench;
using std::chrono::milliseconds;

TEST_CASE("Percentiles take the nearest rank") {
  std::vector<float> samples;
  for (int i = 100; i >= 1; --i) samples.push_back(static_cast<float>(i));
  const auto p = percentiles(samples);
  CHECK(p.count == 100);
  CHECK(p.p50_ms == 50);
  CHECK(p.p99_ms == 99);
  CHECK(p.max_ms == 100);

  std::vector<float> one{7.5f};
  const auto single = percentiles(one);
  CHECK(single.p50_ms == 7.5);
  CHECK(single.p99_ms == 7.5);

  std::vector<float> none;
  CHECK(percentiles(none).count == 0);
}

TEST_CASE("A counted vote is seen once a tally counts every vote sent before its ack") {
  const auto t0 = Clock::now();
  WaveTimes wave;
  // Three phones send at 0, 10 and 20 ms; acks come back at 15, 25 and 30 ms.
  wave.first_sends = {t0, t0 + milliseconds(10), t0 + milliseconds(20)};
  wave.counted_acks = {t0 + milliseconds(15), t0 + milliseconds(25), t0 + milliseconds(30)};

  SECTION("each ack waits for the first tally reaching the sends made before it") {
    const std::vector<TallySeen> tallies = {
        {1, t0 + milliseconds(12)}, {2, t0 + milliseconds(40)}, {3, t0 + milliseconds(100)}};
    auto delays = tally_delays(wave, tallies);
    REQUIRE(delays.delays_ms.size() == 3);
    CHECK(delays.unseen == 0);
    // By 15 ms two phones had sent: the tally of 2 at 40 ms is the first that must hold it.
    CHECK(delays.delays_ms[0] == Approx(25));
    CHECK(delays.delays_ms[1] == Approx(75));
    CHECK(delays.delays_ms[2] == Approx(70));
  }
  SECTION("a tally that arrived before the ack counts as no delay") {
    const std::vector<TallySeen> tallies = {{3, t0 + milliseconds(22)}};
    auto delays = tally_delays(wave, tallies);
    REQUIRE(delays.delays_ms.size() == 3);
    CHECK(delays.delays_ms[0] == Approx(7));
    CHECK(delays.delays_ms[1] == 0);
    CHECK(delays.delays_ms[2] == 0);
  }
  SECTION("acks whose bound no tally reached are counted as unseen") {
    const std::vector<TallySeen> tallies = {{2, t0 + milliseconds(50)}};
    auto delays = tally_delays(wave, tallies);
    CHECK(delays.delays_ms.size() == 1);
    CHECK(delays.unseen == 2);
  }
}
