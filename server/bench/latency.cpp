#include "latency.hpp"

#include <algorithm>
#include <cmath>

namespace stagevote::bench {

Percentiles percentiles(std::vector<float>& samples_ms) {
  Percentiles result;
  result.count = samples_ms.size();
  if (samples_ms.empty()) return result;
  const auto rank = [&](double fraction) {
    const auto n = static_cast<double>(samples_ms.size());
    const auto index = static_cast<std::size_t>(std::max(1.0, std::ceil(fraction * n))) - 1;
    std::nth_element(samples_ms.begin(), samples_ms.begin() + static_cast<long>(index),
                     samples_ms.end());
    return static_cast<double>(samples_ms[index]);
  };
  result.p50_ms = rank(0.50);
  result.p99_ms = rank(0.99);
  result.max_ms = *std::max_element(samples_ms.begin(), samples_ms.end());
  return result;
}

TallyDelays tally_delays(const WaveTimes& wave, const std::vector<TallySeen>& tallies) {
  TallyDelays result;
  std::vector<Clock::time_point> sends = wave.first_sends;
  std::sort(sends.begin(), sends.end());
  // Totals only grow, but keep the running maximum in arrival order to be safe.
  std::vector<TallySeen> seen = tallies;
  std::sort(seen.begin(), seen.end(),
            [](const TallySeen& a, const TallySeen& b) { return a.at < b.at; });
  for (std::size_t i = 1; i < seen.size(); ++i) {
    seen[i].total = std::max(seen[i].total, seen[i - 1].total);
  }
  result.delays_ms.reserve(wave.counted_acks.size());
  for (const auto acked_at : wave.counted_acks) {
    const auto sent_by_then =
        static_cast<long>(std::upper_bound(sends.begin(), sends.end(), acked_at) - sends.begin());
    const auto first =
        std::lower_bound(seen.begin(), seen.end(), sent_by_then,
                         [](const TallySeen& tally, long total) { return tally.total < total; });
    if (first == seen.end()) {
      ++result.unseen;
      continue;
    }
    result.delays_ms.push_back(std::max(0.0f, to_ms(first->at - acked_at)));
  }
  return result;
}

}  // namespace stagevote::bench
