#include "app/keys_command.hpp"

#include <filesystem>
#include <iostream>

#include "app/args.hpp"
#include "app/database_lock.hpp"
#include "engine/credentials.hpp"
#include "store/store.hpp"

namespace stagevote::app {

namespace {

constexpr const char* kKeysSynopsis =
    "stagevote keys --db FILE --reset-host-key\n"
    "  makes a new host key for the database, and with it a new display key; prints both\n"
    "  once: only their hashes are kept. The old key and the old display links stop working.\n"
    "  Refused while `stagevote serve` runs on the database: stop it, reset, start it again.";

}  // namespace

int run_keys(const std::vector<std::string>& raw) {
  try {
    const Args args(raw, {{"db"}, {"reset-host-key"}, {}});
    if (args.help()) {
      std::cout << "usage: " << kKeysSynopsis << "\n";
      return 0;
    }
    args.no_positional();
    const std::string db = args.require("db");
    if (!args.has("reset-host-key")) throw UsageError("say what to do: --reset-host-key");
    if (!std::filesystem::exists(db)) throw std::runtime_error(db + ": no such database");
    const DatabaseLock lock(db, "keys");
    store::Store store(db);
    const engine::NewKeys keys = engine::make_host_key(store);
    std::cout << "new host key: " << keys.host_key << "   (printed once: only its hash is kept in "
              << db << ")\n"
              << "display key:  " << keys.display_key
              << "   (the venue screens open <server>/display#k=" << keys.display_key << ")\n";
    return 0;
  } catch (const UsageError& error) {
    std::cerr << "stagevote keys: " << error.what() << "\nusage: " << kKeysSynopsis << "\n";
    return 2;
  } catch (const DatabaseBusy& busy) {
    std::cerr << "stagevote keys: "
              << refusal(busy, "stop it first, then reset the key, then start it again") << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "stagevote keys: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace stagevote::app
