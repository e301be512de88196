#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace stagevote::store;
using stagevote::store::test::command_write;
using stagevote::store::test::RawDb;
using stagevote::store::test::TempDir;
using stagevote::store::test::vote_write;

namespace {
std::int64_t vote_records(const std::string& path, const std::string& device) {
  return RawDb(path).query_int("SELECT count(*) FROM ledger WHERE kind = 'vote' AND actor = '" +
                               device + "'");
}
}  // namespace

TEST_CASE("A device's vote in a poll is counted once, however often it is sent", "[store][votes]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  std::atomic<int> succeeded{0};
  auto count_ok = [&](bool ok) { succeeded += ok ? 1 : 0; };

  SECTION("sent twice in a row") {
    Store store(path);
    store.append(vote_write("p1", "dev-a", "e1"), count_ok);
    store.append(vote_write("p1", "dev-a", "e2"), count_ok);
    store.flush();
    CHECK(succeeded == 2);  // the repeat is acknowledged: the vote is counted, durably
    CHECK(store.votes_of_poll("p1") == std::vector<VoteRow>{{"p1", "dev-a", "e1"}});
    CHECK(vote_records(path, "dev-a") == 1);
  }
  SECTION("sent again in a later transaction") {
    Store store(path);
    store.append(vote_write("p1", "dev-a", "e1"), count_ok);
    store.flush();
    store.append(vote_write("p1", "dev-a", "e3"), count_ok);
    store.flush();
    CHECK(succeeded == 2);
    CHECK(store.votes_of_poll("p1").size() == 1);
    CHECK(vote_records(path, "dev-a") == 1);
  }
  SECTION("sent again after the store was reopened") {
    { Store(path).append(vote_write("p1", "dev-a", "e1"), count_ok); }
    { Store(path).append(vote_write("p1", "dev-a", "e2"), count_ok); }
    CHECK(succeeded == 2);
    CHECK(Store(path).votes_of_poll("p1") == std::vector<VoteRow>{{"p1", "dev-a", "e1"}});
    CHECK(vote_records(path, "dev-a") == 1);
  }
  SECTION("raced from two threads") {
    constexpr int kDevices = 300;
    Store store(path);
    std::vector<std::thread> threads;
    for (const char* choice : {"e1", "e2"}) {
      threads.emplace_back([&, choice] {
        for (int d = 0; d < kDevices; ++d) {
          store.append(vote_write("p1", "dev-" + std::to_string(d), choice), count_ok);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    store.flush();
    CHECK(succeeded == 2 * kDevices);
    CHECK(store.votes_of_poll("p1").size() == kDevices);
    CHECK(RawDb(path).query_int("SELECT count(*) FROM ledger WHERE kind = 'vote'") == kDevices);
    for (int d = 0; d < kDevices; d += 37)
      CHECK(vote_records(path, "dev-" + std::to_string(d)) == 1);
    CHECK(Store::verify_chain(path).ok);
  }
}

TEST_CASE("The same device votes once in each poll", "[store][votes]") {
  TempDir dir;
  Store store(dir.file("show.db"));
  store.append(command_write("open_poll", R"({"poll":"p1"})"), nullptr);
  store.append(vote_write("p1", "dev-a", "e1"), nullptr);
  store.append(vote_write("p2", "dev-a", "e4"), nullptr);
  store.append(vote_write("p1", "dev-b", "e2"), nullptr);
  store.flush();
  CHECK(store.votes_of_poll("p1") ==
        std::vector<VoteRow>{{"p1", "dev-a", "e1"}, {"p1", "dev-b", "e2"}});
  CHECK(store.votes_of_poll("p2") == std::vector<VoteRow>{{"p2", "dev-a", "e4"}});
  CHECK(store.votes_of_poll("p3").empty());
  CHECK(store.record_count() == 4);
}

TEST_CASE("A repeated vote inside one transaction leaves the other writes of the batch in order",
          "[store][votes]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  Store store(path);
  stagevote::store::test::WriterGate gate;
  store.append(command_write("open_poll", R"({"poll":"p1"})"), gate.hold());
  gate.wait_until_held();
  // Queued while the writer is held, so they are committed as one transaction.
  std::vector<int> results;
  auto result = [&](bool ok) { results.push_back(ok); };
  store.append(vote_write("p1", "dev-a", "e1"), result);
  store.append(command_write("start_entry", R"({"entry":"e2"})"), result);
  store.append(vote_write("p1", "dev-a", "e2"), result);  // the repeat
  store.append(vote_write("p1", "dev-b", "e2"), result);
  gate.release();
  store.flush();

  CHECK(results == std::vector<int>{1, 1, 1, 1});
  CHECK(store.stats().transactions == 2);
  std::vector<std::string> ledger;
  store.for_each_record([&](const LedgerRecord& record) {
    ledger.push_back(std::to_string(record.seq) + " " + record.kind + " " + record.actor);
  });
  CHECK(ledger == std::vector<std::string>{"1 open_poll host", "2 vote dev-a", "3 start_entry host",
                                           "4 vote dev-b"});
  CHECK(store.votes_of_poll("p1") ==
        std::vector<VoteRow>{{"p1", "dev-a", "e1"}, {"p1", "dev-b", "e2"}});
  CHECK(RawDb(path).query_int("SELECT seq FROM votes WHERE device = 'dev-b'") == 4);
  CHECK(Store::verify_chain(path).ok);
}

TEST_CASE("A rating vote keeps its rating in the votes table; a choice vote has none",
          "[store][votes]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  {
    Store store(path);
    LedgerWrite rating = vote_write("p4", "dev-a", "");
    rating.payload = R"({"device":"dev-a","poll":"p4","rating":8})";
    rating.vote->rating = 8;
    store.append(std::move(rating), [](bool) {});
    store.append(vote_write("p1", "dev-a", "e1"), [](bool) {});
    store.flush();
  }
  Store store(path);
  CHECK(store.votes_of_poll("p4") == std::vector<VoteRow>{{"p4", "dev-a", "", 8}});
  CHECK(store.votes_of_poll("p1") == std::vector<VoteRow>{{"p1", "dev-a", "e1", 0}});
  RawDb raw(path);
  CHECK(raw.query_int("SELECT rating FROM votes WHERE poll = 'p4'") == 8);
  CHECK(raw.query_int("SELECT rating IS NULL FROM votes WHERE poll = 'p1'") == 1);
}
