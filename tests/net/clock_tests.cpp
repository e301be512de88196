// Rules that depend on time, run on an injected clock and injected limits: a test moves time
// on instead of waiting for it, so each runs in well under a second.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

json open_poll_for(WsClient& host, core::Millis duration_ms) {
  command(host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
  return command(host, {{"action", "open_poll"},
                        {"round", "prelim"},
                        {"entries", {"e13", "e05"}},
                        {"duration_ms", duration_ms}});
}

// A TCP connection that upgrades to a WebSocket and then neither reads nor writes: the
// kernel answers nothing on its behalf, not even a pong.
class SilentSocket {
 public:
  explicit SilentSocket(unsigned short port) : stream_(ioc_) {
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    const std::string upgrade =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    asio::write(stream_, asio::buffer(upgrade));
  }
  // Reads (and drops) whatever comes until the server closes the connection; true if it did
  // within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    stream_.expires_after(timeout);
    char buffer[4096];
    beast::error_code ec;
    while (!ec) stream_.read_some(asio::buffer(buffer), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
};

}  // namespace

TEST_CASE("A poll with a duration is closed by the server at its deadline", "[net][clock]") {
  engine::ManualClock clock;
  TestServer server({}, &clock);
  ClientIo io;
  auto host = server.host(io);
  auto display = server.display(io);
  const std::string poll = open_poll_for(*host, 60'000).at("poll");
  auto phone = server.audience(io);
  clock.advance(59'999);
  CHECK(phone->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}}).at("counted") ==
        true);

  clock.advance(1);
  // The state that reports the closed poll comes from the server's own close_poll.
  const json state = await_state(*display, [](const json& s) {
    return s.at("poll").is_null() && !s.at("last_poll").is_null();
  });
  CHECK(state.at("last_poll").at("id") == poll);
  auto late = server.audience(io);
  const json refused = late->request({{"type", "vote"}, {"poll", poll}, {"choice", "e13"}});
  CHECK(refused.at("type") == "error");
  CHECK(refused.at("code") == "poll_closed");
}

TEST_CASE("A poll whose deadline passed while the server was down is closed at start",
          "[net][clock][restart]") {
  engine::ManualClock clock;
  TestServer server({}, &clock);
  std::string poll;
  {
    ClientIo io;
    auto host = server.host(io);
    poll = open_poll_for(*host, 1000).at("poll");
  }
  server.stop();
  clock.advance(1200);
  server.restart();
  ClientIo io;
  auto display = server.display(io);
  const json state = display->receive_type("state");
  CHECK(state.at("poll").is_null());
  CHECK(state.at("last_poll").at("id") == poll);
}

TEST_CASE("A WebSocket that says no hello in time is told so and closed", "[net][clock]") {
  net::ServeOptions options;
  options.limits.hello_deadline = std::chrono::milliseconds(50);
  TestServer server(options);
  ClientIo io;
  WsClient quiet(io, server.port());
  const json error = quiet.receive_type("error");
  CHECK(error.at("code") == "bad_request");
  CHECK(quiet.wait_closed());
  CHECK(quiet.close_code() == 1008);
  // One that says hello in time stays.
  auto phone = server.audience(io);
  CHECK(phone->request({{"type", "ping"}}).at("type") == "pong");
}

TEST_CASE("A connection that stops answering is pinged, then closed", "[net][clock]") {
  net::ServeOptions options;
  options.limits.idle_timeout = std::chrono::milliseconds(200);
  TestServer server(options);
  SilentSocket silent(server.port());
  CHECK(silent.closed_within(std::chrono::milliseconds(5000)));
  // A client that answers pings (as every browser does) stays, though it sends nothing.
  ClientIo io;
  auto display = server.display(io);
  display->drain();
  CHECK_FALSE(display->wait_closed(std::chrono::milliseconds(600)));
}

TEST_CASE("A flooding connection is rate limited and recovers as the clock moves",
          "[net][clock][errors]") {
  engine::ManualClock clock;
  TestServer server({}, &clock);
  ClientIo io;
  auto phone = server.audience(io);
  phone->drain();
  for (int i = 0; i < 60; ++i) phone->send({{"type", "ping"}, {"id", "f" + std::to_string(i)}});
  int pongs = 0, limited = 0;
  while (pongs + limited < 60) {
    const auto reply = phone->receive();
    REQUIRE(reply);
    if (reply->at("type") == "pong") ++pongs;
    if (reply->at("type") == "error" && reply->at("code") == "rate_limited") ++limited;
  }
  // The clock stands still: the burst (20, less the hello) and nothing more.
  CHECK(pongs == 19);
  CHECK(limited == 41);
  CHECK(phone->request({{"type", "ping"}}).at("code") == "rate_limited");
  clock.advance(1000);  // 10 messages a second
  CHECK(phone->request({{"type", "ping"}}).at("type") == "pong");
}
