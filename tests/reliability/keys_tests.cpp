// Keys on the real binary (docs/reliability.md, "6d. Keys"): the host role refused from a
// non-loopback address unless --host-from covers it (a network namespace joined to this one by
// a veth pair: a second loopback address would still be loopback); a bad --host-from; the
// files a server and the tools make are their owner's only; `stagevote keys --reset-host-key`.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <thread>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

extern char** environ;

using namespace stagevote::reliability;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace fs = std::filesystem;

namespace {

const std::string kHostKey = "keys-host-key-3f9a1c7e";
// Few PBKDF2 iterations for the hashes the server and the tool make (engine/key_hash.hpp).
const std::string kFastHashes = "STAGEVOTE_KEY_HASH_ITERATIONS=1000";

int run(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A network namespace joined to this one by a veth pair: 10.213.N.1 here, 10.213.N.2 there.
// Needs root (skipped visibly otherwise); removed with everything in it at the end.
class TestNamespace {
 public:
  TestNamespace() {
    const int id = static_cast<int>(::getpid() % 250);
    name_ = "svk" + std::to_string(::getpid());
    outside_ = "10.213." + std::to_string(id) + ".1";
    inside_ = "10.213." + std::to_string(id) + ".2";
    if (::geteuid() != 0) {
      why_ = "network namespaces need root";
      return;
    }
    if (run("ip -V") != 0) {
      why_ = "no `ip` command (iproute2)";
      return;
    }
    const std::string here = name_ + "a", there = name_ + "b";
    const std::vector<std::string> steps = {
        "ip netns add " + name_,
        "ip link add " + here + " type veth peer name " + there,
        "ip link set " + there + " netns " + name_,
        "ip addr add " + outside_ + "/30 dev " + here,
        "ip link set " + here + " up",
        "ip netns exec " + name_ + " ip addr add " + inside_ + "/30 dev " + there,
        "ip netns exec " + name_ + " ip link set " + there + " up",
        "ip netns exec " + name_ + " ip link set lo up"};
    for (const auto& step : steps) {
      if (run(step) != 0) {
        why_ = "`" + step + "` failed (no namespaces in this container?)";
        return;
      }
    }
    ready_ = true;
  }
  ~TestNamespace() {
    run("ip netns del " + name_);
    run("ip link del " + name_ + "a");
  }
  bool ready() const { return ready_; }
  const std::string& why() const { return why_; }
  const std::string& outside() const { return outside_; }  // the server's address on the pair
  const std::string& inside() const { return inside_; }    // the client's

  // Runs `body` on a thread that has joined the namespace (a namespace is per thread): the
  // sockets it makes are there.
  template <class Body>
  auto inside_run(Body body) {
    decltype(body()) result{};
    std::exception_ptr error;
    std::thread thread([&] {
      try {
        const int fd = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
          throw std::runtime_error("cannot join namespace " + name_);
        }
        ::close(fd);
        result = body();
      } catch (...) {
        error = std::current_exception();
      }
    });
    thread.join();
    if (error) std::rethrow_exception(error);
    return result;
  }

 private:
  std::string name_, outside_, inside_, why_;
  bool ready_ = false;
};

// Connects to `address:port`, retrying while the fresh link comes up.
void connect(beast::tcp_stream& stream, const std::string& address, unsigned short port) {
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address), port);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (true) {
    beast::error_code ec;
    stream.expires_after(2s);
    stream.connect(endpoint, ec);
    if (!ec) return;
    if (std::chrono::steady_clock::now() > deadline) throw beast::system_error(ec);
    stream.close();
    std::this_thread::sleep_for(50ms);
  }
}

// A host hello to `address:port` from wherever the calling thread's sockets are.
json host_hello(const std::string& address, unsigned short port, const std::string& key) {
  asio::io_context io;
  beast::websocket::stream<beast::tcp_stream> ws(io);
  connect(beast::get_lowest_layer(ws), address, port);
  beast::get_lowest_layer(ws).expires_after(10s);
  ws.handshake(address + ":" + std::to_string(port), "/ws");
  ws.write(asio::buffer(json{{"type", "hello"}, {"role", "host"}, {"key", key}}.dump()));
  beast::flat_buffer buffer;
  ws.read(buffer);
  return json::parse(beast::buffers_to_string(buffer.data()));
}

// GET `target` with the host key from wherever the calling thread's sockets are: status, body.
std::pair<int, std::string> host_get(const std::string& address, unsigned short port,
                                     const std::string& target) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  connect(stream, address, port);
  stream.expires_after(10s);
  beast::http::request<beast::http::empty_body> request{beast::http::verb::get, target, 11};
  request.set(beast::http::field::host, address);
  request.set(beast::http::field::authorization, "Bearer " + kHostKey);
  beast::http::write(stream, request);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> response;
  beast::http::read(stream, buffer, response);
  return {static_cast<int>(response.result_int()), response.body()};
}

struct Ran {
  int code = -1;
  std::string output;  // stdout and stderr
};

// `stagevote <args>` to its end, with `env` added to ours.
Ran run_tool(const std::vector<std::string>& args, const fs::path& dir,
             const std::vector<std::string>& env = {kFastHashes}) {
  std::vector<std::string> words{stagevote_binary().string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  environment.insert(environment.end(), env.begin(), env.end());
  auto pointers = [](std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
  };
  const fs::path out = dir / "tool-output.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto argv = pointers(words);
  auto envp = pointers(environment);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out)};
}

int mode_of(const fs::path& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return static_cast<int>(status.st_mode & 0777);
}

}  // namespace

TEST_CASE(
    "The host role is refused from a non-loopback address, and admitted with --host-from "
    "covering it",
    "[keys][root]") {
  TestNamespace ns;
  if (!ns.ready()) {
    WARN("SKIPPED: " << ns.why());
    return;
  }
  TempDir dir;
  const auto log = dir / "server.log";

  SECTION("without --host-from: forbidden, by WebSocket and HTTP, whatever the key") {
    Launch launch{dir / "show.db", log, kHostKey};
    launch.bind = "0.0.0.0";
    ServerProcess server(launch);
    const auto port = server.port();
    // The same server answers the host on loopback.
    CHECK(host_hello("127.0.0.1", port, kHostKey).at("type") == "welcome");

    const json refused = ns.inside_run([&] { return host_hello(ns.outside(), port, kHostKey); });
    CHECK(refused.at("type") == "error");
    CHECK(refused.at("code") == "forbidden");
    const auto api = ns.inside_run([&] { return host_get(ns.outside(), port, "/api/contest"); });
    CHECK(api.first == 403);
    CHECK(json::parse(api.second).at("error") == "forbidden");
    const auto exported =
        ns.inside_run([&] { return host_get(ns.outside(), port, "/api/export?format=ledger"); });
    CHECK(exported.first == 403);
    // The public parts are still there for phones on that network.
    CHECK(ns.inside_run([&] { return host_get(ns.outside(), port, "/api/info"); }).first == 200);

    const std::string text = read_file(log);
    CHECK(text.find("refused the host role to " + ns.inside()) != std::string::npos);
    CHECK(text.find(kHostKey) == std::string::npos);
  }

  SECTION("with --host-from covering the address: admitted; another network still refused") {
    Launch launch{dir / "show.db", log, kHostKey};
    launch.bind = "0.0.0.0";
    launch.extra_args = {"--host-from", "192.0.2.0/24", "--host-from", ns.inside() + "/32"};
    ServerProcess server(launch);
    const auto port = server.port();
    CHECK(ns.inside_run([&] { return host_hello(ns.outside(), port, kHostKey); }).at("type") ==
          "welcome");
    CHECK(ns.inside_run([&] { return host_get(ns.outside(), port, "/api/contest"); }).first == 200);
    // A wrong key from there is unauthorized, as on loopback.
    CHECK(ns.inside_run([&] {
              return host_hello(ns.outside(), port, "not-the-host-key-00");
            }).at("code") == "unauthorized");
  }
}

TEST_CASE("A bad --host-from is refused at start with one line and exit 2", "[keys]") {
  TempDir dir;
  for (const std::string bad : {"10.0.0.0/33", "wifi", "fd00::/200", ""}) {
    INFO(bad);
    const Ran ran = run_tool(
        {"serve", "--port", "0", "--db", (dir / "show.db").string(), "--demo", "--host-from", bad},
        dir.path());
    CHECK(ran.code == 2);
    CHECK(ran.output.find("--host-from") != std::string::npos);
    CHECK(std::count(ran.output.begin(), ran.output.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(dir / "show.db"));
  }
}

TEST_CASE("The database, WAL, SHM, lock file and the tools' exports are their owner's only",
          "[keys]") {
  TempDir dir;
  const auto db = dir / "show.db";
  {
    Launch launch{db, dir / "server.log", kHostKey};
    ServerProcess server(launch);
    CHECK(mode_of(db) == 0600);
    CHECK(mode_of(db.string() + "-wal") == 0600);
    CHECK(mode_of(db.string() + "-shm") == 0600);
    CHECK(mode_of(db.string() + ".lock") == 0600);
    server.signal(SIGTERM);
    REQUIRE(server.wait(20s));
  }
  for (const std::string format : {"csv", "ledger", "html"}) {
    INFO(format);
    const auto out = dir / ("export." + format);
    const Ran ran = run_tool(
        {"export", "--db", db.string(), "--format", format, "--out", out.string()}, dir.path());
    REQUIRE(ran.code == 0);
    CHECK(mode_of(out) == 0600);
  }
  // A file that was already there, readable by all, is narrowed when overwritten.
  const auto existing = dir / "existing.csv";
  { std::ofstream(existing) << "old"; }
  REQUIRE(::chmod(existing.c_str(), 0644) == 0);
  REQUIRE(run_tool({"export", "--db", db.string(), "--format", "csv", "--out", existing.string()},
                   dir.path())
              .code == 0);
  CHECK(mode_of(existing) == 0600);
}

TEST_CASE("stagevote keys --reset-host-key: a new key printed once, refused while a server runs",
          "[keys]") {
  TempDir dir;
  const auto db = dir / "show.db";
  const auto log = dir / "server.log";
  std::string first_key;
  {
    // No --host-key: one is made, printed once, and only its hash kept.
    Launch launch{db, log, ""};
    launch.extra_env = {kFastHashes};
    ServerProcess server(launch);
    const std::string text = read_file(log);
    const std::smatch found = [&] {
      std::smatch m;
      std::regex_search(text, m, std::regex("host key: (\\S+)"));
      return m;
    }();
    REQUIRE(found.size() == 2);
    first_key = found[1].str();
    CHECK(text.find("/display#k=") != std::string::npos);  // known now: made now

    const Ran refused = run_tool({"keys", "--db", db.string(), "--reset-host-key"}, dir.path());
    CHECK(refused.code == 1);
    CHECK(refused.output.find("the server is running on") != std::string::npos);
    CHECK(std::count(refused.output.begin(), refused.output.end(), '\n') == 1);
    server.signal(SIGTERM);
    REQUIRE(server.wait(20s));
  }
  // The key is nowhere in the files (only its hash).
  CHECK(read_file(db).find(first_key) == std::string::npos);
  CHECK(read_file(db.string() + "-wal").find(first_key) == std::string::npos);

  const Ran reset = run_tool({"keys", "--db", db.string(), "--reset-host-key"}, dir.path());
  REQUIRE(reset.code == 0);
  std::smatch found;
  REQUIRE(std::regex_search(reset.output, found, std::regex("new host key: (\\S+)")));
  const std::string new_key = found[1].str();
  CHECK(new_key.size() >= 16);
  CHECK(new_key != first_key);
  REQUIRE(std::regex_search(reset.output, found, std::regex("display key: +(\\S+)")));
  const std::string display_key = found[1].str();
  CHECK(read_file(db).find(new_key) == std::string::npos);

  Launch launch{db, dir / "second.log", ""};
  launch.extra_env = {kFastHashes};
  ServerProcess server(launch);
  const std::string text = read_file(dir / "second.log");
  CHECK(text.find(new_key) == std::string::npos);      // printed once, by the tool
  CHECK(text.find(display_key) == std::string::npos);  // not known before the host logs in
  CHECK(
      http_get(server.port(), "/api/contest", {{"Authorization", "Bearer " + first_key}})->status ==
      401);
  const auto contest =
      http_get(server.port(), "/api/contest", {{"Authorization", "Bearer " + new_key}});
  REQUIRE(contest);
  REQUIRE(contest->status == 200);
  CHECK(json::parse(contest->body).at("display_key") == display_key);
  WsClient screen(server.port());
  CHECK(screen.hello({{"type", "hello"}, {"role", "display"}, {"key", display_key}})["type"] ==
        "welcome");
}
