// Graceful shutdown: SIGTERM (and SIGINT) stop new work, commit and acknowledge what is
// pending, close every WebSocket with a close frame, and exit 0.
#include <signal.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "support/contest_info.hpp"
#include "support/http_client.hpp"
#include "support/raw_socket.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace stagevote::reliability;
using namespace std::chrono_literals;

namespace {

const std::string kHostKey = "shutdown-host-key-77aa55";

long vote_rows(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  long count = -1;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, "SELECT count(*) FROM votes", -1, &statement, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(handle);
  return count;
}

}  // namespace

TEST_CASE("On SIGTERM or SIGINT the server acknowledges what it took, closes every connection "
          "with a close frame and exits 0",
          "[shutdown]") {
  const int signo = GENERATE(SIGTERM, SIGINT);
  INFO("signal " << signo);
  TempDir dir;
  Launch launch{dir / "show.db", dir / "server.log", kHostKey};
  auto server = std::make_unique<ServerProcess>(launch);
  const auto contest = fetch_contest(server->port(), kHostKey);
  const auto& round = contest.rounds.front();

  WsClient host(server->port());
  REQUIRE(host.hello({{"type", "hello"}, {"role", "host"}, {"key", kHostKey}})["type"] == "welcome");
  REQUIRE(host.request({{"type", "cmd"}, {"id", "c1"}, {"action", "start_entry"},
                        {"round", round.id}, {"entry", round.entries[0]}})["type"] == "ack");
  const auto opened = host.request({{"type", "cmd"}, {"id", "c2"}, {"action", "open_poll"},
                                    {"round", round.id}, {"entries", {round.entries[0]}}});
  REQUIRE(opened["type"] == "ack");
  const std::string poll = opened["poll"];

  // Many phones, each with its vote on the wire when the signal lands.
  constexpr int kPhones = 60;
  std::vector<std::unique_ptr<RawSocket>> phones;
  for (int i = 0; i < kPhones; ++i) {
    phones.push_back(std::make_unique<RawSocket>(server->port()));
    REQUIRE(phones.back()->upgrade() == 101);
    REQUIRE(phones.back()->send_text(R"({"type":"hello","role":"audience"})"));
  }
  for (auto& phone : phones) {
    const auto welcome = phone->read_text(10s);
    REQUIRE(welcome);
    REQUIRE(json::parse(*welcome)["type"] == "welcome");
  }
  const std::string vote =
      R"({"type":"vote","id":"v","poll":")" + poll + R"(","choice":")" + round.entries[0] + R"("})";
  for (auto& phone : phones) phone->send_text(vote);
  server->signal(signo);

  // Every phone hears an ack or nothing, then a close frame ("going away").
  int acked = 0;
  for (auto& phone : phones) {
    while (auto text = phone->read_text(15s)) {
      const auto message = json::parse(*text);
      if (message["type"] == "ack") {
        CHECK(message["counted"] == true);
        ++acked;
      }
      CHECK(message["type"] != "error");
    }
    CHECK(phone->wait_closed(15s));
    CHECK(phone->close_code() == 1001);
  }
  CHECK(host.ended(15s));
  REQUIRE(host.close_reason());
  CHECK(host.close_reason()->code == boost::beast::websocket::close_code::going_away);

  const auto exit = server->wait(30s);
  REQUIRE(exit);
  CHECK(exit->exited);
  CHECK(exit->code == 0);
  CHECK(read_file(launch.log).find("stopped cleanly") != std::string::npos);

  // Exactly the acknowledged votes are in the file: what the server took, it committed and
  // acknowledged; what it did not acknowledge, it did not take.
  INFO(acked << " of " << kPhones << " votes acknowledged");
  CHECK(vote_rows(launch.db) == acked);
  server = std::make_unique<ServerProcess>(launch);
  const auto results = http_get(server->port(), "/api/rounds/" + round.id + "/results",
                                {{"Authorization", "Bearer " + kHostKey}});
  REQUIRE(results);
  const json parsed = json::parse(results->body);  // kept alive for the loop
  for (const auto& entry : parsed["entries"]) {
    if (entry["entry"] == round.entries[0]) CHECK(entry["votes"] == acked);
  }
}
