// Slow readers: 500 screens that never read while votes flow and tallies go out. The server's
// memory must stay bounded, the laggards must be disconnected, and the screen that does read
// must still be shown every counted vote. How fast it is shown is a speed, measured by
// stagevote-bench --slow-readers (docs/benchmarks.md), not here.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "support/contest_info.hpp"
#include "support/http_client.hpp"
#include "support/raw_socket.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace stagevote::reliability;
using namespace std::chrono_literals;

namespace {

const std::string kHostKey = "slow-reader-host-key-31";
constexpr int kSlowReaders = 500;
// Votes the test waits for, so that the tallies it checks carry a real count; a count, not a
// rate: the phones vote until there are this many, however slow the machine.
constexpr long kMinCounted = 100;
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

// The entry's votes in the round, as the server's results API reports them (0: not listed).
long stored_votes(unsigned short port, const std::string& round, const std::string& entry) {
  const auto results = http_get(port, "/api/rounds/" + round + "/results",
                                {{"Authorization", "Bearer " + kHostKey}});
  REQUIRE(results);
  REQUIRE(results->status == 200);
  const json body = json::parse(results->body);  // kept alive for the loop
  for (const auto& row : body.at("entries")) {
    if (row.at("entry") == entry) return row.at("votes").get<long>();
  }
  return 0;
}

}  // namespace

TEST_CASE(
    "Five hundred screens that never read are dropped, memory stays bounded, and the screen "
    "that reads is shown every counted vote",
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
  const long votes_before = stored_votes(port, round.id, entry);

  // The screen that reads, on its own thread, keeping each tally's total in arrival order.
  std::mutex mutex;
  std::vector<long> totals;
  std::atomic<bool> stop{false};         // the phones
  std::atomic<bool> stop_screen{false};  // the reading screen, once it has seen the last votes
  std::thread screen([&] {
    WsClient display(port);
    display.hello({{"type", "hello"}, {"role", "display"}, {"key", contest.display_key}});
    while (!stop_screen) {
      const auto message = display.next(50ms);
      if (!message || message->value("type", "") != "tally" || (*message)["poll"] != poll) continue;
      std::lock_guard lock(mutex);
      totals.push_back((*message)["total"].get<long>());
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

  // Phones vote all along, each on a fresh connection. A vote sent whose reply never came
  // (the connection broke) may or may not have been counted: those are kept apart.
  std::atomic<long> counted{0}, unsure{0};
  std::vector<std::thread> voters;
  for (int t = 0; t < 3; ++t) {
    voters.emplace_back([&] {
      while (!stop) {
        bool sent = false;
        try {
          WsClient phone(port);
          phone.hello({{"type", "hello"}, {"role", "audience"}});
          sent = true;
          const auto reply =
              phone.request({{"type", "vote"}, {"id", "v"}, {"poll", poll}, {"choice", entry}});
          if (reply.value("counted", false)) ++counted;
        } catch (const WsError&) {
          if (sent) ++unsure;
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  }

  // Watch the server's own count of screens and its memory until the laggards are gone. The
  // deadline only bounds the wait (they are closed at the 30 s idle timeout).
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
  // More votes with the laggards gone, until there are enough to check (bounded wait).
  const auto after_drop = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - after_drop < 3s ||
         (counted < kMinCounted && std::chrono::steady_clock::now() - after_drop < 60s)) {
    std::this_thread::sleep_for(50ms);
  }
  stop = true;
  for (auto& voter : voters) voter.join();
  // The last votes were acked just now: wait for their tally (every 100 ms) before the screen
  // stops reading. The deadline only bounds the wait.
  const auto last_votes = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - last_votes < 20s) {
    {
      std::lock_guard lock(mutex);
      if (!totals.empty() && totals.back() >= counted) break;
    }
    std::this_thread::sleep_for(20ms);
  }
  stop_screen = true;
  screen.join();
  peak_kib = std::max(peak_kib, server.resident_kib().value_or(0));

  INFO("screens the server still counts: " << displays);
  CHECK(displays == 1);
  INFO("server memory: " << baseline_kib / 1024 << " MiB before the laggards, peak "
                         << peak_kib / 1024 << " MiB");
  CHECK(peak_kib - baseline_kib < kMemoryGrowthLimitKib);
  // The laggards find their connections closed once they do read.
  int closed = 0;
  for (auto& socket : laggards) closed += socket->wait_closed(2s);
  CHECK(closed == kSlowReaders);

  // The reading screen was shown every counted vote, its totals only grew, and what it shows
  // last is what the server stored: nothing counted was lost on the way.
  INFO("votes counted " << counted << ", unsure " << unsure << ", tallies seen " << totals.size());
  REQUIRE(counted >= kMinCounted);
  REQUIRE_FALSE(totals.empty());
  CHECK(std::is_sorted(totals.begin(), totals.end()));
  CHECK(totals.back() >= counted);
  CHECK(totals.back() <= counted + unsure);
  // Closed first, as at the end of a show: the results API reports what the store holds.
  REQUIRE(host.request({{"type", "cmd"}, {"id", "c3"}, {"action", "close_poll"}, {"poll", poll}})
              .value("type", "") == "ack");
  const long stored = stored_votes(port, round.id, entry) - votes_before;
  CHECK(stored == totals.back());
}
