#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace stagevote::store;
using stagevote::store::test::command_write;
using stagevote::store::test::RawDb;
using stagevote::store::test::TempDir;
using stagevote::store::test::WriterGate;

TEST_CASE("Every completion runs only after its row is visible from another connection",
          "[store][group-commit]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  Store store(path);
  RawDb observer(path);  // used only inside completions, i.e. on the writer thread

  constexpr int kWrites = 500;
  std::mutex mutex;
  std::vector<std::string> problems;
  std::atomic<int> completed{0};
  for (int i = 0; i < kWrites; ++i) {
    const std::string payload = R"({"scene":")" + std::to_string(i) + "\"}";
    store.append(command_write("show", payload), [&, i, payload](bool ok) {
      std::string seen;
      try {
        seen =
            observer.query_text("SELECT payload FROM ledger WHERE seq = " + std::to_string(i + 1));
      } catch (const std::exception& error) {
        seen = error.what();
      }
      if (!ok || seen != payload) {
        std::lock_guard lock(mutex);
        problems.push_back("write " + std::to_string(i) + " completed (ok=" + std::to_string(ok) +
                           ") but another connection sees: " + seen);
      }
      ++completed;
    });
  }
  store.flush();
  CHECK(completed == kWrites);
  CHECK(problems == std::vector<std::string>{});
}

TEST_CASE("Seqs follow append order when four threads append at once", "[store][group-commit]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  Store store(path);
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 2500;
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        LedgerWrite write = command_write("show", std::to_string(i));
        write.actor = "thread-" + std::to_string(t);
        store.append(std::move(write), [&](bool ok) { succeeded += ok ? 1 : 0; });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  store.flush();
  CHECK(succeeded == kThreads * kWritesPerThread);

  std::int64_t expected_seq = 1;
  std::vector<int> last_of_thread(kThreads, -1);
  bool in_order = true;
  store.for_each_record([&](const LedgerRecord& record) {
    if (record.seq != expected_seq++) in_order = false;
    int thread = std::stoi(record.actor.substr(std::string("thread-").size()));
    int index = std::stoi(record.payload);
    if (index != last_of_thread[static_cast<std::size_t>(thread)] + 1) in_order = false;
    last_of_thread[static_cast<std::size_t>(thread)] = index;
  });
  CHECK(in_order);
  CHECK(expected_seq - 1 == kThreads * kWritesPerThread);
  CHECK(last_of_thread == std::vector<int>(kThreads, kWritesPerThread - 1));
  CHECK(Store::verify_chain(path).ok);
}

TEST_CASE("flush and the destructor commit everything queued", "[store][group-commit]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  constexpr int kWrites = 1000;
  std::atomic<int> succeeded{0};
  auto append_all = [&](Store& store) {
    for (int i = 0; i < kWrites; ++i) {
      store.append(command_write("show", std::to_string(i)),
                   [&](bool ok) { succeeded += ok ? 1 : 0; });
    }
  };

  SECTION("flush returns once every queued write is committed and completed") {
    Store store(path);
    append_all(store);
    store.flush();
    CHECK(succeeded == kWrites);
    CHECK(RawDb(path).query_int("SELECT count(*) FROM ledger") == kWrites);
  }
  SECTION("the destructor commits and completes what is still queued") {
    {
      Store store(path);
      append_all(store);
    }
    CHECK(succeeded == kWrites);
    CHECK(RawDb(path).query_int("SELECT count(*) FROM ledger") == kWrites);
  }
  SECTION("flush on an idle store returns") {
    Store store(path);
    store.flush();
    CHECK(store.record_count() == 0);
  }
}

TEST_CASE("A barrier completes after the writes appended before it", "[store][group-commit]") {
  TempDir dir;
  Store store(dir.file("show.db"));
  WriterGate gate;
  std::mutex mutex;
  std::vector<std::string> completions;
  auto note = [&](std::string what) {
    return [&, what](bool ok) {
      std::lock_guard lock(mutex);
      completions.push_back(what + (ok ? "" : " failed"));
    };
  };

  store.append(command_write("show", "held"), gate.hold());
  gate.wait_until_held();
  for (int i = 0; i < 3; ++i) store.append(command_write("show", std::to_string(i)), note("w"));
  store.barrier(note("barrier"));
  store.append(command_write("show", "after"), note("after"));
  gate.release();
  store.flush();
  CHECK(completions == std::vector<std::string>{"w", "w", "w", "barrier", "after"});
  CHECK(store.record_count() == 5);
}

TEST_CASE("Stats count writes, transactions and the largest batch", "[store][group-commit]") {
  TempDir dir;
  Store store(dir.file("show.db"));
  WriterGate gate;
  store.append(command_write("show", "first"), gate.hold());
  gate.wait_until_held();
  // Queued while the writer is held: the next transaction takes all 99 at once.
  for (int i = 0; i < 99; ++i) store.append(command_write("show", std::to_string(i)), nullptr);
  store.barrier(nullptr);  // a barrier is no write
  gate.release();
  store.flush();
  StoreStats stats = store.stats();
  CHECK(stats.writes == 100);
  CHECK(stats.transactions == 2);
  CHECK(stats.largest_batch == 99);
}

TEST_CASE("A failed transaction fails its batch, and the store commits nothing after it",
          "[store][group-commit][fail-stop]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  Store store(path);
  RawDb raw(path);
  WriterGate gate;
  bool first_ok = false;
  store.append(command_write("show", "first"), gate.hold(&first_ok));
  gate.wait_until_held();

  // A write the database itself rejects makes its whole transaction fail.
  raw.exec_or_throw(
      "CREATE TRIGGER poison BEFORE INSERT ON ledger WHEN NEW.kind = 'poison' "
      "BEGIN SELECT RAISE(ABORT, 'poisoned write'); END");
  std::vector<int> results(3, -1);
  auto result_of = [&](int index) { return [&, index](bool ok) { results[index] = ok; }; };
  store.append(command_write("show", "same batch, before"), result_of(0));
  store.append(command_write("poison", "{}"), result_of(1));
  store.append(command_write("show", "same batch, after"), result_of(2));
  gate.release();
  store.flush();
  CHECK(first_ok);
  CHECK(results == std::vector<int>{0, 0, 0});
  CHECK(store.failed());
  CHECK_THAT(store.failure(), Catch::Contains("poisoned write"));

  // Fail-stop: a later write (which may depend on the lost ones) and a barrier (which promises
  // that everything before it is on disk) fail too, without touching the file.
  raw.exec_or_throw("DROP TRIGGER poison");
  int later = -1, barrier = -1;
  store.append(command_write("show", "later"), [&](bool ok) { later = ok; });
  store.barrier([&](bool ok) { barrier = ok; });
  store.flush();
  CHECK(later == 0);
  CHECK(barrier == 0);
  CHECK(store.record_count() == 1);
  CHECK(Store::verify_chain(path).ok);
  CHECK(store.stats().transactions == 1);
}

TEST_CASE("The fail_commit seam fails exactly the Nth transaction that writes",
          "[store][group-commit][fail-stop]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  StoreOptions options;
  options.fail_commit = 3;
  Store store(path, options);
  std::vector<int> results;
  for (int i = 0; i < 4; ++i) {
    store.append(command_write("show", std::to_string(i)), [&](bool ok) { results.push_back(ok); });
    store.flush();  // one transaction each
  }
  CHECK(results == std::vector<int>{1, 1, 0, 0});
  CHECK(store.failed());
  CHECK(store.record_count() == 2);
}
