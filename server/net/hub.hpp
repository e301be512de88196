#pragma once
// Knows every WebSocket session by role and fans messages out. A broadcast is one shared
// buffer queued to every recipient; the session list is copied (as weak_ptrs) under the
// mutex and the sends happen outside it, so a slow send never blocks joins and leaves.
// A state broadcast to thousands of phones goes out in chunks on each context, so that the
// screens' messages, acks and the ticker are never queued behind the whole fan-out.
//
// Freshness: a snapshot is as new as the engine's state version it was built at. Whoever
// joins while the engine is ahead of the latest snapshot gets one built for it.
#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/publisher.hpp"
#include "protocol/role.hpp"

namespace stagevote::net {

class websocket_session;

class hub : public std::enable_shared_from_this<hub> {
 public:
  hub(boost::asio::any_io_executor executor, const engine::Engine& engine,
      engine::Publisher& publisher);

  // A new connection (before hello) and its end (from the session's destructor).
  void add(websocket_session& session);
  void remove(websocket_session& session);

  // What a session that has just said hello needs, taken atomically with its joining. A judge
  // has one live session: one that joins takes over, and the judge's earlier sessions are told
  // `replaced` and closed.
  struct Joined {
    protocol::Message state;
    std::uint64_t version = 0;
    protocol::Message tally;  // displays and hosts: the open poll's tally (may be null)
    // Hosts: the judges' presence now (the state may be a snapshot from before a change).
    protocol::Message presence;
    bool refused = false;  // `still_admitted` said no: the session did not join
  };
  // `still_admitted`, if given, is asked under the hub's lock, atomically with the joining: a
  // judge's token revoked (revoke_judge) after its hello was checked is refused here.
  Joined join(websocket_session& session, protocol::Role role,
              const std::function<bool()>& still_admitted = nullptr);

  // A state-changing commit reached `version` (from the store's writer thread, before its ack
  // goes out): a snapshot is built and sent on the io_context; several commits in a row make
  // one snapshot.
  void state_committed(std::uint64_t version);
  // The contest was replaced (before the show): every phone, display and host gets a fresh
  // welcome and state; judges are closed (code 1012) and say hello again, since their token
  // may be gone.
  void contest_replaced();
  // To every display and host.
  void publish_to_screens(const std::vector<protocol::Message>& messages);
  // Connection counts to the hosts, if they changed since the last call.
  void publish_connections();

  // Judges' presence: a judge's session received a message (any thread).
  void judge_seen(const std::string& judge);
  // The judge's token was reissued (engine::CommitListener): every session of that judge is
  // told `revoked` and closed at once.
  void revoke_judge(const std::string& judge);
  // Every judge's presence now.
  protocol::Presence presence() const;
  // The judges' presence to the hosts, if it changed since the last call.
  void publish_presence();

  protocol::Connections connections() const;
  // Closes every session with a close frame and this reason (shutdown; a failed commit).
  void close_all(const boost::beast::websocket::close_reason& reason);

 private:
  struct Target {
    std::weak_ptr<websocket_session> session;
    protocol::Role role;
  };
  enum class Recipients { screens, others, everyone };
  // Screens (displays, hosts) come first: the hall watches them, the phones can wait a moment.
  std::vector<Target> targets(Recipients who) const;
  void publish_state();
  // Queues each recipient's state on its own context, in chunks (see deliver_some).
  void send_state(const engine::Snapshot& snapshot, const std::vector<Target>& recipients);
  // Under publish_mutex_: a broadcast snapshot of the committed show as it is now.
  std::shared_ptr<const engine::Snapshot> rebuild_latest();
  void welcome_again();

  boost::asio::any_io_executor executor_;
  const engine::Engine& engine_;
  engine::Publisher& publisher_;

  mutable std::mutex mutex_;
  std::unordered_set<websocket_session*> pending_;                                // before hello
  std::array<std::unordered_set<websocket_session*>, protocol::kRoles> members_;  // by role
  std::shared_ptr<const engine::Snapshot> latest_;  // the newest broadcast
  protocol::Presence presence_;                     // by judge id

  std::mutex publish_mutex_;  // one broadcast snapshot is built at a time
  std::atomic<bool> publish_queued_{false};
  std::optional<protocol::Connections> last_counts_sent_;
  std::optional<protocol::Presence> last_presence_sent_;
};

}  // namespace stagevote::net
