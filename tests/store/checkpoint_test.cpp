#include <catch2/catch.hpp>
#include <filesystem>

#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace stagevote::store;
using stagevote::store::test::command_write;
using stagevote::store::test::TempDir;

namespace {
std::uintmax_t size_of(const std::string& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}
}  // namespace

TEST_CASE("Checkpoints copy the WAL into the database and keep the WAL bounded",
          "[store][checkpoint]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  StoreOptions options;
  options.checkpoint_pages = 16;  // 256 KiB of 16 KiB pages
  options.wal_limit_pages = 64;   // 1 MiB
  constexpr int kRounds = 60;
  constexpr int kWritesPerRound = 400;
  const std::string padding(300, 'x');  // ~7 MiB of ledger in all: many times the WAL limit

  std::uintmax_t largest_wal = 0;
  {
    Store store(path, options);
    for (int round = 0; round < kRounds; ++round) {
      for (int i = 0; i < kWritesPerRound; ++i) {
        store.append(command_write("show", R"({"scene":")" + padding + "\"}"), nullptr);
      }
      store.flush();
      largest_wal = std::max(largest_wal, size_of(path + "-wal"));
    }
    CHECK(store.stats().checkpoints > 0);
    CHECK(store.record_count() == kRounds * kWritesPerRound);
    // The database file itself holds the ledger, not only the WAL.
    CHECK(size_of(path) > 5'000'000);
  }
  INFO("largest WAL: " << largest_wal << " bytes");
  CHECK(largest_wal < 3'000'000);  // the limit plus the last transactions, never the whole ledger

  ChainCheck check = Store::verify_chain(path);
  CHECK(check.ok);
  CHECK(check.records == kRounds * kWritesPerRound);
}
