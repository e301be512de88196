#pragma once
// The glue between the pure show, the durable store and the network: requests go in, acks,
// errors and state snapshots come out. No sockets here: the net layer hands requests over
// and posts what comes back onto its connections.
//
// Ordering: a command is applied to the Show and appended to the store under one mutex, so
// the ledger's order is the application order and a replay rebuilds the same show.
// Durability: a request's reply is handed over only from the store's completion, after the
// commit; a duplicate vote (nothing to write) waits on a store barrier so that its ack
// cannot overtake the original ballot's commit.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/show.hpp"
#include "engine/device_tokens.hpp"
#include "engine/replies.hpp"
#include "engine/views.hpp"
#include "store/store.hpp"

namespace stagevote::engine {

// Thrown by the constructor with a one-line reason (no contest, corrupt ledger ...).
struct StartupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct EngineConfig {
  std::optional<std::string> host_key;  // --host-key or STAGEVOTE_HOST_KEY, if given
  bool demo = false;                    // load the demo contest into an empty database
};

// Receives a request's reply. May run on the store's writer thread: hand it over (post), do
// not work in it.
using ReplyFn = std::function<void(Message)>;

// Told (on the store's writer thread) when a committed command changed the show's state.
class StateListener {
 public:
  virtual ~StateListener() = default;
  virtual void state_committed() = 0;
  // Told (on the thread that called Engine::replace_contest) once the contest was replaced:
  // every client needs a fresh welcome (the catalogue) and state.
  virtual void contest_replaced() {}
};

// State snapshots, each serialised once: one for every phone and display, one for hosts,
// one per judge.
struct Snapshots {
  std::uint64_t sequence = 0;  // grows with every snapshot taken (drop older ones)
  Message audience;
  Message host;
  std::map<std::string, Message, std::less<>> judges;  // by judge id
  // Whether a group's view differs from the previous snapshot's (apart from the version and
  // the time): a judge's score changes the host's and the judges' views, not the 19,000
  // phones', which then need not be sent anything.
  bool audience_changed = true;
  std::set<std::string, std::less<>> judges_changed;
};

// Where the host key came from, to say so at start-up.
enum class HostKeySource { given, stored, generated };

core::Millis now_ms();

class Engine {
 public:
  // Loads (or, with --demo on an empty database, creates) the contest, replays the ledger
  // and closes polls whose deadline passed while the server was down.
  Engine(store::Store& store, const EngineConfig& config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The contest changes only through replace_contest, before the show; reading it needs no
  // lock, and what it returns (and judge_for_token's judge) stays valid while the engine lives.
  const core::Contest& contest() const noexcept { return catalogue().contest; }
  const std::string& host_key() const noexcept { return host_key_; }
  HostKeySource host_key_source() const noexcept { return host_key_source_; }

  bool is_host_key(std::string_view key) const noexcept;
  // The judge holding this token, compared in constant time; nullptr if none.
  const core::Judge* judge_for_token(std::string_view token) const noexcept;
  // The offered device token if this server signed it, else a fresh one.
  std::string admit_device(std::string_view offered) const;

  void set_listener(StateListener* listener) noexcept { listener_ = listener; }

  // Applies a command on behalf of `actor` ("host", "server", a judge id or a device token)
  // and calls `reply` exactly once: an error at once if the show rejects it, else the ack
  // once the command is committed (an `internal` error if the commit failed). After
  // stop_taking_requests() it takes nothing and replies nothing.
  void submit(core::Command command, std::string actor, std::optional<std::string> id,
              ReplyFn reply);
  // Shutdown: from now on submit() ignores every request (the server is closing its
  // connections; clients re-send on reconnecting). Whatever it took before this returned is
  // committed and replied to by the next flush(), so nothing is committed without its reply.
  void stop_taking_requests();

  // A host's read-only `results` command.
  Message results_reply(const std::optional<std::string>& id, std::string_view round) const;

  // {"type":"welcome",...} for a client that has just said hello.
  std::string welcome(Role role, const std::optional<std::string>& id, const std::string& device,
                      const core::Judge* judge) const;
  // `broadcast`: the snapshot goes to every client, and the next one's *_changed flags are
  // reckoned from it. A snapshot for a client that has just joined (false) changes no flags:
  // else the broadcast after it would find nothing changed and send nothing.
  Snapshots snapshots(const Connections& connections, bool broadcast = true);
  // Tallies to send now to displays and hosts: each poll whose count changed since the last
  // call, and each poll that closed since, once. Call it every 100 ms, and after a state change
  // (a poll that closed shows its final tally at once).
  std::vector<Message> changed_tallies();
  // The open poll's tally for a display or host that has just joined (null if none open).
  Message open_tally() const;
  // Closes, through the ledger, every open poll whose deadline has passed.
  void close_expired_polls();

  // Blocks until everything submitted so far is committed and its reply handed over.
  void flush() { store_.flush(); }

  // Before the show only: if nothing has happened yet (no command applied, the ledger empty),
  // stores `contest` (valid: core::validate) in the database's meta `contest` and starts the
  // show over from it, then tells the listener. Returns false, changing nothing, once the
  // show has started. Writes SQLite synchronously: call it off the network threads.
  bool replace_contest(const core::Contest& contest);

  // A copy of the show as it is now, for exports (taken under the lock, used without it).
  core::Show show_copy() const;

  // HTTP API bodies.
  const std::string& contest_json_with_tokens() const noexcept { return catalogue().api; }
  std::optional<std::string> results_json(std::string_view round) const;
  nlohmann::json info_json() const;

 private:
  struct PublishedTally {
    long total = -1;
    bool open = true;
  };

  // A contest as clients are told about it, serialised once per contest.
  struct Catalogue {
    core::Contest contest;
    std::string welcome;  // the welcome's "contest"
    std::string api;      // GET /api/contest
  };
  const Catalogue& catalogue() const noexcept { return *catalogue_.load(); }
  // Makes `contest` the one served (call it under mutex_, or before serving).
  void install_catalogue(const core::Contest& contest);

  store::Store& store_;
  mutable std::mutex mutex_;  // guards show_, published_, catalogues_
  core::Show show_;
  // Every contest served, kept until the engine ends so that references stay valid.
  std::vector<std::unique_ptr<const Catalogue>> catalogues_;
  std::atomic<const Catalogue*> catalogue_{nullptr};  // the current one (the last above)
  std::string host_key_;
  HostKeySource host_key_source_ = HostKeySource::given;
  DeviceTokens devices_;
  std::unordered_map<std::string, PublishedTally> published_;
  std::uint64_t snapshot_sequence_ = 0;  // guarded by mutex_
  bool taking_requests_ = true;          // guarded by mutex_
  // The last views handed out, without version and time, to tell what changed.
  std::mutex last_views_mutex_;
  std::string last_audience_view_;
  std::map<std::string, std::string, std::less<>> last_judge_views_;
  StateListener* listener_ = nullptr;
};

}  // namespace stagevote::engine
