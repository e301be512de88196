#include "support/hall.hpp"

#include <catch2/catch.hpp>

#include "support/http_client.hpp"
#include "support/ws_client.hpp"

namespace stagevote::reliability {

namespace {

constexpr int kHonestVotes = 3;

std::unique_ptr<Hall> open_hall(const std::vector<std::string>& extra_args) {
  auto h = std::make_unique<Hall>();
  h->dir = std::make_unique<TempDir>("stagevote-hall");
  h->server = std::make_unique<ServerProcess>(
      Launch{*h->dir / "show.db", *h->dir / "server.log", h->host_key, true, extra_args});
  h->contest = fetch_contest(h->port(), h->host_key);
  h->round = h->contest.rounds.front().id;
  h->entry = h->contest.rounds.front().entries.at(0);
  h->other_entry = h->contest.rounds.front().entries.at(1);

  WsClient host(h->port());
  REQUIRE(host.hello({{"type", "hello"}, {"role", "host"}, {"key", h->host_key}})["type"] ==
          "welcome");
  REQUIRE(host.request({{"type", "cmd"}, {"id", "c1"}, {"action", "start_entry"},
                        {"round", h->round}, {"entry", h->entry}})["type"] == "ack");
  const auto poll = host.request({{"type", "cmd"}, {"id", "c2"}, {"action", "open_poll"},
                                  {"round", h->round}, {"entries", {h->entry}}});
  REQUIRE(poll["type"] == "ack");
  h->poll = poll["poll"].get<std::string>();
  for (int i = 0; i < kHonestVotes; ++i) {
    WsClient phone(h->port());
    const auto welcome = phone.hello({{"type", "hello"}, {"role", "audience"}});
    h->voted_devices.push_back(welcome["device"].get<std::string>());
    REQUIRE(phone.request({{"type", "vote"}, {"id", "v"}, {"poll", h->poll},
                           {"choice", h->entry}})["counted"] == true);
  }
  REQUIRE(h->counted_votes() == kHonestVotes);
  return h;
}

}  // namespace

long Hall::counted_votes() const {
  const auto reply = http_get(port(), "/api/rounds/" + round + "/results",
                              {{"Authorization", "Bearer " + host_key}});
  if (!reply || reply->status != 200) return -1;
  const json parsed = json::parse(reply->body);  // kept alive for the loop
  for (const auto& item : parsed["entries"]) {
    if (item["entry"] == entry) return item["votes"].get<long>();
  }
  return -1;
}

Hall& hall(const std::vector<std::string>& extra_args) {
  static std::unique_ptr<Hall> made = open_hall(extra_args);
  return *made;
}

void require_unharmed(const Hall& h) {
  INFO("the server must survive the abuse unchanged");
  REQUIRE(h.server->pid() > 0);
  const auto health = http_get(h.port(), "/healthz");
  REQUIRE(health);
  REQUIRE(health->status == 200);
  CHECK(h.counted_votes() == kHonestVotes);
  WsClient phone(h.port());
  REQUIRE(phone.hello({{"type", "hello"}, {"role", "audience"}})["type"] == "welcome");
  phone.send({{"type", "ping"}, {"id", "p"}});
  CHECK(phone.next_where([](const json& m) { return m.value("type", "") == "pong"; })["id"] == "p");
}

}  // namespace stagevote::reliability
