#pragma once
// What a bench run found, and how it is printed: a table for people, one JSON object for
// scripts.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "latency.hpp"

namespace stagevote::bench {

struct PollFigures {
  std::string poll;
  std::uint64_t sent = 0, acked = 0, counted = 0, duplicates = 0, errors = 0;
  double wave_s = 0;  // first send to last reply
  // The wave's first send and last reply on CLOCK_MONOTONIC (steady_clock), in seconds: the
  // clock `perf record -k monotonic` stamps samples with, to profile the waves only.
  double wave_start_mono_s = 0, wave_end_mono_s = 0;
  double votes_per_s = 0;
  long tally_total = -1;       // the display's last tally total (-1: none seen)
  bool tally_matches = false;  // the display's last tally equals the counted acks, entry by entry
};

// CPU seconds a process spent in each phase of the run.
struct CpuByPhase {
  double connect_s = 0;       // connecting the phones
  double fanout_s = 0;        // from open_poll until every phone has seen the poll
  double votes_s = 0;         // the waves: first send to last reply
  double other_s = 0;         // the rest between (closing polls)
  double votes_kernel_s = 0;  // the part of votes_s spent in the kernel
};

struct Report {
  // The set-up.
  std::size_t phones = 0;
  int conns_per_phone = 1;
  int polls = 0;
  int copies = 1;
  std::string round;
  std::size_t entries = 0;
  std::uint64_t fd_limit = 0;
  int sources = 0;
  double rate_target = 0;  // votes/s asked for; 0: as fast as possible
  int threads = 0;

  // Connecting.
  std::uint64_t connected = 0, connect_failed = 0, connect_retries = 0, connections_lost = 0;
  double connect_s = 0;

  // How long a newly opened poll took to reach the phones (from open_poll sent).
  Percentiles fanout;
  std::uint64_t fanout_missing = 0;

  // Voting.
  std::uint64_t votes_sent = 0, acked = 0, counted = 0, duplicates = 0, errors = 0;
  std::uint64_t expected_counted = 0;  // connected phones x polls
  std::uint64_t late_replies = 0;
  std::map<std::string, std::uint64_t> error_codes;
  double votes_per_s = 0;          // acked / total time of the waves
  double overall_votes_per_s = 0;  // acked / time from the first poll opened to the last closed
  Percentiles ack;
  Percentiles tally;
  std::size_t tally_unseen = 0;

  // The server's own account, from its results API.
  bool results_checked = false;
  long lost = 0;          // acked as counted but missing from the results
  long double_count = 0;  // in the results beyond the counted acks
  std::uint64_t tally_mismatches = 0;

  // Screens that never read (--slow-readers): asked, joined (upgraded, hello sent), failed,
  // and how many the server had closed by the end of the waves.
  std::size_t slow_readers = 0, slow_readers_joined = 0, slow_readers_failed = 0;
  std::size_t slow_readers_closed = 0;

  // The server's memory (with --server-pid): before and after the phones connect, and at the
  // end of the waves.
  std::optional<std::uint64_t> rss_before_kib, rss_after_kib, rss_end_kib;
  std::optional<double> kib_per_phone;

  CpuByPhase server_cpu;  // with --server-pid
  CpuByPhase bench_cpu;

  std::vector<PollFigures> per_poll;
  std::vector<std::string> warnings;
};

nlohmann::json to_json(const Report& report);
void print_table(std::ostream& out, const Report& report);

}  // namespace stagevote::bench
