// stagevote-store-bench: how many votes per second the store commits with synchronous=FULL,
// each vote completed individually after its transaction, as the server would ack it.
//
// P producer threads append votes as fast as they can, each keeping at most --window votes
// un-acknowledged (like a server that stops reading when its acks lag). Each vote's Done
// records the time from append() to completion.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace store = stagevote::store;

struct Options {
  std::int64_t votes = 1'000'000;
  int producers = 2;
  std::int64_t window = 20'000;
  std::int64_t audience = 20'000;  // devices per poll: the next poll opens when all have voted
  double rate = 0;  // votes per second offered by all producers together; 0: as fast as possible
  std::string db;   // empty: a temporary file, removed afterwards
  bool json = false;
};

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr,
               "%s\nusage: stagevote-store-bench [--votes N] [--producers P] [--window W] "
               "[--audience DEVICES] [--rate VOTES_PER_SECOND] [--db FILE] [--json]\n",
               message);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
      return argv[++i];
    };
    try {
      if (arg == "--votes") {
        options.votes = std::stoll(value());
      } else if (arg == "--producers") {
        options.producers = std::stoi(value());
      } else if (arg == "--window") {
        options.window = std::stoll(value());
      } else if (arg == "--audience") {
        options.audience = std::stoll(value());
      } else if (arg == "--rate") {
        options.rate = std::stod(value());
      } else if (arg == "--db") {
        options.db = value();
      } else if (arg == "--json") {
        options.json = true;
      } else {
        usage(("unknown option " + arg).c_str());
      }
    } catch (const std::logic_error&) {
      usage(("not a number after " + arg).c_str());
    }
  }
  if (options.votes < 1 || options.producers < 1 || options.window < 2 || options.audience < 1 ||
      options.rate < 0) {
    usage("--votes, --producers, --window (at least 2), --audience and --rate must be positive");
  }
  return options;
}

// One producer's votes: start times, latencies and the count of completions.
struct Producer {
  int id = 0;
  std::int64_t votes = 0;
  std::vector<Clock::time_point> started;
  std::vector<std::int64_t> latency_ns;
  std::atomic<std::int64_t> acked{0};
  std::atomic<std::int64_t> wake_at{-1};  // the ack count the waiting producer needs, or -1
  std::atomic<std::int64_t> failed{0};
};

// A 128-bit device token in hex, as random as the server's: votes land all over the poll's
// part of the index.
std::string device_token(std::int64_t device) {
  auto mix = [](std::uint64_t x) {  // splitmix64
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
  };
  const auto seed = static_cast<std::uint64_t>(device);
  char token[33];
  std::snprintf(token, sizeof token, "%016llx%016llx", static_cast<unsigned long long>(mix(seed)),
                static_cast<unsigned long long>(mix(~seed)));
  return token;
}

void produce(store::Store& db, Producer& producer, const Options& options, std::int64_t ts) {
  const std::int64_t window = options.window;
  const double rate = options.rate / options.producers;  // this producer's share
  const auto start = Clock::now();
  for (std::int64_t k = 0; k < producer.votes; ++k) {
    // Paced: vote k is due k / rate seconds after the start (checked every 64 votes).
    if (rate > 0 && k % 64 == 0) {
      std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(k / rate)));
    }
    // Bounded in flight: wait for acks, as a server that stops reading when they lag. It
    // resumes at half the window, so that completions rarely need to wake it (a futex call
    // per completion would cost the writer thread more than the vote).
    if (k - producer.acked.load() >= window) {
      const std::int64_t needed = k - window / 2;
      producer.wake_at.store(needed);
      for (auto acked = producer.acked.load(); acked < needed; acked = producer.acked.load()) {
        producer.acked.wait(acked);
      }
      producer.wake_at.store(-1);
    }
    // Producers interleave: vote number g overall is device g % audience voting in poll
    // g / audience, so one poll is open at a time and every device votes once in each.
    const std::int64_t g = k * options.producers + producer.id;
    std::string poll = "poll-" + std::to_string(g / options.audience);
    std::string device = device_token(g % options.audience);
    std::string choice = "entry-" + std::to_string(k % 12);
    store::LedgerWrite write;
    write.ts = ts + k;
    write.kind = "vote";
    write.actor = device;
    write.payload = R"({"type":"vote","poll":")" + poll + R"(","choice":")" + choice + "\"}";
    write.vote = store::VoteRow{std::move(poll), std::move(device), std::move(choice)};
    producer.started[static_cast<std::size_t>(k)] = Clock::now();
    db.append(std::move(write), [&producer, k](bool ok) {
      auto index = static_cast<std::size_t>(k);
      producer.latency_ns[index] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       Clock::now() - producer.started[index])
                                       .count();
      if (!ok) producer.failed.fetch_add(1, std::memory_order_relaxed);
      if (producer.acked.fetch_add(1) + 1 == producer.wake_at.load()) producer.acked.notify_one();
    });
  }
}

double percentile_ms(std::vector<std::int64_t>& sorted_ns, double p) {
  if (sorted_ns.empty()) return 0;
  auto index = static_cast<std::size_t>(p * static_cast<double>(sorted_ns.size() - 1));
  return static_cast<double>(sorted_ns[index]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  bool temporary = options.db.empty();
  if (temporary) {
    options.db = (std::filesystem::temp_directory_path() /
                  ("stagevote-store-bench-" + std::to_string(::getpid()) + ".db"))
                     .string();
  }

  std::vector<Producer> producers(static_cast<std::size_t>(options.producers));
  for (std::size_t i = 0; i < producers.size(); ++i) {
    Producer& producer = producers[i];
    producer.id = static_cast<int>(i);
    producer.votes = options.votes / options.producers +
                     (static_cast<std::int64_t>(i) < options.votes % options.producers ? 1 : 0);
    producer.started.resize(static_cast<std::size_t>(producer.votes));
    producer.latency_ns.resize(static_cast<std::size_t>(producer.votes));
  }

  store::StoreStats stats;
  std::int64_t records_before = 0;
  std::int64_t records_after = 0;
  double seconds = 0;
  try {
    store::Store db(options.db);
    records_before = db.record_count();
    auto ts = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (Producer& producer : producers) {
      threads.emplace_back(
          [&, ts] { produce(db, producer, options, ts + producer.id * options.votes); });
    }
    for (auto& thread : threads) thread.join();
    db.flush();  // every Done has run once flush returns
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    stats = db.stats();
    records_after = db.record_count();
  } catch (const store::StoreError& error) {
    std::fprintf(stderr, "stagevote-store-bench: %s\n", error.what());
    return 1;
  }
  if (temporary) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(options.db + suffix);
  }

  std::vector<std::int64_t> latencies;
  latencies.reserve(static_cast<std::size_t>(options.votes));
  std::int64_t failed = 0;
  for (Producer& producer : producers) {
    latencies.insert(latencies.end(), producer.latency_ns.begin(), producer.latency_ns.end());
    failed += producer.failed.load();
  }
  std::sort(latencies.begin(), latencies.end());
  const std::int64_t committed = records_after - records_before;
  const double votes_per_second = static_cast<double>(committed) / seconds;
  const double mean_batch = stats.transactions ? static_cast<double>(stats.writes) /
                                                     static_cast<double>(stats.transactions)
                                               : 0;
  const double p50 = percentile_ms(latencies, 0.50);
  const double p99 = percentile_ms(latencies, 0.99);
  const double max = latencies.empty() ? 0 : static_cast<double>(latencies.back()) / 1e6;
  // The writer thread is the one serial part: its CPU time per vote bounds the throughput a
  // free core would give, whatever else shares the machine while measuring.
  const double writer_us_per_vote = stats.writes ? static_cast<double>(stats.writer_cpu_ns) / 1e3 /
                                                       static_cast<double>(stats.writes)
                                                 : 0;
  const double writer_bound = writer_us_per_vote > 0 ? 1e6 / writer_us_per_vote : 0;

  if (options.json) {
    std::printf(
        "{\"votes\":%lld,\"producers\":%d,\"window\":%lld,\"audience\":%lld,\"rate\":%.0f,"
        "\"committed\":%lld,"
        "\"failed\":%lld,"
        "\"seconds\":%.3f,\"votes_per_second\":%.0f,\"transactions\":%llu,\"mean_batch\":%.1f,"
        "\"largest_batch\":%llu,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
        "\"writer_cpu_us_per_vote\":%.2f,\"writer_bound_votes_per_second\":%.0f,\"checkpoints\":%"
        "llu}\n",
        static_cast<long long>(options.votes), options.producers,
        static_cast<long long>(options.window), static_cast<long long>(options.audience),
        options.rate, static_cast<long long>(committed), static_cast<long long>(failed), seconds,
        votes_per_second, static_cast<unsigned long long>(stats.transactions), mean_batch,
        static_cast<unsigned long long>(stats.largest_batch), p50, p99, max, writer_us_per_vote,
        writer_bound, static_cast<unsigned long long>(stats.checkpoints));
  } else {
    std::printf(
        "votes appended     %lld by %d producers (window %lld each), %s\n",
        static_cast<long long>(options.votes), options.producers,
        static_cast<long long>(options.window),
        options.rate > 0
            ? ("offered at " + std::to_string(static_cast<long long>(options.rate)) + " votes/s")
                  .c_str()
            : "as fast as possible");
    std::printf("committed          %lld in %.3f s, %lld failed\n",
                static_cast<long long>(committed), seconds, static_cast<long long>(failed));
    std::printf("throughput         %.0f votes/s (synchronous=FULL, each acked after commit)\n",
                votes_per_second);
    std::printf("transactions       %llu, mean batch %.1f, largest %llu; %llu WAL checkpoints\n",
                static_cast<unsigned long long>(stats.transactions), mean_batch,
                static_cast<unsigned long long>(stats.largest_batch),
                static_cast<unsigned long long>(stats.checkpoints));
    std::printf("append-to-ack      p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", p50, p99, max);
    std::printf("writer thread      %.2f us CPU per vote (at most %.0f votes/s on a free core)\n",
                writer_us_per_vote, writer_bound);
  }
  return committed == options.votes && failed == 0 ? 0 : 1;
}
