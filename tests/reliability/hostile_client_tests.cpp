// Hostile clients: malformed messages, frames a library would not send, floods and stalled
// connections. Each gets its error code or a close; the server stays up and counts nothing
// it should not.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "support/hall.hpp"
#include "support/http_client.hpp"
#include "support/raw_socket.hpp"
#include "support/ws_client.hpp"

using namespace stagevote::reliability;
using namespace std::chrono_literals;

namespace {

constexpr int kCloseProtocolError = 1002;
constexpr int kCloseBadPayload = 1007;
constexpr int kClosePolicy = 1008;
constexpr int kCloseTooBig = 1009;

// A raw WebSocket that has said hello as a phone.
RawSocket raw_phone(const Hall& h) {
  RawSocket socket(h.port());
  REQUIRE(socket.upgrade() == 101);
  REQUIRE(socket.send_text(R"({"type":"hello","role":"audience"})"));
  const auto welcome = socket.read_text();
  REQUIRE(welcome);
  REQUIRE(json::parse(*welcome)["type"] == "welcome");
  return socket;
}

// The next error message on a raw socket (skipping state and the like) within `timeout`.
std::optional<json> next_error(RawSocket& socket, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    const auto text = socket.read_text(left);
    if (!text) break;
    auto message = json::parse(*text, nullptr, false);
    if (message.value("type", "") == "error") return message;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("A malformed message gets bad_request (with its id when it has one) and changes nothing",
          "[hostile]") {
  Hall& h = hall();
  struct Case {
    std::string text;
    std::string code;
    std::optional<std::string> id;
  };
  const std::string poll = h.poll;
  const auto c = GENERATE_COPY(values<Case>({
      {"not json at all", "bad_request", std::nullopt},
      {R"({"type":"vote","id":"v1","poll":)", "bad_request", std::nullopt},
      {"[1,2,3]", "bad_request", std::nullopt},
      {R"("hello")", "bad_request", std::nullopt},
      {"{}", "bad_request", std::nullopt},
      {"", "bad_request", std::nullopt},
      {R"({"type":42,"id":"t0"})", "bad_request", "t0"},
      {R"({"type":"teleport","id":"t1"})", "bad_request", "t1"},
      {R"({"type":"vote","id":"v2","poll":1,"choice":"e01"})", "bad_request", "v2"},
      {R"({"type":"vote","id":"v3","poll":")" + poll + R"("})", "bad_request", "v3"},
      {R"({"type":"vote","id":"v4","poll":")" + poll + R"(","choice":null})", "bad_request", "v4"},
      {R"({"type":"vote","id":"v5","poll":")" + poll + R"(","choice":1e999})", "bad_request", std::nullopt},
      {R"({"type":"vote","id":["v6"],"poll":")" + poll + R"(","choice":"e01"})", "bad_request", std::nullopt},
      {R"({"type":"vote","id":")" + std::string(65, 'x') + R"(","poll":"p","choice":"e"})", "bad_request", std::nullopt},
      {R"({"type":"vote","id":"v7","poll":")" + poll + R"(","choice":"no-such-entry"})", "invalid_choice", "v7"},
      {R"({"type":"vote","id":"v8","poll":"p\u0000","choice":"e01"})", "poll_closed", "v8"},
      {R"({"type":"hello","id":"h1","role":"audience"})", "bad_request", "h1"},
      {R"({"type":"hello","id":"h2","role":"superuser"})", "bad_request", "h2"},
      {R"({"type":"score","id":"s1","round":"r","entry":"e","marks":"lots"})", "bad_request", "s1"},
      {R"({"type":"cmd","id":"c1","action":"open_poll","round":"r","entries":[1,2]})", "bad_request", "c1"},
      {std::string(1500, '[') + std::string(1500, ']'), "bad_request", std::nullopt},
      {std::string(1000, '{'), "bad_request", std::nullopt},
  }));
  INFO(c.text.substr(0, 120));

  WsClient phone(h.port());
  REQUIRE(phone.hello({{"type", "hello"}, {"role", "audience"}})["type"] == "welcome");
  phone.send_text(c.text);
  const auto error = phone.next_where([](const json& m) { return m.value("type", "") == "error"; });
  CHECK(error["code"] == c.code);
  CHECK(error.value("message", "") != "");
  if (c.id) {
    CHECK(error.value("id", "") == *c.id);
  } else {
    CHECK_FALSE(error.contains("id"));
  }
  // The connection stays usable after a bad message.
  phone.send({{"type", "ping"}, {"id", "after"}});
  CHECK(phone.next_where([](const json& m) { return m.value("type", "") == "pong"; })["id"] ==
        "after");
  require_unharmed(h);
}

TEST_CASE("Frames a well-behaved library would not send get an error or a close", "[hostile]") {
  Hall& h = hall();

  SECTION("a binary frame gets bad_request and the connection stays") {
    RawSocket socket = raw_phone(h);
    REQUIRE(socket.send_frame(2, R"({"type":"ping","id":"b"})"));
    const auto error = next_error(socket);
    REQUIRE(error);
    CHECK((*error)["code"] == "bad_request");
    REQUIRE(socket.send_text(R"({"type":"ping","id":"after"})"));
    const auto pong = socket.read_text();
    REQUIRE(pong);
    CHECK(json::parse(*pong)["type"] == "pong");
  }
  SECTION("a text message in three fragments is one message, as RFC 6455 says") {
    RawSocket socket = raw_phone(h);
    const std::string vote = R"({"type":"vote","id":"f1","poll":")" + h.poll +
                             R"(","choice":"no-such-entry"})";
    REQUIRE(socket.send_frame(1, vote.substr(0, 10), false));
    REQUIRE(socket.send_frame(0, vote.substr(10, 20), false));
    REQUIRE(socket.send_frame(0, vote.substr(30), true));
    const auto error = next_error(socket);
    REQUIRE(error);
    CHECK((*error)["id"] == "f1");
    CHECK((*error)["code"] == "invalid_choice");
  }
  SECTION("fragments that add up to more than the limit get too_large and a close") {
    RawSocket socket = raw_phone(h);
    const std::string piece(1024, ' ');
    bool sent = socket.send_frame(1, "{" + piece, false);
    for (int i = 0; i < 6 && sent; ++i) sent = socket.send_frame(0, piece, false);
    const auto error = next_error(socket);
    REQUIRE(error);
    CHECK((*error)["code"] == "too_large");
    CHECK(socket.wait_closed(10s));
    CHECK(socket.close_code() == kCloseTooBig);
  }
  SECTION("a frame over the phone limit gets too_large and a close") {
    RawSocket socket = raw_phone(h);
    socket.send_text(R"({"type":"ping","pad":")" + std::string(5000, 'x') + R"("})");
    const auto error = next_error(socket);
    REQUIRE(error);
    CHECK((*error)["code"] == "too_large");
    CHECK(socket.wait_closed(10s));
    CHECK(socket.close_code() == kCloseTooBig);
  }
  SECTION("an oversized frame before hello gets too_large and a close") {
    RawSocket socket(h.port());
    REQUIRE(socket.upgrade() == 101);
    socket.send_text(std::string(5000, ' '));
    const auto error = next_error(socket);
    REQUIRE(error);
    CHECK((*error)["code"] == "too_large");
    CHECK(socket.wait_closed(10s));
  }
  SECTION("a frame header announcing a gigabyte is cut off at once") {
    RawSocket socket = raw_phone(h);
    // FIN + text, masked, 64-bit length of 1 GiB, a mask key, and far too little payload.
    const std::string header = std::string("\x81\xff", 2) + std::string("\x00\x00\x00\x00\x40\x00\x00\x00", 8) +
             std::string("\x01\x02\x03\x04", 4);
    socket.write(header + std::string(4096, 'x'));
    CHECK(socket.wait_closed(10s));
  }
  SECTION("an unmasked client frame is a protocol error") {
    RawSocket socket = raw_phone(h);
    socket.write(encode_frame(1, R"({"type":"ping","id":"u"})", true, false));
    CHECK(socket.wait_closed(10s));
    CHECK((socket.close_code() == kCloseProtocolError || socket.close_code() == 0));
  }
  SECTION("a continuation with nothing to continue is a protocol error") {
    RawSocket socket = raw_phone(h);
    socket.send_frame(0, "orphan", true);
    CHECK(socket.wait_closed(10s));
  }
  SECTION("a reserved opcode is a protocol error") {
    RawSocket socket = raw_phone(h);
    socket.send_frame(3, "what", true);
    CHECK(socket.wait_closed(10s));
  }
  SECTION("a control frame over 125 bytes is a protocol error") {
    RawSocket socket = raw_phone(h);
    socket.send_frame(9, std::string(200, 'p'), true);
    CHECK(socket.wait_closed(10s));
  }
  SECTION("text that is not UTF-8 closes the connection") {
    RawSocket socket = raw_phone(h);
    socket.send_text("{\"type\":\"ping\",\"id\":\"\xff\xfe\xc0\xaf\"}");
    CHECK(socket.wait_closed(10s));
    CHECK((socket.close_code() == kCloseBadPayload || socket.close_code() == kCloseProtocolError));
  }
  SECTION("the host's large frames may nest deeply and only get bad_request") {
    WsClient host(h.port());
    REQUIRE(host.hello({{"type", "hello"}, {"role", "host"}, {"key", h.host_key}})["type"] ==
            "welcome");
    host.send_text(std::string(120000, '[') + std::string(120000, ']'));
    const auto error = host.next_where([](const json& m) { return m.value("type", "") == "error"; });
    CHECK(error["code"] == "bad_request");
    host.send_text(std::string(200000, '{'));
    CHECK(host.next_where([](const json& m) { return m.value("type", "") == "error"; })["code"] ==
          "bad_request");
  }
  require_unharmed(h);
}

TEST_CASE("A flood from one connection is rate limited, every request is answered once, and no "
          "vote counts twice",
          "[hostile]") {
  Hall& h = hall();
  WsClient phone(h.port());
  // A phone that has voted already: however often it votes again, nothing more counts.
  REQUIRE(phone.hello({{"type", "hello"}, {"role", "audience"}, {"device", h.voted_devices[0]}})
              ["device"] == h.voted_devices[0]);
  constexpr int kFlood = 400;
  for (int i = 0; i < kFlood; ++i) {
    if (i % 2 == 0) {
      phone.send({{"type", "vote"}, {"id", "f" + std::to_string(i)}, {"poll", h.poll},
                  {"choice", h.entry}});
    } else {
      phone.send_text("garbage " + std::to_string(i));
    }
  }
  // Replies come in any order (the protocol matches them by id): a refusal goes out at once,
  // an ack only after the store's commit. Collect them all, each id once.
  std::map<std::string, json> replies;
  int rate_limited = 0, counted = 0;
  const auto check_reply = [&](const json& reply) {
    const auto type = reply.value("type", "");
    if ((type != "ack" && type != "error") || !reply.contains("id")) return;
    const std::string id = reply["id"].get<std::string>();
    INFO(reply.dump());
    CHECK((id.size() > 1 && id[0] == 'f' && std::stoi(id.substr(1)) % 2 == 0 &&
           std::stoi(id.substr(1)) < kFlood));
    CHECK(replies.emplace(id, reply).second);  // exactly one reply per id
    if (reply.value("code", "") == "rate_limited") ++rate_limited;
    if (reply.value("counted", false)) ++counted;
    if (type == "ack") CHECK(reply["choice"] == h.entry);
  };
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (replies.size() < kFlood / 2) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    if (const auto message = phone.next(left)) {
      check_reply(*message);
    } else if (phone.ended()) {
      break;
    }
  }
  CHECK(replies.size() == kFlood / 2);
  CHECK(rate_limited > 0);
  CHECK(counted == 0);
  // Nothing more arrives for those ids: exactly one reply each.
  while (auto extra = phone.next(500ms)) check_reply(*extra);
  require_unharmed(h);

  SECTION("and a burst of connections that leave at once does no harm") {
    std::vector<std::unique_ptr<RawSocket>> sockets;
    for (int i = 0; i < 200; ++i) {
      sockets.push_back(std::make_unique<RawSocket>(h.port()));
      sockets.back()->upgrade(false);
      sockets.back()->send_text(R"({"type":"hello","role":"audience"})");
    }
    sockets.clear();
    require_unharmed(h);
  }
}

TEST_CASE("Connections that stall or half-close are closed, and others are served meanwhile",
          "[hostile]") {
  Hall& h = hall();
  // All at once, so that the deadlines run together.
  RawSocket silent(h.port());          // connects and says nothing at all
  RawSocket half_request(h.port());    // half a request line, then nothing
  half_request.write("GET /ws HTT");
  RawSocket no_hello(h.port());        // a WebSocket that never says hello
  REQUIRE(no_hello.upgrade() == 101);
  RawSocket half_closed = raw_phone(h);  // says hello, then shuts its sending side
  half_closed.shutdown_write();
  std::vector<std::unique_ptr<RawSocket>> idle;
  for (int i = 0; i < 100; ++i) idle.push_back(std::make_unique<RawSocket>(h.port()));

  // The server keeps serving while they all hang on.
  require_unharmed(h);
  CHECK(half_closed.wait_closed(5s));

  // Sent at the hello deadline, 10 s after the upgrade: the 15 s only bound the wait (when
  // the deadline fires is net's clock tests' to check, on an injected 50 ms deadline).
  const auto error = next_error(no_hello, 15s);
  REQUIRE(error);
  CHECK((*error)["code"] == "bad_request");
  CHECK(no_hello.wait_closed(5s));
  CHECK(no_hello.close_code() == kClosePolicy);

  // The HTTP request deadline (30 s) ends the silent ones.
  CHECK(silent.wait_closed(40s));
  CHECK(half_request.wait_closed(5s));
  for (auto& socket : idle) CHECK(socket->wait_closed(5s));
  require_unharmed(h);
}
