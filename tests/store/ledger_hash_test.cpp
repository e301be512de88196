#include <catch2/catch.hpp>

#include "store/ledger_hash.hpp"

using stagevote::store::encode_ledger_fields;
using stagevote::store::LedgerFields;
using stagevote::store::LedgerHasher;

TEST_CASE("A ledger record is hashed over its netstring encoding", "[store][hash]") {
  LedgerFields first{"", 1, 1'700'000'000'000, "vote", "dev-1", R"({"poll":"p1","choice":"e2"})"};
  std::string encoding;
  encode_ledger_fields(first, encoding);
  CHECK(encoding == R"(0:,1:1,13:1700000000000,4:vote,5:dev-1,27:{"poll":"p1","choice":"e2"},)");

  // Known answers (sha256sum of the encoding): they pin the format that old files were
  // written with, so a change to the encoding cannot go unnoticed.
  LedgerHasher hasher;
  const std::string first_hash = hasher.hash(first);
  CHECK(first_hash == "a8c2a2a5f4c563c33c8b89fe86d40f8c24c80171b7bfeed612535a12f047c49d");
  LedgerFields second{first_hash,    2,      1'700'000'000'001,
                      "start_entry", "host", R"({"round":"r1","entry":"e1"})"};
  CHECK(hasher.hash(second) == "6f4f6315abe7373c430a6dcd82abd6a9a58262d873fe086f561ee034fabdeb55");
}

TEST_CASE("Moving bytes between fields changes the hash", "[store][hash]") {
  LedgerHasher hasher;
  auto [a, b] = GENERATE(table<LedgerFields, LedgerFields>({
      {{"", 1, 5, "ab", "c", "{}"}, {"", 1, 5, "a", "bc", "{}"}},
      {{"", 1, 5, "vote", "x", "1"}, {"", 1, 5, "vote", "x1", ""}},
      {{"", 12, 3, "k", "a", "p"}, {"", 1, 23, "k", "a", "p"}},
      {{"h", 1, 5, "k", "a", "p"}, {"", 1, 5, "hk", "a", "p"}},
      {{"", 1, 5, "k", "a\x1f", "p"}, {"", 1, 5, "k", "a", "\x1fp"}},
  }));
  CHECK(hasher.hash(a) != hasher.hash(b));
}
