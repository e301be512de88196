#pragma once
// Applying and committing. A request goes in as a typed command on behalf of an actor; its
// reply comes out once the SQLite file holds the command, and only then does anyone see it.
//
// Two shows:
//  - the head: every command accepted, whether committed yet or still in the store's queue.
//    Commands are validated against it and appended to the store under one mutex, so the
//    ledger's order is the order of validation and a replay rebuilds the same show.
//  - the committed show: what the file holds. Each command is applied to it from the store's
//    completion, after its transaction committed, in ledger order. Every view (state, tallies,
//    results, exports, welcomes) is read from it: nothing is shown that the file does not hold.
//
// Fail-stop: when a commit fails, the store commits nothing more (store.hpp), every request of
// that batch and after it is answered `internal`, the engine takes nothing more, and the
// listener is told to stop the server. A restart replays the file, which equals the committed
// show.
//
// Exactly once: a request id is an idempotency key per actor (RequestLog): a request re-sent
// with an id its actor used gets the first reply again, after that reply's commit.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/show.hpp"
#include "engine/clock.hpp"
#include "engine/request_log.hpp"
#include "engine/restore.hpp"
#include "protocol/message.hpp"
#include "store/store.hpp"

namespace stagevote::engine {

// Receives a request's reply, exactly once. May run on the store's writer thread: hand it over
// (post), do not work in it.
using ReplyFn = std::function<void(protocol::Message)>;

// Told what the file now holds. state_committed and commit_failed run on the store's writer
// thread, before the reply of the write that caused them: keep them short.
class CommitListener {
 public:
  virtual ~CommitListener() = default;
  // A command that changed the state is committed and visible; the state is at `version`.
  virtual void state_committed(std::uint64_t version) = 0;
  // The contest was replaced before the show (on the thread that called replace_contest):
  // every client needs a fresh welcome and state.
  virtual void contest_replaced() {}
  // A commit failed (`reason`: the store's error): the server must stop. Told once.
  virtual void commit_failed(const std::string& reason) {}
  // A judge's token was reissued and the old one no longer says hello (contest() already holds
  // the new one): every session of that judge must end now. Runs on the store's writer thread,
  // before the host's ack.
  virtual void judge_token_reissued(const std::string& judge) {}
};

class Engine {
 public:
  // `restored`: the show and the request replies the file holds (restore()). Closes the polls
  // whose deadline passed while the server was down.
  Engine(store::Store& store, const Clock& clock, Restored restored);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Clock& clock() const noexcept { return clock_; }
  void set_listener(CommitListener* listener) noexcept { listener_ = listener; }

  // Applies `command` on behalf of `actor` ("host", "server", a judge id or a device token)
  // and calls `reply` exactly once: an error at once if the show refuses it, else the ack once
  // the command is committed (`internal` if the commit failed). A re-sent request id gets the
  // first reply. After stop_taking_requests() it takes nothing and replies nothing.
  void submit(std::string actor, protocol::RequestId id, core::Command command, ReplyFn reply);

  // Called with every command before it is validated: the audience gate fills in a
  // close_poll's refusals. Set before serving.
  void set_annotator(std::function<void(core::Command&)> annotate) {
    annotate_ = std::move(annotate);
  }
  // What clients see changed without a command (the join code turned over): a new version,
  // and the listener is told as after a commit.
  void touch();

  // Closes, through the ledger, every open poll whose deadline has passed.
  void close_expired_polls();

  // Shutdown: from now on submit() ignores every request (the server is closing its
  // connections; clients re-send on reconnecting). Whatever it took before this returned is
  // committed and replied to by the next flush(), so nothing is committed without its reply.
  void stop_taking_requests();
  // Blocks until everything submitted so far is committed (or failed) and replied to.
  void flush() { store_.flush(); }

  // Fail-stop: whether a commit failed, and the store's error.
  bool failed() const noexcept { return failed_.load(); }
  std::string failure() const { return store_.failure(); }

  // The committed show, read under its lock: `read(fn)` returns fn(show). Keep fn short: the
  // store's writer thread waits for the lock to apply the next commit.
  template <class Fn>
  decltype(auto) read(Fn&& fn) const {
    std::lock_guard lock(committed_mutex_);
    return fn(committed_);
  }
  // A copy of the committed show, for exports (taken under the lock, used without it).
  core::Show committed_copy() const;
  // The state's version: grows with every committed command that changed what clients see,
  // and with every contest replacement. Views built from the committed show carry it.
  std::uint64_t version() const noexcept { return version_.load(); }

  // The contest as defined (imported), with each judge's token as committed (a reissued one
  // replaces the imported one); running orders are in the show.
  std::shared_ptr<const core::Contest> contest() const;

  // Before the show only: if nothing has happened yet (no command applied or in the ledger),
  // stores `contest` (valid: core::validate) in the settings and as a new contest record of
  // the ledger, starts the show over from it, then tells the listener. Returns false, changing
  // nothing, once the show has started. Writes SQLite synchronously: off the network threads.
  bool replace_contest(const core::Contest& contest);
  // Whether the show has started (replace_contest would refuse): in memory, cheap.
  bool started() const;

  // The ledger's head at the last reveal or correction (what `<db>.heads` last got), shown on
  // the display's leaderboard and awards and on the console; nullopt before the first.
  std::optional<store::LedgerHead> published_head() const;

 private:
  // From the store's completion of a write: apply it to the committed show and reply.
  // `contest`: the contest as this write changes it (a reissued judge token), else null.
  void committed(const core::Command& command, core::Millis at, const protocol::Message& reply,
                 std::shared_ptr<const core::Contest> contest);
  void fail_stop(const std::string& reason);
  // Sends `reply` once everything appended before now is committed.
  void reply_after_commit(protocol::Message message, const protocol::RequestId& id, ReplyFn reply);
  protocol::Message internal_error(const protocol::RequestId& id) const;

  store::Store& store_;
  const Clock& clock_;
  CommitListener* listener_ = nullptr;
  std::function<void(core::Command&)> annotate_;

  mutable std::mutex head_mutex_;  // guards head_*, requests_, taking_requests_; before committed_
  core::Show head_;
  // The contest with the judges' tokens as the head has them: what the settings hold once
  // everything appended is committed.
  std::shared_ptr<const core::Contest> head_contest_;
  RequestLog requests_;
  bool taking_requests_ = true;

  mutable std::mutex committed_mutex_;  // guards committed_ and contest_
  core::Show committed_;
  std::shared_ptr<const core::Contest> contest_;
  std::atomic<std::uint64_t> version_{1};
  // Taken inside committed_mutex_ (so a snapshot reads it with the show it belongs to).
  mutable std::mutex published_mutex_;
  std::optional<store::LedgerHead> published_head_;  // guarded by published_mutex_
  const std::int64_t restored_commands_;             // show records in the file at start

  std::atomic<bool> failed_{false};
};

}  // namespace stagevote::engine
