// Fail-stop, on the real binary: when the database refuses a commit, the server answers
// `internal`, closes every connection with 1011, logs the database's error and exits 1; a
// restart replays the file and shows exactly what was acknowledged. Once with the store's
// seam (STAGEVOTE_FAIL_COMMIT), once on a real file system that fills up (needs root to
// mount a tmpfs; reported as SKIPPED otherwise).
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "support/contest_info.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace stagevote::reliability;
using namespace std::chrono_literals;

namespace {

const std::string kHostKey = "fail-stop-host-key-5d1e";

struct Show {
  explicit Show(const Launch& launch)
      : server(std::make_unique<ServerProcess>(launch)),
        contest(fetch_contest(server->port(), kHostKey)),
        host(std::make_unique<WsClient>(server->port())) {
    REQUIRE(host->hello({{"type", "hello"}, {"role", "host"}, {"key", kHostKey}})["type"] ==
            "welcome");
  }

  // start_entry and open_poll over the first entry: two commits.
  std::string open_poll() {
    const auto& round = contest.rounds.front();
    REQUIRE(host->request({{"type", "cmd"},
                           {"id", "c1"},
                           {"action", "start_entry"},
                           {"round", round.id},
                           {"entry", round.entries[0]}})["type"] == "ack");
    const auto opened = host->request({{"type", "cmd"},
                                       {"id", "c2"},
                                       {"action", "open_poll"},
                                       {"round", round.id},
                                       {"entries", {round.entries[0]}}});
    REQUIRE(opened["type"] == "ack");
    return opened["poll"];
  }

  // A new phone's vote: its reply (ack or error), or nullopt if the connection ended first.
  std::optional<json> vote(const std::string& poll) {
    phones.push_back(std::make_unique<WsClient>(server->port()));
    WsClient& phone = *phones.back();
    if (phone.hello({{"type", "hello"}, {"role", "audience"}})["type"] != "welcome") return {};
    try {
      return phone.request({{"type", "vote"},
                            {"id", "v"},
                            {"poll", poll},
                            {"choice", contest.rounds.front().entries[0]}});
    } catch (const WsError&) {
      return std::nullopt;
    }
  }

  long votes_counted() {
    const auto& round = contest.rounds.front();
    const auto results = http_get(server->port(), "/api/rounds/" + round.id + "/results",
                                  {{"Authorization", "Bearer " + kHostKey}});
    REQUIRE(results);
    const json parsed = json::parse(results->body);
    for (const auto& entry : parsed["entries"]) {
      if (entry["entry"] == round.entries[0]) return entry["votes"];
    }
    return -1;
  }

  // The server stopped by itself: exit 1 with the database's error, every client closed with
  // 1011 (internal error) and the reason.
  void check_stopped(const Launch& launch, const std::string& error) {
    const auto exit = server->wait(20s);
    REQUIRE(exit);
    CHECK(exit->exited);
    CHECK(exit->code == 1);
    const std::string log = read_file(launch.log);
    CHECK(log.find("the database refused a commit") != std::string::npos);
    CHECK(log.find(error) != std::string::npos);
    CHECK(log.find("stopped cleanly") == std::string::npos);
    for (auto* client : {host.get(), phones.front().get()}) {
      CHECK(client->ended(10s));
      REQUIRE(client->close_reason());
      CHECK(client->close_reason()->code == boost::beast::websocket::close_code::internal_error);
      CHECK_FALSE(std::string(client->close_reason()->reason.c_str()).empty());
    }
  }

  std::unique_ptr<ServerProcess> server;
  ContestInfo contest;
  std::unique_ptr<WsClient> host;
  std::vector<std::unique_ptr<WsClient>> phones;
};

// A tmpfs of `size` mounted on `dir` for the test's life (root only).
class SmallFileSystem {
 public:
  SmallFileSystem(const std::filesystem::path& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir);
    mounted_ = ::mount("stagevote-test", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallFileSystem() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

  // Writes a file until the file system is full.
  void fill(const std::filesystem::path& file) {
    std::FILE* out = std::fopen(file.c_str(), "wb");
    REQUIRE(out);
    std::vector<char> chunk(4096, 'x');
    while (std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size() &&
           std::fflush(out) == 0) {
    }
    std::fclose(out);
  }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};

}  // namespace

TEST_CASE("A commit the store refuses stops the real server; a restart shows what was acked",
          "[fail-stop]") {
  TempDir dir;
  // Commit 1: the contest's record (a new ledger starts with it); 2-3: start_entry,
  // open_poll; 4-6: three votes; the 7th fails.
  Launch launch{dir / "show.db", dir / "server.log", kHostKey};
  launch.extra_env = {"STAGEVOTE_FAIL_COMMIT=7"};
  Show show(launch);
  const std::string poll = show.open_poll();
  for (int i = 0; i < 3; ++i) {
    const auto reply = show.vote(poll);
    REQUIRE(reply);
    CHECK((*reply)["counted"] == true);
  }
  const auto refused = show.vote(poll);
  REQUIRE(refused);
  CHECK((*refused)["type"] == "error");
  CHECK((*refused)["code"] == "internal");
  show.check_stopped(launch, "database or disk is full");

  launch.extra_env.clear();
  show.server = std::make_unique<ServerProcess>(launch);
  CHECK(show.votes_counted() == 3);
}

TEST_CASE("On a file system that fills up, the server stops rather than run ahead of its file",
          "[fail-stop][root]") {
  if (::geteuid() != 0) {
    WARN("SKIPPED: mounting a small tmpfs needs root");
    return;
  }
  TempDir dir;
  SmallFileSystem fs(dir / "fs", "4m");
  if (!fs.mounted()) {
    WARN("SKIPPED: this machine refused to mount a tmpfs (" << std::strerror(errno) << ")");
    return;
  }
  Launch launch{dir / "fs" / "show.db", dir / "server.log", kHostKey};
  Show show(launch);
  const std::string poll = show.open_poll();
  long acked = 0;
  for (int i = 0; i < 3; ++i) acked += (*show.vote(poll))["counted"] == true;
  REQUIRE(acked == 3);

  fs.fill(dir / "fs" / "filler");
  // Votes until one does not get an ack: the WAL needs room it cannot have.
  std::optional<json> last;
  for (int i = 0; i < 200; ++i) {
    last = show.vote(poll);
    if (!last || (*last)["type"] != "ack") break;
    ++acked;
  }
  INFO("acknowledged before the disk was full: " << acked);
  if (last) CHECK((*last)["code"] == "internal");
  show.check_stopped(launch, "full");

  std::filesystem::remove(dir / "fs" / "filler");
  show.server = std::make_unique<ServerProcess>(launch);
  CHECK(show.votes_counted() == acked);
}
