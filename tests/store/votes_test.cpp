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
