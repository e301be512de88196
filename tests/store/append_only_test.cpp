#include <catch2/catch.hpp>

#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace stagevote::store;
using stagevote::store::test::command_write;
using stagevote::store::test::RawDb;
using stagevote::store::test::TempDir;
using stagevote::store::test::vote_write;

TEST_CASE("The ledger and the votes table refuse updates and deletes", "[store][append-only]") {
  TempDir dir;
  const std::string path = dir.file("show.db");
  {
    Store store(path);
    store.append(command_write("open_poll", R"({"poll":"p1"})"), nullptr);
    store.append(vote_write("p1", "dev-a", "e1"), nullptr);
  }
  RawDb raw(path);
  auto statement =
      GENERATE(as<std::string>{},  //
               "UPDATE ledger SET payload = '{}' WHERE seq = 1", "DELETE FROM ledger WHERE seq = 2",
               "UPDATE votes SET choice = 'e2' WHERE device = 'dev-a'", "DELETE FROM votes");
  INFO(statement);
  CHECK_THAT(raw.exec(statement), Catch::Contains("append-only"));
  CHECK(raw.query_int("SELECT count(*) FROM ledger") == 2);
  CHECK(raw.query_text("SELECT choice FROM votes WHERE device = 'dev-a'") == "e1");
  CHECK(raw.query_text("SELECT payload FROM ledger WHERE seq = 1") == R"({"poll":"p1"})");
}
