// Crash safety: a storm of votes, scores and host steps from clients that record every ack,
// a SIGKILL at a random moment, a restart on the same file, and a check that everything
// acknowledged is there, counted once, and that the show is where it was.
//
// STAGEVOTE_KILLS (default 5) sets the number of kills, STAGEVOTE_SOAK_SECONDS (default 200)
// bounds the run, STAGEVOTE_SEED replays a run; scripts/soak runs hundreds of kills.
#include <signal.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "engine/credentials.hpp"
#include "show_script.hpp"
#include "storm.hpp"
#include "support/contest_info.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace stagevote::reliability;
using namespace std::chrono_literals;

namespace {

long env_number(const char* name, long fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::strtol(value, nullptr, 10) : fallback;
}

struct VoteRow {
  std::string poll, device, choice;
};

// The votes table, read straight from the file (the server may be running: WAL readers are
// welcome).
std::vector<VoteRow> read_vote_rows(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  std::vector<VoteRow> rows;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    throw std::runtime_error("cannot open " + db.string());
  }
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(handle, "SELECT poll, device, choice FROM votes", -1, &statement, nullptr);
  while (statement && sqlite3_step(statement) == SQLITE_ROW) {
    auto text = [&](int column) {
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, column)));
    };
    rows.push_back({text(0), text(1), text(2)});
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return rows;
}

// The key the server names phones under in the votes table (engine::device_pseudonym).
std::string pseudonym_key_of(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  std::string key;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(handle, "SELECT value FROM meta WHERE key = 'pseudonym_key'", -1, &statement,
                       nullptr);
    if (statement && sqlite3_step(statement) == SQLITE_ROW) {
      const std::string hex(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
      for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        key.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(handle);
  return key;
}

// One show: a database file and what its clients recorded, across every kill.
struct ShowRun {
  std::filesystem::path db;
  Records records;
};

struct Totals {
  int kills = 0;
  int shows = 0;
  // Checks made, summed over the kills (each kill re-checks everything of its show).
  std::size_t votes_acked = 0, votes_rows = 0, scores_checked = 0, steps_acked = 0;
  int in_flight_step_applied = 0, in_flight_step_lost = 0;
};

// Checks the restarted server against the records; adds what is wrong to `failures` and
// brings the records up to what the server now holds (the start of the next cycle).
void verify_after_restart(unsigned short port, const std::string& host_key,
                          const ContestInfo& contest, const ShowScript& script, ShowRun& run,
                          Totals& totals, std::vector<std::string>& failures) {
  Records& records = run.records;

  // 1. The show is where the acknowledged steps left it (or one step on, if one was sent).
  WsClient host(port);
  const auto welcome = host.hello({{"type", "hello"}, {"role", "host"}, {"key", host_key}});
  REQUIRE(welcome.value("type", "") == "welcome");
  const auto state = host.next_where([](const json& m) { return m.value("type", "") == "state"; });
  const ShowPosition position = observed_position(state);
  const std::size_t acked = records.host_acked;
  if (position == script.after(acked)) {
    if (records.host_in_flight) ++totals.in_flight_step_lost;
  } else if (records.host_in_flight && position == script.after(acked + 1)) {
    records.host_acked = acked + 1;
    ++totals.in_flight_step_applied;
  } else {
    failures.push_back("show position after restart: " + describe(position) + "; expected " +
                       describe(script.after(acked)) +
                       (records.host_in_flight ? " or " + describe(script.after(acked + 1)) : ""));
  }
  records.host_in_flight.reset();
  records.open_poll.clear();
  if (state["poll"].is_object()) {
    records.open_poll = state["poll"]["id"].get<std::string>();
    records.poll_rounds[records.open_poll] = state["poll"]["round"].get<std::string>();
  }

  // 2. Every acknowledged vote is in the file, once, with its choice; nothing else is.
  const auto rows = read_vote_rows(run.db);
  std::map<std::pair<std::string, std::string>, std::string> committed;
  for (const auto& row : rows) {
    if (!committed.emplace(std::make_pair(row.poll, row.device), row.choice).second) {
      failures.push_back("two votes of one device in poll " + row.poll);
    }
  }
  // The file names a phone by its pseudonym, never by its token.
  const std::string pseudonym_key = pseudonym_key_of(run.db);
  std::set<std::pair<std::string, std::string>> sent;
  for (const auto& vote : records.votes) {
    const std::string voter = stagevote::engine::device_pseudonym(pseudonym_key, vote.device);
    sent.emplace(vote.poll, voter);
    if (!vote.acked) continue;
    const auto it = committed.find({vote.poll, voter});
    const std::string expected = vote.counted ? vote.choice : vote.acked_choice;
    if (it == committed.end()) {
      failures.push_back("acknowledged vote lost: poll " + vote.poll + " device " + vote.device);
    } else if (it->second != expected) {
      failures.push_back("vote recorded as " + it->second + ", acknowledged as " + expected);
    }
  }
  for (const auto& row : rows) {
    if (!sent.count({row.poll, row.device})) failures.push_back("a vote nobody sent: " + row.poll);
  }

  // 3. The server counts exactly those rows, and every judge's score is the last acknowledged
  //    revision or one sent after it.
  std::map<std::tuple<std::string, std::string, std::string>, double> server_scores;
  for (const auto& round : contest.rounds) {
    const auto reply = http_get(port, "/api/rounds/" + round.id + "/results",
                                {{"Authorization", "Bearer " + host_key}});
    REQUIRE(reply);
    REQUIRE(reply->status == 200);
    const auto results = json::parse(reply->body);
    for (const auto& entry : results.at("entries")) {
      const std::string id = entry.at("entry");
      long expected_votes = 0;
      for (const auto& row : rows) {
        const auto poll_round = records.poll_rounds.find(row.poll);
        if (row.choice == id && poll_round != records.poll_rounds.end() &&
            poll_round->second == round.id) {
          ++expected_votes;
        }
      }
      if (entry.at("votes").get<long>() != expected_votes) {
        failures.push_back("round " + round.id + " entry " + id + " counts " +
                           entry.at("votes").dump() + " votes; the file holds " +
                           std::to_string(expected_votes));
      }
      for (const auto& score : entry.at("judge_scores")) {
        server_scores[{score.at("judge").get<std::string>(), round.id, id}] = score.at("total").get<double>();
      }
    }
  }
  for (auto& [key, track] : records.scores) {
    const auto it = server_scores.find(key);
    const auto& [judge, round, entry] = key;
    if (it == server_scores.end()) {
      if (track.last_acked > 0) failures.push_back("acknowledged score lost: " + judge + " " + entry);
      continue;
    }
    int found = 0;
    for (const int revision : track.sent) {
      if (revision >= track.last_acked && std::abs(score_total(revision) - it->second) < 1e-6) {
        found = revision;
      }
    }
    if (found == 0) {
      failures.push_back("score of " + judge + " for " + entry + " is " +
                         std::to_string(it->second) + ", not the last acknowledged revision " +
                         std::to_string(track.last_acked) + " or a later one");
    }
    track.last_acked = std::max(track.last_acked, found);
    ++totals.scores_checked;
  }
  for (const auto& [key, total] : server_scores) {
    if (!records.scores.count(key)) failures.push_back("a score nobody sent: " + std::get<0>(key));
  }

  // 4. Phones that come back see their ballots (a sample of devices).
  std::set<std::string> devices;
  for (const auto& vote : records.votes) {
    if (vote.acked && devices.size() < 8) devices.insert(vote.device);
  }
  for (const auto& device : devices) {
    WsClient phone(port);
    const auto back = phone.hello({{"type", "hello"}, {"role", "audience"}, {"device", device}});
    for (const auto& vote : records.votes) {
      if (vote.device != device || !vote.acked) continue;
      const std::string expected = vote.counted ? vote.choice : vote.acked_choice;
      if (back.value("device", "") != device || !back["votes"].contains(vote.poll) ||
          back["votes"][vote.poll] != expected) {
        failures.push_back("welcome of a returning device misses its ballot in " + vote.poll);
      }
    }
  }

  totals.votes_acked += records.acked_votes();
  totals.votes_rows += rows.size();
  totals.steps_acked = records.host_acked;
}

}  // namespace

TEST_CASE("Every acknowledged vote and score survives kill -9, is counted once, and the show "
          "resumes where it was",
          "[crash]") {
  const long kills = env_number("STAGEVOTE_KILLS", 5);
  const auto budget = std::chrono::seconds(env_number("STAGEVOTE_SOAK_SECONDS", 200));
  const auto seed = static_cast<unsigned>(env_number("STAGEVOTE_SEED", std::random_device{}()));
  INFO("STAGEVOTE_SEED=" << seed);
  std::mt19937 random(seed);
  const std::string host_key = "crash-host-key-7f3a9c";
  TempDir dir("stagevote-crash");

  const auto started = std::chrono::steady_clock::now();
  Totals totals;
  std::unique_ptr<ShowRun> run;
  std::unique_ptr<ServerProcess> server;
  std::optional<ContestInfo> contest;
  std::optional<ShowScript> script;
  bool script_done = false;

  for (long kill = 0; kill < kills && std::chrono::steady_clock::now() - started < budget; ++kill) {
    if (!run || script_done) {
      // A fresh show once the last one has run through every entry.
      server.reset();
      run = std::make_unique<ShowRun>();
      run->db = dir / ("show-" + std::to_string(++totals.shows) + ".db");
      script_done = false;
    }
    Launch launch{run->db, dir / "server.log", host_key};
    if (!server) server = std::make_unique<ServerProcess>(launch);
    if (!contest) {
      contest = fetch_contest(server->port(), host_key);
      script.emplace(*contest);
    }

    {
      Storm storm(server->port(), *contest, *script, host_key, run->records, random());
      storm.start();
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + random() % 2200));
      server->signal(SIGKILL);
      const auto exit = server->wait(10s);
      REQUIRE(exit);
      REQUIRE(exit->signal == SIGKILL);
      storm.stop();
      script_done = storm.script_done();
    }
    ++totals.kills;
    server.reset();
    server = std::make_unique<ServerProcess>(launch);

    std::vector<std::string> failures;
    {
      std::lock_guard lock(run->records.mutex);
      failures = run->records.failures;
    }
    verify_after_restart(server->port(), host_key, *contest, *script, *run, totals, failures);
    INFO("kill " << kill + 1 << " of show " << totals.shows);
    for (const auto& failure : failures) FAIL_CHECK(failure);
    if (!failures.empty()) break;
    run->records.failures.clear();
  }

  REQUIRE(totals.kills >= std::min<long>(kills, 1));
  std::cout << "crash safety: seed " << seed << ", " << totals.kills << " kills over "
            << totals.shows << " show(s); " << totals.votes_acked << " vote acks and "
            << totals.votes_rows << " vote rows checked, "
            << totals.scores_checked << " judge scores checked; in-flight host step applied "
            << totals.in_flight_step_applied << " times, not applied "
            << totals.in_flight_step_lost << " times; "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started)
                   .count()
            << " s" << std::endl;
}
