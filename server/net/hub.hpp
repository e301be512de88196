#pragma once
// Knows every WebSocket session by role and fans messages out. A broadcast is one shared
// buffer queued to every recipient; the session list is copied (as weak_ptrs) under the
// mutex and the sends happen outside it, so a slow send never blocks joins and leaves.
// A state broadcast to thousands of phones goes out in chunks on each context, so that the
// screens' messages, acks and the ticker are never queued behind the whole fan-out.
#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/engine.hpp"

namespace stagevote::net {

class websocket_session;

class hub : public engine::StateListener, public std::enable_shared_from_this<hub> {
 public:
  hub(boost::asio::any_io_executor executor, engine::Engine& engine);

  // A new connection (before hello) and its end (from the session's destructor).
  void add(websocket_session& session);
  void remove(websocket_session& session);

  // What a session that has just said hello needs, taken atomically with its joining.
  struct Joined {
    engine::Message state;
    std::uint64_t sequence = 0;
    engine::Message tally;  // displays and hosts: the open poll's tally (may be null)
  };
  // Moves a session to its role. `judge_id` names the judge (judge role only).
  Joined join(websocket_session& session, engine::Role role);

  // From the store's writer thread after a state-changing commit, before its ack goes out:
  // marks the snapshot stale at once, then a fresh one is built and sent on the io_context
  // (several commits in a row make one snapshot).
  void state_committed() override;
  void publish_state();
  // From the thread that replaced the contest (before the show): every phone, display and
  // host gets a fresh welcome and state on the io_context; judges are closed (code 1012) and
  // say hello again, since their token may be gone.
  void contest_replaced() override;
  // To every display and host.
  void publish_to_screens(const std::vector<engine::Message>& messages);
  // Connection counts to the hosts, if they changed since the last call.
  void publish_connections();

  engine::Connections connections() const;
  // Closes every session with a close frame (shutdown).
  void close_all();

 private:
  struct Target {
    std::weak_ptr<websocket_session> session;
    engine::Role role;
  };
  enum class Recipients { screens, others, everyone };
  // Screens (displays, hosts) come first: the hall watches them, the phones can wait a moment.
  std::vector<Target> targets(Recipients who) const;
  // Queues each recipient's state on its own context, in chunks (see deliver_some).
  void send_state(const engine::Snapshots& snapshot, const std::vector<Target>& recipients);
  std::shared_ptr<const engine::Snapshots> latest_snapshot();
  // Under publish_mutex_: a snapshot of the show as it is now becomes latest_. `broadcast`:
  // it is sent to everyone (else only to a joiner; see engine::Engine::snapshots).
  std::shared_ptr<const engine::Snapshots> rebuild_latest(bool broadcast);
  void welcome_again();

  boost::asio::any_io_executor executor_;
  engine::Engine& engine_;

  mutable std::mutex mutex_;
  std::unordered_set<websocket_session*> pending_;                 // before hello
  std::array<std::unordered_set<websocket_session*>, 4> members_;  // by engine::Role
  std::shared_ptr<const engine::Snapshots> latest_;
  // State-changing commits announced so far, and how many of them latest_ reflects. While
  // they differ whoever joins builds a fresh snapshot, so that a client connecting after an
  // ack never sees the state from before it.
  std::uint64_t commits_ = 0;
  std::uint64_t latest_covers_ = 0;

  std::mutex publish_mutex_;  // one snapshot is built at a time
  std::atomic<bool> publish_queued_{false};
  std::optional<engine::Connections> last_counts_sent_;
};

}  // namespace stagevote::net
