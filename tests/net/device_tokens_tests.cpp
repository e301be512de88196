#include <catch2/catch.hpp>

#include "engine/device_tokens.hpp"
#include "engine/secrets.hpp"

using namespace stagevote::engine;

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding", "[engine]") {
  const auto [input, expected] = GENERATE(table<std::string, std::string>({
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff", "-_8"},
  }));
  CHECK(base64url(input) == expected);
}

TEST_CASE("Device tokens verify only when this server signed them", "[engine]") {
  const DeviceTokens tokens(random_bytes(32));
  const std::string token = tokens.issue();
  CHECK(token.size() == 45);
  CHECK(tokens.verify(token));

  SECTION("a token is unique") {
    CHECK(tokens.issue() != token);
  }
  SECTION("another server's token is refused") {
    const DeviceTokens other(random_bytes(32));
    CHECK_FALSE(other.verify(token));
  }
  SECTION("a changed character is refused") {
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '.') continue;
      std::string forged = token;
      forged[i] = forged[i] == 'A' ? 'B' : 'A';
      CHECK_FALSE(tokens.verify(forged));
    }
  }
  SECTION("malformed tokens are refused") {
    CHECK_FALSE(tokens.verify(""));
    CHECK_FALSE(tokens.verify("abc"));
    CHECK_FALSE(tokens.verify(token.substr(0, 44)));
    CHECK_FALSE(tokens.verify(token + "x"));
    std::string no_dot = token;
    no_dot[22] = 'x';
    CHECK_FALSE(tokens.verify(no_dot));
  }
}

TEST_CASE("Secrets compare equal only when identical", "[engine]") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK(constant_time_equal("", ""));
  CHECK(to_hex("\x01\xab") == "01ab");
}
