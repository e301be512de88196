#include "report.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace stagevote::bench {

using nlohmann::json;

namespace {
double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}
}  // namespace

json to_json(const Report& r) {
  json out = {
      {"phones", r.phones},
      {"conns_per_phone", r.conns_per_phone},
      {"polls", r.polls},
      {"copies_per_phone", r.copies},
      {"round", r.round},
      {"entries", r.entries},
      {"threads", r.threads},
      {"fd_limit", r.fd_limit},
      {"sources", r.sources},
      {"rate_target", r.rate_target},
      {"connected", r.connected},
      {"connect_failed", r.connect_failed},
      {"connect_retries", r.connect_retries},
      {"connections_lost", r.connections_lost},
      {"connect_s", rounded(r.connect_s, 3)},
      {"poll_fanout_p50_ms", rounded(r.fanout.p50_ms, 3)},
      {"poll_fanout_max_ms", rounded(r.fanout.max_ms, 3)},
      {"poll_fanout_missing", r.fanout_missing},
      {"votes_sent", r.votes_sent},
      {"acked", r.acked},
      {"counted", r.counted},
      {"expected_counted", r.expected_counted},
      {"duplicates", r.duplicates},
      {"errors", r.errors},
      {"error_codes", r.error_codes},
      {"late_replies", r.late_replies},
      {"votes_per_s", rounded(r.votes_per_s, 1)},
      {"overall_votes_per_s", rounded(r.overall_votes_per_s, 1)},
      {"ack_p50_ms", rounded(r.ack.p50_ms, 3)},
      {"ack_p99_ms", rounded(r.ack.p99_ms, 3)},
      {"ack_max_ms", rounded(r.ack.max_ms, 3)},
      {"tally_p50_ms", rounded(r.tally.p50_ms, 3)},
      {"tally_p99_ms", rounded(r.tally.p99_ms, 3)},
      {"tally_max_ms", rounded(r.tally.max_ms, 3)},
      {"tally_samples", r.tally.count},
      {"tally_unseen", r.tally_unseen},
      {"results_checked", r.results_checked},
      {"lost", r.lost},
      {"double", r.double_count},
      {"tally_mismatches", r.tally_mismatches},
      {"slow_readers", r.slow_readers},
      {"slow_readers_joined", r.slow_readers_joined},
      {"slow_readers_failed", r.slow_readers_failed},
      {"slow_readers_closed", r.slow_readers_closed},
      {"warnings", r.warnings},
  };
  out["server_rss_before_kib"] = r.rss_before_kib ? json(*r.rss_before_kib) : json(nullptr);
  out["server_rss_after_kib"] = r.rss_after_kib ? json(*r.rss_after_kib) : json(nullptr);
  out["server_rss_end_kib"] = r.rss_end_kib ? json(*r.rss_end_kib) : json(nullptr);
  out["server_kib_per_phone"] =
      r.kib_per_phone ? json(rounded(*r.kib_per_phone, 3)) : json(nullptr);
  const auto per = [](double cpu_s, std::uint64_t count) {
    return count == 0 ? 0.0 : rounded(cpu_s * 1e6 / static_cast<double>(count), 2);
  };
  const auto phases = [](const CpuByPhase& cpu) {
    return json{{"connect_s", rounded(cpu.connect_s, 3)},
                {"fanout_s", rounded(cpu.fanout_s, 3)},
                {"votes_s", rounded(cpu.votes_s, 3)},
                {"votes_kernel_s", rounded(cpu.votes_kernel_s, 3)},
                {"other_s", rounded(cpu.other_s, 3)}};
  };
  out["server_cpu"] = phases(r.server_cpu);
  out["bench_cpu"] = phases(r.bench_cpu);
  out["server_cpu_us_per_vote"] = per(r.server_cpu.votes_s, r.acked);
  out["server_cpu_us_per_connect"] = per(r.server_cpu.connect_s, r.connected * r.conns_per_phone);
  out["bench_cpu_us_per_vote"] = per(r.bench_cpu.votes_s, r.acked);
  out["server_kernel_us_per_vote"] = per(r.server_cpu.votes_kernel_s, r.acked);
  out["bench_kernel_us_per_vote"] = per(r.bench_cpu.votes_kernel_s, r.acked);
  json polls = json::array();
  for (const auto& p : r.per_poll) {
    polls.push_back({{"poll", p.poll},
                     {"sent", p.sent},
                     {"acked", p.acked},
                     {"counted", p.counted},
                     {"duplicates", p.duplicates},
                     {"errors", p.errors},
                     {"wave_s", rounded(p.wave_s, 4)},
                     {"wave_start_mono_s", rounded(p.wave_start_mono_s, 6)},
                     {"wave_end_mono_s", rounded(p.wave_end_mono_s, 6)},
                     {"votes_per_s", rounded(p.votes_per_s, 1)},
                     {"tally_total", p.tally_total},
                     {"tally_matches", p.tally_matches}});
  }
  out["per_poll"] = std::move(polls);
  return out;
}

void print_table(std::ostream& out, const Report& r) {
  const auto row = [&out](const std::string& name, const std::string& value) {
    out << "  " << std::left << std::setw(28) << name << value << '\n';
  };
  const auto fixed = [](double value, int decimals) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(decimals) << value;
    return text.str();
  };
  out << "stagevote-bench: " << r.phones << " phones x " << r.conns_per_phone << " connection(s), "
      << r.polls << " poll(s) in round " << r.round << " (" << r.entries << " entries), "
      << r.copies << " send(s) per phone per poll\n";
  row("connected", std::to_string(r.connected) + " of " + std::to_string(r.phones) + " in " +
                       fixed(r.connect_s, 2) + " s (" + std::to_string(r.connect_retries) +
                       " retries, " + std::to_string(r.connect_failed) + " failed)");
  row("poll seen by phones p50/max", fixed(r.fanout.p50_ms, 1) + " / " + fixed(r.fanout.max_ms, 1) +
                                         " ms after open_poll (" +
                                         std::to_string(r.fanout_missing) + " never)");
  row("votes sent / acked", std::to_string(r.votes_sent) + " / " + std::to_string(r.acked));
  row("counted / expected", std::to_string(r.counted) + " / " + std::to_string(r.expected_counted));
  row("duplicates (counted:false)", std::to_string(r.duplicates));
  row("errors", std::to_string(r.errors));
  for (const auto& [code, count] : r.error_codes) row("  " + code, std::to_string(count));
  row("votes/s (during waves)", fixed(r.votes_per_s, 0));
  row("votes/s (overall)", fixed(r.overall_votes_per_s, 0));
  if (r.rate_target > 0) row("rate asked", fixed(r.rate_target, 0) + " votes/s");
  row("ack p50 / p99 / max", fixed(r.ack.p50_ms, 2) + " / " + fixed(r.ack.p99_ms, 2) + " / " +
                                 fixed(r.ack.max_ms, 2) + " ms");
  row("tally p50 / p99 / max", fixed(r.tally.p50_ms, 1) + " / " + fixed(r.tally.p99_ms, 1) + " / " +
                                   fixed(r.tally.max_ms, 1) + " ms (" +
                                   std::to_string(r.tally_unseen) + " never seen)");
  row("results check", r.results_checked ? "lost " + std::to_string(r.lost) + ", counted twice " +
                                               std::to_string(r.double_count)
                                         : "not done");
  row("tally mismatches (polls)", std::to_string(r.tally_mismatches));
  if (r.slow_readers > 0) {
    row("slow readers", std::to_string(r.slow_readers_joined) + " of " +
                            std::to_string(r.slow_readers) + " joined (" +
                            std::to_string(r.slow_readers_failed) + " failed), " +
                            std::to_string(r.slow_readers_closed) + " closed by the server");
  }
  if (r.kib_per_phone) {
    row("server memory", std::to_string(*r.rss_before_kib) + " -> " +
                             std::to_string(*r.rss_after_kib) + " KiB, " +
                             fixed(*r.kib_per_phone, 2) + " KiB per phone");
  }
  if (r.rss_end_kib) row("server memory at the end", std::to_string(*r.rss_end_kib) + " KiB");
  const auto per_unit = [&](double cpu_s, std::uint64_t count) {
    return count == 0 ? std::string("-") : fixed(cpu_s * 1e6 / static_cast<double>(count), 1);
  };
  row("CPU us per vote", "server " + per_unit(r.server_cpu.votes_s, r.acked) + ", bench " +
                             per_unit(r.bench_cpu.votes_s, r.acked));
  row("  of which kernel", "server " + per_unit(r.server_cpu.votes_kernel_s, r.acked) + ", bench " +
                               per_unit(r.bench_cpu.votes_kernel_s, r.acked));
  row("CPU us per connection",
      "server " + per_unit(r.server_cpu.connect_s, r.connected * r.conns_per_phone) + ", bench " +
          per_unit(r.bench_cpu.connect_s, r.connected * r.conns_per_phone));
  row("CPU s poll fan-out",
      "server " + fixed(r.server_cpu.fanout_s, 2) + ", bench " + fixed(r.bench_cpu.fanout_s, 2));
  if (!r.per_poll.empty()) {
    out << "  per poll:  poll      sent     acked   counted    errors   wave s    votes/s\n";
    for (const auto& p : r.per_poll) {
      out << "             " << std::left << std::setw(6) << p.poll << std::right << std::setw(8)
          << p.sent << std::setw(10) << p.acked << std::setw(10) << p.counted << std::setw(10)
          << p.errors << std::setw(9) << fixed(p.wave_s, 3) << std::setw(11)
          << fixed(p.votes_per_s, 0) << '\n';
    }
  }
  for (const auto& warning : r.warnings) out << "  warning: " << warning << '\n';
}

}  // namespace stagevote::bench
