#include "run.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "control_link.hpp"
#include "fd_limit.hpp"
#include "http_api.hpp"
#include "process_stats.hpp"
#include "shard.hpp"
#include "slow_readers.hpp"

namespace stagevote::bench {

namespace asio = boost::asio;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// The main thread waits for every shard to finish a step.
class Countdown {
 public:
  explicit Countdown(std::size_t count) : count_(count) {}
  void arrive() {
    std::lock_guard lock(mutex_);
    if (count_ > 0 && --count_ == 0) done_.notify_all();
  }
  bool wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return done_.wait_for(lock, timeout, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::size_t count_;
};

// Runs `step` on every shard and collects what each hands back.
template <typename Result, typename Step>
std::vector<Result> on_every_shard(std::vector<std::unique_ptr<Shard>>& shards, Step step) {
  std::vector<std::promise<Result>> promises(shards.size());
  std::vector<Result> results;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    step(*shards[i],
         [&promise = promises[i]](Result result) { promise.set_value(std::move(result)); });
  }
  for (auto& promise : promises) results.push_back(promise.get_future().get());
  return results;
}

Target resolve(const Options& options) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  const auto found = resolver.resolve(options.host, options.port);
  if (found.empty()) throw std::runtime_error("cannot resolve " + options.host);
  Target target;
  target.endpoint = found.begin()->endpoint();
  target.host_header = options.host + ":" + options.port;
  target.path = options.path;
  return target;
}

std::map<std::string, long> votes_by_entry(const json& results) {
  std::map<std::string, long> votes;
  for (const auto& entry : results.at("entries")) {
    votes[entry.at("entry").get<std::string>()] = entry.at("votes").get<long>();
  }
  return votes;
}

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

int source_count(const Options& options, const Target& target) {
  if (options.sources >= 0) return options.sources;
  if (!target.endpoint.address().is_loopback() || !target.endpoint.address().is_v4()) return 0;
  // Loopback: every phone from an address of its own (127.0.0.1 on), as phones in a hall each
  // have one: the server's per-address caps (4 new identities, 8 connections) then hold as
  // they would in the venue, and no (source, destination) pair runs short of ports.
  return static_cast<int>(std::min<std::size_t>(options.phones, 1'000'000));
}

json command(ControlLink& host, json message) {
  message["type"] = "cmd";
  return host.request(std::move(message), 30s);
}

}  // namespace

Report run(const Options& options) {
  Report report;
  report.phones = options.phones;
  report.conns_per_phone = options.conns_per_phone;
  report.polls = options.polls;
  report.copies = 1 + options.resends;
  report.threads = options.threads;

  const std::size_t connections =
      options.phones * static_cast<std::size_t>(options.conns_per_phone) + options.slow_readers;
  report.fd_limit = raise_fd_limit();
  if (report.fd_limit < connections + 64) {
    report.warnings.push_back("open-file limit " + std::to_string(report.fd_limit) +
                              " is below the " + std::to_string(connections + 64) +
                              " this run needs");
    std::cerr << "stagevote-bench: warning: " << report.warnings.back() << '\n';
  }

  const Target target = resolve(options);
  report.sources = source_count(options, target);
  const HttpApi api(target, options.host_key);
  const json contest = api.get("/api/contest");

  // The host and the display live on a quiet thread of their own. Declared in this order so
  // that the thread stops before the links it serves are destroyed.
  asio::io_context control_io{1};
  std::unique_ptr<ControlLink> host, display;
  auto control_work = asio::make_work_guard(control_io);
  std::thread control_thread([&control_io] { control_io.run(); });
  struct StopControl {
    asio::io_context& io;
    std::thread& thread;
    ~StopControl() {
      io.stop();
      if (thread.joinable()) thread.join();
    }
  } stop_control{control_io, control_thread};

  host = std::make_unique<ControlLink>(
      control_io, target, json{{"type", "hello"}, {"role", "host"}, {"key", options.host_key}});
  const json host_state = host->open(10s);
  // A server without display keys (the Node peer predates them) takes a display's hello bare.
  json display_hello{{"type", "hello"}, {"role", "display"}};
  if (contest.contains("display_key")) display_hello["key"] = contest.at("display_key");
  const std::string slow_reader_hello = display_hello.dump();
  display = std::make_unique<ControlLink>(control_io, target, std::move(display_hello));
  display->open(10s);

  // The round: asked for, else the one on stage, else the first.
  report.round = options.round;
  if (report.round.empty() && host_state.contains("stage") && host_state["stage"].is_object()) {
    report.round = host_state["stage"].value("round", "");
  }
  if (report.round.empty()) report.round = contest.at("rounds").at(0).at("id").get<std::string>();
  std::vector<std::string> entries;
  for (const auto& round : contest.at("rounds")) {
    if (round.at("id") == report.round)
      entries = round.at("entries").get<std::vector<std::string>>();
  }
  if (entries.empty()) throw std::runtime_error("round " + report.round + " has no entries");
  report.entries = entries.size();

  // One poll at a time: close whatever the host left open.
  if (host_state.contains("poll") && host_state["poll"].is_object()) {
    command(*host, {{"action", "close_poll"}, {"poll", host_state["poll"]["id"]}});
  }
  const auto votes_before = votes_by_entry(api.get("/api/rounds/" + report.round + "/results"));

  if (options.server_pid > 0) report.rss_before_kib = resident_kib(options.server_pid);

  // Phones go round-robin to the shards and to the source addresses.
  std::vector<std::unique_ptr<Shard>> shards;
  for (int i = 0; i < options.threads; ++i)
    shards.push_back(std::make_unique<Shard>(target, options));
  for (std::size_t phone = 0; phone < options.phones; ++phone) {
    std::optional<asio::ip::address_v4> source;
    if (report.sources > 0) {
      source =
          asio::ip::address_v4(0x7f000001u + static_cast<std::uint32_t>(phone % report.sources));
    }
    shards[phone % shards.size()]->add_phone(static_cast<std::uint32_t>(phone), source);
  }
  for (auto& shard : shards) shard->start();

  // CPU time, server and bench, per phase: what a connection and a vote cost.
  const auto server_cpu = [&]() -> CpuTimes {
    if (options.server_pid <= 0) return {};
    return cpu_times(options.server_pid).value_or(CpuTimes{});
  };
  CpuTimes server_cpu_mark = server_cpu();
  CpuTimes bench_cpu_mark = own_cpu_times();
  // Adds the CPU time since the last mark to a phase; `server_kernel`, `bench_kernel` (if
  // given) get the kernel's part of it.
  const auto cpu_since_mark = [&](double& server_total, double& bench_total,
                                  double* server_kernel = nullptr, double* bench_kernel = nullptr) {
    const CpuTimes server_now = server_cpu();
    const CpuTimes bench_now = own_cpu_times();
    server_total += server_now.total() - server_cpu_mark.total();
    bench_total += bench_now.total() - bench_cpu_mark.total();
    if (server_kernel) *server_kernel += server_now.kernel_s - server_cpu_mark.kernel_s;
    if (bench_kernel) *bench_kernel += bench_now.kernel_s - bench_cpu_mark.kernel_s;
    server_cpu_mark = server_now;
    bench_cpu_mark = bench_now;
  };

  const auto connect_started = Clock::now();
  const double rate_per_shard = options.connect_rate / static_cast<double>(shards.size());
  for (const auto& result : on_every_shard<ConnectResult>(
           shards, [&](Shard&shard, auto done) { shard.connect_all(rate_per_shard, done); })) {
    report.connected += result.connected;
    report.connect_failed += result.failed;
    report.connect_retries += result.retries;
  }
  report.connect_s = seconds(Clock::now() - connect_started);
  cpu_since_mark(report.server_cpu.connect_s, report.bench_cpu.connect_s);

  if (options.server_pid > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(options.settle_s));
    report.rss_after_kib = resident_kib(options.server_pid);
    if (report.rss_before_kib && report.rss_after_kib && report.connected > 0) {
      report.kib_per_phone = (static_cast<double>(*report.rss_after_kib) -
                              static_cast<double>(*report.rss_before_kib)) /
                             static_cast<double>(report.connected);
    }
  }

  // The laggards join last, so that the waves begin while they hang on: the server drops them
  // at its idle timeout, not before.
  std::optional<SlowReaders> slow_readers;
  report.slow_readers = options.slow_readers;
  if (options.slow_readers > 0) {
    slow_readers.emplace(target, options.slow_readers, slow_reader_hello);
    report.slow_readers_joined = slow_readers->joined();
    report.slow_readers_failed = slow_readers->failed();
    if (slow_readers->failed() > 0) {
      report.warnings.push_back(std::to_string(slow_readers->failed()) + " of " +
                                std::to_string(options.slow_readers) +
                                " slow readers could not join");
    }
  }

  // One wave of votes per poll.
  const double sends_per_poll = static_cast<double>(report.connected) * report.copies;
  report.rate_target = options.window_s > 0 ? sends_per_poll / options.window_s : options.rate;
  std::vector<float> ack_ms;
  std::map<std::string, long> counted_by_entry;
  std::vector<std::pair<std::string, WaveTimes>> wave_times;
  std::map<std::string, std::map<std::string, long>> counted_by_poll;
  double wave_seconds = 0;
  const auto polls_started = Clock::now();
  std::vector<float> fanout_ms;
  for (int k = 0; k < options.polls; ++k) {
    cpu_since_mark(report.server_cpu.other_s, report.bench_cpu.other_s);
    const auto open_sent = Clock::now();
    const json opened = command(*host, {{"action", "open_poll"},
                                        {"round", report.round},
                                        {"entries", entries},
                                        {"duration_ms", options.duration_s * 1000}});
    if (opened.value("type", "") != "ack" || !opened.contains("poll")) {
      throw std::runtime_error("open_poll refused: " + opened.dump());
    }
    WavePlan plan;
    plan.poll = opened["poll"].get<std::string>();

    // Phones vote once their state snapshot names the poll, as real phones do.
    {
      Countdown watching(shards.size());
      std::mutex merge;
      for (auto& shard : shards) {
        shard->watch_poll(plan.poll, open_sent, [&](FanoutResult result) {
          std::lock_guard lock(merge);
          fanout_ms.insert(fanout_ms.end(), result.delays_ms.begin(), result.delays_ms.end());
          report.fanout_missing += result.missing;
          watching.arrive();
        });
      }
      if (!watching.wait_for(30s)) {
        for (auto& shard : shards) shard->stop_watching();
        watching.wait_for(60s);
        report.warnings.push_back("poll " + plan.poll + ": not every phone saw it within 30 s");
      }
    }
    plan.entries = entries;
    plan.poll_number = static_cast<std::size_t>(k);
    plan.rate = report.rate_target / static_cast<double>(shards.size());
    plan.copies = report.copies;

    cpu_since_mark(report.server_cpu.fanout_s, report.bench_cpu.fanout_s);
    Countdown waves(shards.size());
    for (auto& shard : shards) shard->start_wave(plan, [&waves] { waves.arrive(); });
    const auto timeout =
        std::chrono::milliseconds(static_cast<long>(options.wave_timeout_s * 1000));
    if (!waves.wait_for(timeout)) {
      report.warnings.push_back("poll " + plan.poll + ": replies missing after " +
                                std::to_string(options.wave_timeout_s) + " s");
      for (auto& shard : shards) shard->end_wave();
      waves.wait_for(60s);
    }
    cpu_since_mark(report.server_cpu.votes_s, report.bench_cpu.votes_s,
                   &report.server_cpu.votes_kernel_s, &report.bench_cpu.votes_kernel_s);
    const json closed = command(*host, {{"action", "close_poll"}, {"poll", plan.poll}});
    if (closed.value("type", "") != "ack" && closed.value("code", "") != "invalid_state") {
      report.warnings.push_back("close_poll " + plan.poll + ": " + closed.dump());
    }

    PollFigures figures;
    figures.poll = plan.poll;
    WaveTimes times;
    std::optional<Clock::time_point> first_send, last_reply;
    for (auto& wave : on_every_shard<WaveResult>(
             shards, [](Shard&shard, auto done) { shard.take_wave(done); })) {
      figures.sent += wave.sent;
      figures.acked += wave.acked;
      figures.counted += wave.counted;
      figures.duplicates += wave.duplicates;
      figures.errors += wave.errors;
      report.late_replies += wave.late_replies;
      for (const auto& [code, count] : wave.error_codes) report.error_codes[code] += count;
      for (const auto& [entry, count] : wave.counted_by_choice) {
        counted_by_entry[entry] += count;
        counted_by_poll[plan.poll][entry] += count;
      }
      ack_ms.insert(ack_ms.end(), wave.ack_ms.begin(), wave.ack_ms.end());
      times.first_sends.insert(times.first_sends.end(), wave.times.first_sends.begin(),
                               wave.times.first_sends.end());
      times.counted_acks.insert(times.counted_acks.end(), wave.times.counted_acks.begin(),
                                wave.times.counted_acks.end());
      if (wave.first_send && (!first_send || *wave.first_send < *first_send))
        first_send = wave.first_send;
      if (wave.last_reply && (!last_reply || *wave.last_reply > *last_reply))
        last_reply = wave.last_reply;
    }
    if (first_send && last_reply) {
      figures.wave_s = seconds(*last_reply - *first_send);
      figures.wave_start_mono_s = seconds(first_send->time_since_epoch());
      figures.wave_end_mono_s = seconds(last_reply->time_since_epoch());
    }
    if (figures.wave_s > 0)
      figures.votes_per_s = static_cast<double>(figures.acked) / figures.wave_s;
    wave_seconds += figures.wave_s;
    report.votes_sent += figures.sent;
    report.acked += figures.acked;
    report.counted += figures.counted;
    report.duplicates += figures.duplicates;
    report.errors += figures.errors;
    report.per_poll.push_back(figures);
    wave_times.emplace_back(plan.poll, std::move(times));
  }
  const double polls_seconds = seconds(Clock::now() - polls_started);
  report.expected_counted = report.connected * static_cast<std::uint64_t>(options.polls);
  if (wave_seconds > 0) report.votes_per_s = static_cast<double>(report.acked) / wave_seconds;
  if (polls_seconds > 0)
    report.overall_votes_per_s = static_cast<double>(report.acked) / polls_seconds;
  report.ack = percentiles(ack_ms);
  report.fanout = percentiles(fanout_ms);

  // The display's final tally of each poll should match the counted acks entry by entry.
  const auto tally_deadline = Clock::now() + 3s;
  for (auto& figures : report.per_poll) {
    const auto& expected = counted_by_poll[figures.poll];
    for (;;) {
      const auto last = display->last_tally(figures.poll);
      figures.tally_total = last ? last->value("total", -1L) : -1;
      std::map<std::string, long> shown;
      if (last && last->contains("counts")) {
        for (const auto& [entry, count] : (*last)["counts"].items()) {
          if (count.get<long>() != 0) shown[entry] = count.get<long>();
        }
      }
      figures.tally_matches = shown == expected;
      if (figures.tally_matches || Clock::now() > tally_deadline) break;
      std::this_thread::sleep_for(20ms);
    }
    if (!figures.tally_matches) ++report.tally_mismatches;
  }
  std::vector<float> tally_ms;
  for (const auto& [poll, times] : wave_times) {
    auto delays = tally_delays(times, display->tallies(poll));
    tally_ms.insert(tally_ms.end(), delays.delays_ms.begin(), delays.delays_ms.end());
    report.tally_unseen += delays.unseen;
  }
  report.tally = percentiles(tally_ms);
  if (options.server_pid > 0) report.rss_end_kib = resident_kib(options.server_pid);
  if (slow_readers) report.slow_readers_closed = slow_readers->count_closed(2s);

  // The server's account: the round's votes grew by exactly the counted acks.
  const auto votes_after = votes_by_entry(api.get("/api/rounds/" + report.round + "/results"));
  for (const auto& entry : entries) {
    const auto before = votes_before.count(entry) ? votes_before.at(entry) : 0;
    const auto after = votes_after.count(entry) ? votes_after.at(entry) : 0;
    const auto acked = counted_by_entry.count(entry) ? counted_by_entry.at(entry) : 0;
    const long grew = after - before;
    report.lost += std::max(0L, acked - grew);
    report.double_count += std::max(0L, grew - acked);
  }
  report.results_checked = true;

  // Goodbye: close every phone (bounded), then the host and the display.
  Countdown closing(shards.size());
  std::atomic<std::uint64_t> connections_lost{0};
  for (auto& shard : shards) {
    shard->close_all([&closing, &connections_lost](std::uint64_t lost) {
      connections_lost += lost;
      closing.arrive();
    });
  }
  if (!closing.wait_for(10s)) report.warnings.push_back("phones still closing after 10 s");
  for (auto& shard : shards) shard->stop();
  report.connections_lost = connections_lost;
  display->close(2s);
  host->close(2s);
  return report;
}

}  // namespace stagevote::bench
