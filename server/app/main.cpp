// The `stagevote` executable: `serve` runs a show; `results` prints a round's results; the
// organisers' tools (import, export, verify, recount, tickets) have their own faces
// (tool_commands).
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/database_lock.hpp"
#include "app/keys_command.hpp"
#include "engine/audience_gate.hpp"
#include "engine/clock.hpp"
#include "engine/credentials.hpp"
#include "engine/engine.hpp"
#include "engine/restore.hpp"
#include "net/connection_budget.hpp"
#include "net/server.hpp"
#include "net/static_files.hpp"
#include "net/tls.hpp"
#include "protocol/views.hpp"
#include "store/store.hpp"

#include "app/console_data.hpp"
#include "app/tool_commands.hpp"

namespace {

using namespace stagevote;

// A show with 19,000 phones needs a descriptor per connection, plus the database and margin.
constexpr rlim_t kDescriptorsForAShow = 20000;

// Descriptors kept out of the audience's reach: judges, hosts, displays, the database, pages.
constexpr rlim_t kReservedDescriptors = 512;

// Descriptors no connection may take: the database, its WAL and journal, logs, the listener.
constexpr rlim_t kProcessDescriptors = 64;

// Raises the soft limit on open files to the hard limit (returned); warns if a show will not
// fit.
rlim_t raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur < kDescriptorsForAShow) {
    std::cerr << "warning: only " << limit.rlim_cur << " open files allowed: at most about "
              << (limit.rlim_cur > 64 ? limit.rlim_cur - 64 : 0)
              << " phones can connect (a full hall needs " << kDescriptorsForAShow
              << "; raise it with `ulimit -n` or LimitNOFILE=)\n";
  }
  return limit.rlim_cur;
}

std::filesystem::path executable_path(const char* argv0) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path(argv0) : self;
}

int serve(const std::vector<std::string>& words, const char* argv0) {
  app::ServeArgs args = app::parse_serve_args(words);
  if (args.help) {
    std::cout << app::kServeUsage;
    return 0;
  }
  net::ServeOptions& options = args.options;
  // A certificate that cannot be used stops the start before anything else (exit 2).
  if (!args.tls_cert.empty()) {
    try {
      options.tls = net::make_tls_context(args.tls_cert, args.tls_key);
    } catch (const std::exception& e) {
      throw app::UsageError(e.what());
    }
  }
  const rlim_t descriptors = raise_descriptor_limit();
  if (!args.max_audience_given && descriptors > kReservedDescriptors) {
    options.max_audience = static_cast<long>(descriptors - kReservedDescriptors);
  }
  if (!args.max_connections_given && descriptors > kProcessDescriptors) {
    options.max_connections = static_cast<long>(descriptors - kProcessDescriptors);
    options.reserved_connections = net::connection_budget::default_reserve(options.max_connections);
  }

  const std::string web_root_flag = options.web_root.string();
  const auto web_root = net::static_files::find_root(web_root_flag, executable_path(argv0));
  if (!web_root && !web_root_flag.empty()) {
    throw app::UsageError("--web-root " + web_root_flag + " holds neither display/ nor voter-web/");
  }
  if (!web_root) std::cerr << "warning: no pages found (display/, voter-web/): pages will be 404\n";
  options.web_root = web_root.value_or(std::filesystem::path("/nonexistent"));
  options.handle_signals = true;
  if (!options.host_key) {
    if (const char* env = std::getenv("STAGEVOTE_HOST_KEY"); env && *env) options.host_key = env;
    if (options.host_key && options.host_key->size() < engine::kMinHostKeyLength) {
      throw app::UsageError("STAGEVOTE_HOST_KEY must be at least " +
                            std::to_string(engine::kMinHostKeyLength) + " characters");
    }
  }

  // The server owns its database for its whole life (app/database_lock.hpp): taken before
  // the file is opened, released when serve() returns, after the store has closed it.
  std::optional<app::DatabaseLock> ownership;
  try {
    ownership.emplace(options.db, "serve");
  } catch (const app::DatabaseBusy& busy) {
    std::cerr << "stagevote: "
              << app::refusal(busy, "stop it before starting another, or serve another --db")
              << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "stagevote: cannot use database " << options.db << ": " << e.what() << "\n";
    return 1;
  }

  store::StoreOptions store_options;
  // Test seam (docs/reliability.md): the Nth commit fails as a full disk would.
  if (const char* fault = std::getenv("STAGEVOTE_FAIL_COMMIT"); fault && *fault) {
    store_options.fail_commit = std::strtoull(fault, nullptr, 10);
  }
  std::unique_ptr<store::Store> store;
  try {
    store = std::make_unique<store::Store>(options.db, store_options);
  } catch (const std::exception& e) {
    std::cerr << "stagevote: cannot use database " << options.db << ": " << e.what() << "\n";
    return 1;
  }
  engine::SystemClock clock;
  std::unique_ptr<engine::Credentials> credentials;
  std::unique_ptr<engine::Engine> show;
  std::unique_ptr<engine::AudienceGate> gate;
  try {
    engine::ensure_contest(*store, options.demo);
    credentials = std::make_unique<engine::Credentials>(*store, options.host_key);
    show = std::make_unique<engine::Engine>(*store, clock, engine::restore(*store));
    gate = std::make_unique<engine::AudienceGate>(
        *store, *show, *credentials,
        engine::AudienceLimits{options.audience_per_address,
                               options.audience_connections_per_address, options.max_audience,
                               options.alert_identities_per_minute});
  } catch (const std::exception& e) {
    std::cerr << "stagevote: " << options.db << ": " << e.what() << "\n";
    return 1;
  }

  auto console = std::make_shared<app::ToolsConsole>(
      *show, *store, std::filesystem::path(options.db).filename().string());
  options.console = console;
  std::unique_ptr<net::server> server;
  try {
    server = std::make_unique<net::server>(*show, *credentials, *gate, options);
  } catch (const std::exception& e) {
    std::cerr << "stagevote: " << e.what() << "\n";
    return 1;
  }

  const std::string& url = server->base_url();
  std::string key_note;
  switch (credentials->host_key_source()) {
    case engine::HostKeySource::generated:
      key_note = "host key: " + credentials->host_key() +
                 "   (printed once: only its hash is kept in the database)";
      break;
    case engine::HostKeySource::stored:
      key_note =
          "host key: the one printed when it was made (only its hash is kept; a new one: "
          "stagevote keys --db FILE --reset-host-key)";
      break;
    case engine::HostKeySource::given:
      key_note = "host key: as given (--host-key or STAGEVOTE_HOST_KEY)";
      break;
  }
  // Known only if the host key is (given or just made): else the console shows the link.
  const std::string& display_key = credentials->display_key();
  const std::string display_line = display_key.empty()
                                       ? url + "/display   (the link with its key: host console)"
                                       : url + "/display#k=" + display_key;
  std::cout << "stagevote " << STAGEVOTE_VERSION << " — " << show->contest()->name << "\n"
            << "  display   " << display_line << "\n"
            << "  host      " << url << "/host      " << key_note << "\n"
            << "  audience  " << url << "/vote\n"
            << "  judges    " << url << "/judge     (cards with QR codes: host console → 评委卡)\n"
            << "listening on " << options.bind << ":" << server->port() << ", database "
            << options.db << std::endl;

  server->start();
  server->wait();
  console->stop();  // its replies go to the server's connections: stop it first
  const bool failed = server->failed();
  const std::string failure = server->failure();
  server.reset();
  gate.reset();
  show.reset();
  store.reset();  // commits anything left (nothing, after a failed commit), stops the writer
  if (failed) {
    std::cerr << "stagevote: stopped: the database refused a commit: " << failure << "\n";
    return 1;
  }
  std::cout << "stopped cleanly" << std::endl;
  return 0;
}

int results(const std::vector<std::string>& words) {
  const app::ResultsArgs args = app::parse_results_args(words);
  if (args.help) {
    std::cout << app::kResultsUsage;
    return 0;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(args.db, ec)) {
    std::cerr << "stagevote: no database file " << args.db << "\n";
    return 1;
  }
  try {
    store::Store store(args.db);
    const core::Show show = engine::restore(store).show;
    if (!show.contest().find_round(args.round)) {
      std::cerr << "stagevote: no round '" << args.round << "' in " << args.db << "\n";
      return 1;
    }
    std::cout << protocol::round_results_json(show, args.round).dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stagevote: " << args.db << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    std::cerr << app::kUsage;
    return 2;
  }
  const std::string command = words.front();
  words.erase(words.begin());
  try {
    if (command == "serve") return serve(words, argv[0]);
    if (command == "results") return results(words);
    if (command == "import") return app::run_import(words);
    if (command == "export") return app::run_export(words);
    if (command == "verify") return app::run_verify(words);
    if (command == "recount") return app::run_recount(words);
    if (command == "tickets") return app::run_tickets(words);
    if (command == "keys") return app::run_keys(words);
    if (command == "judge-cards") return app::run_judge_cards(words);
    if (command == "judges-report") return app::run_judges_report(words);
    if (command == "--version" || command == "version") {
      std::cout << "stagevote " << STAGEVOTE_VERSION << "\n";
      return 0;
    }
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << app::kUsage;
      return 0;
    }
    std::cerr << "stagevote: unknown command '" << command << "'\n" << app::kUsage;
    return 2;
  } catch (const app::UsageError& e) {
    std::cerr << "stagevote: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "stagevote: " << e.what() << "\n";
    return 1;
  }
}
