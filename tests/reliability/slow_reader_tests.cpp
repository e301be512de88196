// Slow readers: 500 screens that never read while votes flow and tallies go out. The server's
// memory must stay bounded, the laggards must be disconnected, and a screen that does read
// must see each vote in its tally within the benchmark's target (p99 under 250 ms, measured
// the benchmark's way: server/bench/latency.hpp).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "latency.hpp"
#include "support/contest_info.hpp"
#include "support/raw_socket.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace stagevote::reliability;
using namespace std::chrono_literals;
namespace bench = stagevote::bench;

namespace {

const std::string kHostKey = "slow-reader-host-key-31";
constexpr int kSlowReaders = 500;
constexpr double kTallyP99TargetMs = 250;
// How long the laggards may hang on: they never answer the server's ping, so the idle timeout
// (30 s, server/net/session_limits.hpp) closes them; their buffers alone would take many
// minutes to fill at tally rate.
constexpr auto kDisconnectDeadline = 90s;
constexpr std::uint64_t kMemoryGrowthLimitKib = 160 * 1024;

// Under ASan the quarantine keeps freed memory resident; keep it small so that what the
// test sees is what the server holds.
std::string asan_options() {
  const char* current = std::getenv("ASAN_OPTIONS");
  std::string options = current && *current ? std::string(current) + ":" : std::string();
  return "ASAN_OPTIONS=" + options + "quarantine_size_mb=16";
}

}  // namespace

TEST_CASE(
    "Five hundred screens that never read are dropped, memory stays bounded, and the "
    "others still see votes within 250 ms",
    "[slow][serial]") {
  TempDir dir;
  ServerProcess server({dir / "show.db", dir / "server.log", kHostKey, true, {}, {asan_options()}});
  const auto port = server.port();
  const auto contest = fetch_contest(port, kHostKey);
  const auto& round = contest.rounds.front();
  const std::string entry = round.entries[0];

  WsClient host(port);
  REQUIRE(host.hello({{"type", "hello"}, {"role", "host"}, {"key", kHostKey}})["type"] ==
          "welcome");
  REQUIRE(host.request({{"type", "cmd"},
                        {"id", "c1"},
                        {"action", "start_entry"},
                        {"round", round.id},
                        {"entry", entry}})["type"] == "ack");
  const auto opened = host.request({{"type", "cmd"},
                                    {"id", "c2"},
                                    {"action", "open_poll"},
                                    {"round", round.id},
                                    {"entries", {entry}}});
  REQUIRE(opened["type"] == "ack");
  const std::string poll = opened["poll"];

  // The screen that reads, on its own thread, noting when each tally arrives.
  std::mutex mutex;
  std::vector<bench::TallySeen> tallies;
  std::atomic<bool> stop{false};         // the phones
  std::atomic<bool> stop_screen{false};  // the reading screen, once it has seen the last votes
  std::thread screen([&] {
    WsClient display(port);
    display.hello({{"type", "hello"}, {"role", "display"}, {"key", contest.display_key}});
    while (!stop_screen) {
      const auto message = display.next(50ms);
      if (!message || message->value("type", "") != "tally" || (*message)["poll"] != poll) continue;
      std::lock_guard lock(mutex);
      tallies.push_back({(*message)["total"].get<long>(), bench::Clock::now()});
    }
  });

  const auto baseline_kib = server.resident_kib().value_or(0);
  std::vector<std::unique_ptr<RawSocket>> laggards;
  for (int i = 0; i < kSlowReaders; ++i) {
    laggards.push_back(std::make_unique<RawSocket>(port, 4096));
    // As a browser does, it waits for the upgrade's response before saying hello (bytes sent
    // behind the upgrade request are not read as WebSocket frames); then it never reads again.
    laggards.back()->upgrade(/*read_response=*/true);
    laggards.back()->send_text(
        json{{"type", "hello"}, {"role", "display"}, {"key", contest.display_key}}.dump());
  }

  // Phones vote all along, each on a fresh connection; the test keeps the benchmark's books.
  bench::WaveTimes wave;
  std::atomic<long> counted{0};
  std::vector<std::thread> voters;
  for (int t = 0; t < 3; ++t) {
    voters.emplace_back([&] {
      while (!stop) {
        try {
          WsClient phone(port);
          phone.hello({{"type", "hello"}, {"role", "audience"}});
          const auto sent = bench::Clock::now();
          const auto reply =
              phone.request({{"type", "vote"}, {"id", "v"}, {"poll", poll}, {"choice", entry}});
          const auto acked = bench::Clock::now();
          std::lock_guard lock(mutex);
          wave.first_sends.push_back(sent);
          if (reply.value("counted", false)) {
            wave.counted_acks.push_back(acked);
            ++counted;
          }
        } catch (const WsError&) {
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  }

  // Watch the server's own count of screens and its memory until the laggards are gone.
  std::uint64_t peak_kib = baseline_kib;
  long displays = -1;
  const auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < kDisconnectDeadline) {
    if (auto message = host.next(200ms); message && message->value("type", "") == "connections") {
      displays = (*message)["connections"]["display"].get<long>();
      if (displays <= 1 && std::chrono::steady_clock::now() - started > 5s) break;
    }
    peak_kib = std::max(peak_kib, server.resident_kib().value_or(0));
  }
  const auto dropped_after = std::chrono::steady_clock::now() - started;
  // A few more seconds of votes with the laggards gone.
  std::this_thread::sleep_for(3s);
  stop = true;
  for (auto& voter : voters) voter.join();
  // The last votes were acked just now: give their tally (every 100 ms) time to arrive
  // before the screen stops reading, else they would count as never seen.
  const auto last_votes = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - last_votes < 5s) {
    {
      std::lock_guard lock(mutex);
      if (!tallies.empty() && tallies.back().total >= counted) break;
    }
    std::this_thread::sleep_for(20ms);
  }
  stop_screen = true;
  screen.join();
  peak_kib = std::max(peak_kib, server.resident_kib().value_or(0));

  INFO("screens the server still counts: "
       << displays << " after "
       << std::chrono::duration_cast<std::chrono::seconds>(dropped_after).count() << " s");
  CHECK(displays == 1);
  INFO("server memory: " << baseline_kib / 1024 << " MiB before the laggards, peak "
                         << peak_kib / 1024 << " MiB");
  CHECK(peak_kib - baseline_kib < kMemoryGrowthLimitKib);
  // The laggards find their connections closed once they do read.
  int closed = 0;
  for (auto& socket : laggards) closed += socket->wait_closed(2s);
  CHECK(closed == kSlowReaders);

  auto delays = bench::tally_delays(wave, tallies);
  const auto figures = bench::percentiles(delays.delays_ms);
  std::cout << "slow readers: " << counted << " votes counted; tally latency p50 " << figures.p50_ms
            << " ms, p99 " << figures.p99_ms << " ms, max " << figures.max_ms << " ms ("
            << delays.unseen << " never seen); server RSS " << baseline_kib / 1024 << " -> peak "
            << peak_kib / 1024 << " MiB; laggards dropped after "
            << std::chrono::duration_cast<std::chrono::seconds>(dropped_after).count() << " s"
            << std::endl;
  REQUIRE(figures.count > 50);
  CHECK(delays.unseen == 0);
  CHECK(figures.p99_ms < kTallyP99TargetMs);
}
