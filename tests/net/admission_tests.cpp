// Votes that cannot be stuffed (docs/protocol.md, "Admission"): a real server and SQLite file,
// an attacker opening sockets from many loopback addresses (127.0.x.y) while 200 phones of the
// hall, each from an address of its own, vote. In each mode the attacker's counted votes are
// bounded (open) or none (code, ticket), and every phone of the hall is counted.
#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;

namespace {

constexpr int kHall = 200;
const std::map<std::string, std::string> kHostAuth = {
    {"Authorization", std::string("Bearer ") + kHostKey}};

// The n-th address of a group: 127.<group>.<n / 250>.<n % 250 + 1>.
std::string address(int group, int n) {
  return "127." + std::to_string(group) + "." + std::to_string(n / 250) + "." +
         std::to_string(n % 250 + 1);
}

// One audience connection from `source`: its welcome, or the error that refused it.
struct Phone {
  std::unique_ptr<WsClient> client;
  json reply;
  bool admitted() const { return reply.value("type", "") == "welcome"; }
};

Phone phone(TestServer& server, ClientIo& io, const std::string& source,
            json hello = json::object()) {
  Phone p{std::make_unique<WsClient>(io, server.port(), std::string(), source), nullptr};
  hello["role"] = "audience";
  p.reply = p.client->hello(hello);
  return p;
}

json vote(WsClient& client, const std::string& poll, const std::string& choice) {
  return client.request({{"type", "vote"}, {"poll", poll}, {"choice", choice}});
}

// A show with the demo contest, the first prelim entry on stage and a poll over two entries,
// the admission mode set first.
struct Hall {
  explicit Hall(net::ServeOptions options, const engine::Clock* clock = nullptr,
                std::string mode = "open")
      : server(std::move(options), clock), host(server.host(io)), display(server.display(io)) {
    if (mode != "open") command(*host, {{"action", "set_admission"}, {"mode", mode}});
    poll = open_poll();
  }

  std::string open_poll() {
    command(*host, {{"action", "start_entry"}, {"round", "prelim"}, {"entry", "e13"}});
    return command(*host,
                   {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}})
        .at("poll");
  }

  long counted(const std::string& entry) {
    const json results =
        http_get(server.port(), "/api/rounds/prelim/results", kHostAuth).json_body();
    for (const auto& item : results.at("entries")) {
      if (item.at("entry") == entry) return item.at("votes");
    }
    return -1;
  }

  json integrity() { return http_get(server.port(), "/api/integrity", kHostAuth).json_body(); }

  TestServer server;
  ClientIo io;
  std::unique_ptr<WsClient> host, display;
  std::string poll;
};

// The hall's 200 phones, each from an address of its own (group 1), hello with `extra(i)`,
// vote e13 and must be counted.
void hall_votes(Hall& hall, const std::function<json(int)>& extra) {
  for (int i = 0; i < kHall; ++i) {
    Phone p = phone(hall.server, hall.io, address(1, i), extra(i));
    INFO("phone " << i << ": " << p.reply.dump());
    REQUIRE(p.admitted());
    CHECK(vote(*p.client, hall.poll, "e13").at("counted") == true);
  }
}

net::ServeOptions capped() {
  net::ServeOptions options;
  options.audience_per_address = 4;
  options.audience_connections_per_address = 8;
  return options;
}

}  // namespace

TEST_CASE("Open admission: an attacker's votes are bounded by the per-address caps",
          "[net][admission]") {
  net::ServeOptions options = capped();
  options.alert_identities_per_minute = 250;
  Hall hall(options);
  constexpr int kAttackerAddresses = 20;
  constexpr int kTriesPerAddress = 50;

  // The attacker, from 20 addresses, mints identity after identity and votes e05 with each.
  long attacker_counted = 0;
  std::map<std::string, long> refused;
  for (int a = 0; a < kAttackerAddresses; ++a) {
    for (int t = 0; t < kTriesPerAddress; ++t) {
      Phone p = phone(hall.server, hall.io, address(2, a));
      if (!p.admitted()) {
        ++refused[p.reply.at("code").get<std::string>()];
        continue;
      }
      attacker_counted += vote(*p.client, hall.poll, "e05").at("counted") == true;
    }
  }
  hall_votes(hall, [](int) { return json::object(); });

  CHECK(attacker_counted <= 4 * kAttackerAddresses);
  CHECK(attacker_counted == 4 * kAttackerAddresses);  // and the caps let exactly that through
  CHECK(refused["too_many"] == kAttackerAddresses * kTriesPerAddress - attacker_counted);
  CHECK(hall.counted("e13") == kHall);
  CHECK(hall.counted("e05") == attacker_counted);

  const json panel = hall.integrity();
  INFO(panel.dump());
  CHECK(panel.at("admission").at("mode") == "open");
  CHECK(panel.at("refusals").at("too_many") == refused["too_many"]);
  CHECK(panel.at("new_identities_per_minute").back() == kHall + attacker_counted);
  REQUIRE_FALSE(panel.at("alerts").empty());
  CHECK(panel.at("alerts").at(0).at("kind") == "identities");
  // The attacker's addresses are the busiest.
  CHECK(panel.at("busiest").at(0).at("address").get<std::string>().rfind("127.2.", 0) == 0);

  SECTION("connections per address are capped too, and a returning phone needs no new identity") {
    Phone first = phone(hall.server, hall.io, address(3, 0));
    REQUIRE(first.admitted());
    const std::string device = first.reply.at("device");
    std::vector<Phone> more;
    for (int i = 0; i < 7; ++i) {
      more.push_back(phone(hall.server, hall.io, address(3, 0), {{"device", device}}));
      CHECK(more.back().admitted());
    }
    const Phone ninth = phone(hall.server, hall.io, address(3, 0), {{"device", device}});
    CHECK(ninth.reply.at("code") == "too_many");
  }

  SECTION("the poll's record in the ledger states the mode and the refusals") {
    command(*hall.host, {{"action", "close_poll"}, {"poll", hall.poll}});
    hall.server.restart();
    const json state = hall.server.host(hall.io)->receive_type("state");
    CHECK(state.at("admission").at("mode") == "open");
    const json contest = http_get(hall.server.port(), "/api/contest", kHostAuth).json_body();
    CHECK(contest.at("audience").at("admission") == "open");
  }
}

TEST_CASE("Code admission: no identity without a current join code", "[net][admission]") {
  engine::ManualClock clock;
  Hall hall(capped(), &clock, "code");
  // The code the venue screen shows, once it is not `other` (the display hears the new code in
  // a state of its own when the code turns over).
  const auto screen_code = [&](const std::string& other) {
    const json state = await_state(*hall.display, [&](const json& s) {
      return s.at("admission").contains("code") && s.at("admission").at("code") != other;
    });
    return state.at("admission").at("code").get<std::string>();
  };
  const std::string code = screen_code("");
  CHECK(code.size() == 6);

  SECTION("phones never see the code; the hall joins with it (as the QR code carries it)") {
    Phone probe = phone(hall.server, hall.io, address(4, 0), {{"code", code}});
    REQUIRE(probe.admitted());
    const json phone_state = probe.client->receive_type("state");
    CHECK(phone_state.at("admission") == json{{"mode", "code"}});
    hall_votes(hall, [&](int) { return json{{"code", code}}; });
    CHECK(hall.counted("e13") == kHall);
  }

  SECTION("without a code, with a stale one, or guessed 10,000 times: never in") {
    // No code.
    Phone none = phone(hall.server, hall.io, address(2, 0));
    CHECK(none.reply.at("code") == "unauthorized");
    // A stale code: the screen's, once its period and the grace are over.
    clock.advance(121'000);
    const std::string fresh = screen_code(code);
    REQUIRE(fresh != code);
    Phone stale = phone(hall.server, hall.io, address(2, 1), {{"code", code}});
    CHECK(stale.reply.at("code") == "unauthorized");
    // Guesses from 100 addresses, 100 each, on 8 threads; never the codes in force.
    std::atomic<long> admitted{0}, unauthorized{0}, slowed{0};
    std::vector<std::thread> guessers;
    for (int t = 0; t < 8; ++t) {
      guessers.emplace_back([&, t] {
        ClientIo io;
        std::mt19937 random(static_cast<unsigned>(t));
        for (int a = t; a < 100; a += 8) {
          for (int g = 0; g < 100; ++g) {
            std::string guess;
            do {
              guess = std::to_string(100'000 + random() % 900'000);
            } while (guess == fresh || guess == code);
            Phone p = phone(hall.server, io, address(5, a), {{"code", guess}});
            const std::string result = p.admitted() ? "welcome" : p.reply.at("code");
            if (result == "welcome") ++admitted;
            if (result == "unauthorized") ++unauthorized;
            if (result == "rate_limited") ++slowed;
          }
        }
      });
    }
    for (auto& guesser : guessers) guesser.join();
    CHECK(admitted == 0);
    CHECK(unauthorized + slowed == 10'000);
    CHECK(unauthorized == 100 * 6);  // five free tries per address; the sixth slows it
    CHECK(hall.counted("e05") == 0);
    const json panel = hall.integrity();
    CHECK(panel.at("refusals").at("rate_limited") == slowed.load());
    // The QR code's code still works.
    Phone scanned = phone(hall.server, hall.io, address(4, 1), {{"code", fresh}});
    REQUIRE(scanned.admitted());
    CHECK(vote(*scanned.client, hall.poll, "e13").at("counted") == true);
  }

  SECTION("the previous code is taken for the grace period, and a returning phone needs none") {
    Phone early = phone(hall.server, hall.io, address(4, 2), {{"code", code}});
    REQUIRE(early.admitted());
    clock.advance(60'000);  // the next period: the old code is in its grace
    Phone late = phone(hall.server, hall.io, address(4, 3), {{"code", code}});
    CHECK(late.admitted());
    clock.advance(61'000);  // grace over
    Phone returning =
        phone(hall.server, hall.io, address(4, 2), {{"device", early.reply.at("device")}});
    CHECK(returning.admitted());
  }
}

TEST_CASE("Ticket admission: a ticket is one voter whatever phone or socket it comes on",
          "[net][admission]") {
  Hall hall(capped(), nullptr, "open");
  // Tickets are made before the switch; a poll is open, so close it to switch modes.
  command(*hall.host, {{"action", "close_poll"}, {"poll", hall.poll}});
  HttpResult tickets =
      http_post_json(hall.server.port(), "/api/tickets", kHostAuth, json{{"count", kHall + 1}});
  REQUIRE(tickets.status == 200);
  const auto codes = tickets.json_body().at("tickets").get<std::vector<std::string>>();
  REQUIRE(codes.size() == kHall + 1);
  command(*hall.host, {{"action", "set_admission"}, {"mode", "ticket"}});
  command(*hall.host, {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}});
  hall.poll = "p2";
  const std::string& shared = codes.back();

  // The attacker: no ticket, made-up tickets.
  Phone none = phone(hall.server, hall.io, address(2, 0));
  CHECK(none.reply.at("code") == "unauthorized");
  for (int i = 0; i < 5; ++i) {
    Phone fake = phone(hall.server, hall.io, address(2, 1),
                       {{"ticket", "k7mq2nxe" + std::to_string(10'000'000 + i)}});
    CHECK(fake.reply.at("code") == "unauthorized");
  }

  // One ticket on 3 phones with 2 sockets each, every socket voting: one vote counts.
  std::vector<Phone> sockets;
  for (int device = 0; device < 3; ++device) {
    for (int socket = 0; socket < 2; ++socket) {
      sockets.push_back(phone(hall.server, hall.io, address(6, device), {{"ticket", shared}}));
      REQUIRE(sockets.back().admitted());
    }
  }
  int counted = 0;
  for (auto& s : sockets) counted += vote(*s.client, hall.poll, "e05").at("counted") == true;
  CHECK(counted == 1);
  hall_votes(hall, [&](int i) { return json{{"ticket", codes[static_cast<std::size_t>(i)]}}; });
  CHECK(hall.counted("e13") == kHall);
  CHECK(hall.counted("e05") == 1);

  SECTION("a voided ticket votes in no later poll, and a restart keeps all of it") {
    command(*hall.host, {{"action", "close_poll"}, {"poll", hall.poll}});
    command(*hall.host,
            {{"action", "void_ticket"}, {"ticket", shared}, {"reason", "lost at row 12"}});
    const std::string next =
        command(*hall.host,
                {{"action", "open_poll"}, {"round", "prelim"}, {"entries", {"e13", "e05"}}})
            .at("poll");
    // Its open sockets are refused; a new hello is refused.
    CHECK(vote(*sockets[1].client, next, "e05").at("code") == "unauthorized");
    CHECK(phone(hall.server, hall.io, address(6, 9), {{"ticket", shared}}).reply.at("code") ==
          "unauthorized");
    hall.server.restart();
    CHECK(hall.counted("e05") == 1);  // its vote before the void stands
    CHECK(hall.counted("e13") == kHall);
    CHECK(phone(hall.server, hall.io, address(6, 10), {{"ticket", shared}}).reply.at("code") ==
          "unauthorized");
    Phone good = phone(hall.server, hall.io, address(6, 11), {{"ticket", codes[0]}});
    REQUIRE(good.admitted());
    CHECK(vote(*good.client, next, "e05").at("counted") == true);
  }
}

TEST_CASE("A display without its key is unauthorized and hears no tally", "[net][admission]") {
  Hall hall(net::ServeOptions{});
  for (const json& hello :
       {json{{"role", "display"}}, json{{"role", "display"}, {"key", "guess"}}}) {
    WsClient screen(hall.io, hall.server.port());
    const json reply = screen.hello(hello);
    CHECK(reply.at("code") == "unauthorized");
    CHECK(screen.wait_closed());
    for (const auto& message : screen.drain()) {
      CHECK(message.value("type", "") != "tally");
      CHECK(message.value("type", "") != "state");
    }
  }
  const json contest = http_get(hall.server.port(), "/api/contest", kHostAuth).json_body();
  WsClient keyed(hall.io, hall.server.port());
  CHECK(keyed.hello({{"role", "display"}, {"key", contest.at("display_key")}}).at("type") ==
        "welcome");
  CHECK(keyed.receive_type("tally").at("poll") == hall.poll);
}
