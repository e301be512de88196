#pragma once
// Latency arithmetic: percentiles, and how long a counted vote takes to show in the tally.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace stagevote::bench {

using Clock = std::chrono::steady_clock;

struct Percentiles {
  std::size_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Nearest-rank percentiles of samples in milliseconds (reorders the samples).
Percentiles percentiles(std::vector<float>& samples_ms);

// One tally message seen by the display: the poll's total and when it arrived.
struct TallySeen {
  long total = 0;
  Clock::time_point at;
};

// What one poll's wave left behind, for the tally-latency bound.
struct WaveTimes {
  // When each phone first sent its vote, for phones whose vote may have been committed
  // (every phone that did not get only errors back).
  std::vector<Clock::time_point> first_sends;
  // When each counted ack arrived.
  std::vector<Clock::time_point> counted_acks;
};

// For each counted ack at time a: the delay until the display first saw a tally whose
// total is at least S(a), the number of phones that had sent by time a.
//
// Why that is sound: the tally counts committed votes, and a committed vote was sent. A
// tally made before our vote committed (before a) counts at most S(a) - 1 votes, since ours
// is not yet among them. So a tally with total >= S(a) was made after our commit and
// includes our vote. The figure is an upper bound: it can only over-state the delay, and by
// little when sends are paced (S(a) then exceeds the votes acked by a only by the votes in
// flight). Acks whose bound no tally reached are returned in `unseen`.
struct TallyDelays {
  std::vector<float> delays_ms;
  std::size_t unseen = 0;
};
TallyDelays tally_delays(const WaveTimes& wave, const std::vector<TallySeen>& tallies);

inline float to_ms(Clock::duration d) noexcept {
  return std::chrono::duration<float, std::milli>(d).count();
}

}  // namespace stagevote::bench
