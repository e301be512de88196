// libFuzzer target: the HTTP request path, from raw bytes to a serialised response.
//
// The bytes go through Beast's request parser with the limits http_session sets; a request
// that parses (and is not a WebSocket upgrade, which needs a socket) is answered by the
// server's own handle_request against a real engine: the demo contest in a SQLite file in a
// temporary folder, the pages from the source tree. The response is serialised to the end.
// Invariants (a violation aborts):
//   - a path that resolves to a file names a file inside display/ or voter-web/;
//   - host-only API paths never answer 200 without the host key;
//   - every response serialises, and a HEAD or 304 response carries no body.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "engine/engine.hpp"
#include "net/http_routes.hpp"
#include "net/hub.hpp"
#include "net/server_context.hpp"
#include "net/static_files.hpp"
#include "store/store.hpp"

namespace {

using namespace stagevote;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;

// The same limits as http_session.
constexpr std::uint64_t kBodyLimit = 16 * 1024;
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::string_view kHostKey = "fuzz-host-key";

void require(bool condition) {
  if (!condition) std::abort();
}

// One server's worth of state, made once per fuzzing process and never freed (the store's
// writer thread would otherwise race the process exit).
struct World {
  fs::path folder;
  store::Store* store = nullptr;
  engine::SystemClock clock;
  engine::Credentials* credentials = nullptr;
  engine::Engine* engine = nullptr;
  engine::AudienceGate* gate = nullptr;
  engine::Publisher* publisher = nullptr;
  engine::Service* service = nullptr;
  boost::asio::io_context io;
  net::ServerContext* context = nullptr;
  fs::path web_root;
};

World& world() {
  static World* made = [] {
    auto* w = new World;
    std::string pattern = (fs::temp_directory_path() / "stagevote-fuzz-http-XXXXXX").string();
    require(::mkdtemp(pattern.data()) != nullptr);
    w->folder = pattern;
    w->store = new store::Store((w->folder / "fuzz.db").string());
    engine::ensure_contest(*w->store, /*demo=*/true);
    w->credentials = new engine::Credentials(*w->store, std::string(kHostKey));
    w->engine = new engine::Engine(*w->store, w->clock, engine::restore(*w->store));
    w->gate = new engine::AudienceGate(*w->store, *w->engine, *w->credentials, {});
    w->publisher = new engine::Publisher(*w->engine, *w->gate);
    w->service = new engine::Service(*w->engine, *w->credentials, *w->publisher, *w->gate);
    w->web_root = fs::weakly_canonical(STAGEVOTE_SOURCE_WEB_ROOT);
    net::ServeOptions options;
    options.allowed_origins = {"http://stage.local:8080"};
    w->context = new net::ServerContext(
        *w->service, std::make_shared<net::hub>(w->io.get_executor(), *w->engine, *w->publisher),
        net::static_files(w->web_root), options);
    w->context->join_url = "http://stage.local:8080/vote";
    return w;
  }();
  return *made;
}

bool inside(const fs::path& file, const fs::path& folder) {
  // The error_code overload: a name too long for the file system is an answer, not a crash
  // of the checker (the server itself never resolves a path that way).
  std::error_code ec;
  auto canonical = fs::weakly_canonical(file, ec);
  if (ec) canonical = file.lexically_normal();
  const auto relative = canonical.lexically_relative(folder);
  return !relative.empty() && *relative.begin() != "..";
}

void check_resolution(const World& w, std::string_view target) {
  const auto path = net::percent_decode(target.substr(0, target.find('?')));
  if (!path) return;
  const auto file = w.context->files.resolve(*path);
  if (!file) return;
  require(inside(*file, w.web_root / "display") || inside(*file, w.web_root / "voter-web"));
}

bool host_only(std::string_view path) {
  return path == "/api/contest" || (path.starts_with("/api/rounds/") && path.ends_with("/results"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();

  http::request_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  parser.header_limit(kHeaderLimit);
  parser.eager(true);
  beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;

  auto request = parser.release();
  if (beast::websocket::is_upgrade(request)) return 0;
  const std::string target(request.target());
  const bool head = request.method() == http::verb::head;
  const auto authorization = request[http::field::authorization];
  const bool has_key = std::string_view(authorization.data(), authorization.size()) ==
                       "Bearer " + std::string(kHostKey);
  check_resolution(w, target);

  http::message_generator generator = net::handle_request(*w.context, std::move(request));
  // Serialise it all: headers, then the body (a string or a file on disk).
  std::string wire;
  while (!generator.is_done()) {
    auto buffers = generator.prepare(ec);
    require(!ec);
    for (const auto buffer : buffers) {
      wire.append(static_cast<const char*>(buffer.data()), buffer.size());
    }
    generator.consume(boost::asio::buffer_size(buffers));
  }
  require(wire.starts_with("HTTP/1."));
  const auto header_end = wire.find("\r\n\r\n");
  require(header_end != std::string::npos);
  if (head || wire.compare(9, 3, "304") == 0) require(header_end + 4 == wire.size());

  const auto path = net::percent_decode(std::string_view(target).substr(0, target.find('?')));
  if (path && host_only(*path) && !has_key) {
    require(wire.compare(9, 3, "200") != 0);  // "HTTP/1.1 200 OK"
  }
  return 0;
}
