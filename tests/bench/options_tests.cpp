#include <catch2/catch.hpp>

#include <stdexcept>

#include "options.hpp"

using stagevote::bench::parse_options;

TEST_CASE("The URL gives host, port and path") {
  const auto options = parse_options({"--url", "ws://127.0.0.1:9000/ws", "--host-key", "k",
                                      "--phones", "500", "--polls", "3", "--json"});
  CHECK(options.host == "127.0.0.1");
  CHECK(options.port == "9000");
  CHECK(options.path == "/ws");
  CHECK(options.phones == 500);
  CHECK(options.polls == 3);
  CHECK(options.json);
  CHECK(options.sources == -1);
  CHECK(options.slow_readers == 0);
}

TEST_CASE("Slow readers are asked for by number") {
  const auto options = parse_options({"--url", "ws://127.0.0.1:9000/ws", "--host-key", "k",
                                      "--phones", "5", "--slow-readers", "300"});
  CHECK(options.slow_readers == 300);
}

TEST_CASE("Bad command lines are refused with a reason") {
  using Args = std::vector<std::string>;
  const auto args = GENERATE(
      Args{"--host-key", "k", "--phones", "1"},                            // no url
      Args{"--url", "http://x:1/ws", "--host-key", "k", "--phones", "1"},  // not ws://
      Args{"--url", "ws://x:1/ws", "--phones", "1"},                       // no key
      Args{"--url", "ws://x:1/ws", "--host-key", "k"},                     // no phones
      Args{"--url", "ws://x:1/ws", "--host-key", "k", "--phones", "-3"},
      Args{"--url", "ws://x:1/ws", "--host-key", "k", "--phones", "2", "--conns-per-phone", "3"},
      Args{"--url", "ws://x:1/ws", "--host-key", "k", "--phones", "2", "--frobnicate", "1"},
      Args{"--url", "ws://x:1/ws", "--host-key", "k", "--phones", "2", "--slow-readers", "-1"},
      Args{"--url", "ws://x:1/ws", "--host-key", "k", "--phones", "2", "--slow-readers", "100001"},
      Args{"--url", "ws://x:1/ws", "--host-key", "k", "--phones"});
  CHECK_THROWS_AS(parse_options(args), std::invalid_argument);
}
