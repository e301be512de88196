#include "net/hub.hpp"

#include <boost/asio/post.hpp>
#include <unordered_map>

#include "net/websocket_session.hpp"

namespace stagevote::net {

namespace {

using protocol::Role;

std::size_t index_of(Role role) {
  return static_cast<std::size_t>(role);
}

// Sessions on one context whose state goes out in chunks: each chunk is one handler, and the
// next chunk queues behind whatever arrived meanwhile (a screen's next write, an ack, a tick).
constexpr std::size_t kFanoutChunk = 64;

struct Delivery {
  connection_executor executor;
  std::uint64_t version = 0;
  std::vector<std::pair<std::shared_ptr<websocket_session>, protocol::Message>> items;
  std::size_t next = 0;
};

void deliver_some(std::shared_ptr<Delivery> delivery) {
  auto& executor = delivery->executor;
  boost::asio::post(executor, [delivery = std::move(delivery)] {
    const std::size_t end = std::min(delivery->items.size(), delivery->next + kFanoutChunk);
    for (; delivery->next < end; ++delivery->next) {
      auto& [session, message] = delivery->items[delivery->next];
      session->send_state_here(std::move(message), delivery->version);
      session.reset();
    }
    if (delivery->next < delivery->items.size()) deliver_some(delivery);
  });
}

}  // namespace

hub::hub(boost::asio::any_io_executor executor, const engine::Engine& engine,
         engine::Publisher& publisher)
    : executor_(std::move(executor)), engine_(engine), publisher_(publisher) {}

void hub::add(websocket_session& session) {
  std::lock_guard lock(mutex_);
  pending_.insert(&session);
}

void hub::remove(websocket_session& session) {
  std::lock_guard lock(mutex_);
  if (pending_.erase(&session)) return;
  // A judge replaced or revoked was taken out already: the judge's presence is its successor's.
  // The chief's desk is not the judge's phone: its going says nothing of the judge.
  if (members_[index_of(Role::judge)].erase(&session) && !session.is_desk()) {
    presence_[session.actor()] = {false, engine_.clock().now()};
    return;
  }
  for (auto& members : members_) {
    if (members.erase(&session)) return;
  }
}

namespace {

// Takes the sessions of `judge` out of `judges`, for closing: the phones, or (`desks`) also the
// chief's desk (a revoked card closes both).
std::vector<std::weak_ptr<websocket_session>> take_judge(
    std::unordered_set<websocket_session*>& judges, const std::string& judge, bool desks = false,
    bool phones = true) {
  std::vector<std::weak_ptr<websocket_session>> taken;
  for (auto it = judges.begin(); it != judges.end();) {
    const bool kind = (*it)->is_desk() ? desks : phones;
    if ((*it)->actor() == judge && kind) {
      taken.push_back((*it)->weak_from_this());
      it = judges.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

}  // namespace

std::shared_ptr<const engine::Snapshot> hub::rebuild_latest() {
  auto snapshot = std::make_shared<const engine::Snapshot>(
      publisher_.snapshot(connections(), true, presence()));
  std::lock_guard lock(mutex_);
  if (!latest_ || latest_->version < snapshot->version) latest_ = snapshot;
  return snapshot;
}

hub::Joined hub::join(websocket_session& session, Role role,
                      const std::function<bool()>& still_admitted) {
  std::shared_ptr<const engine::Snapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot = latest_;
  }
  // The engine is ahead of the latest broadcast (a commit whose broadcast is on its way, or
  // none yet): build this joiner's own, so that a client connecting after an ack never sees
  // the state from before it.
  const bool built = !snapshot || snapshot->version < engine_.version();
  if (built) {
    snapshot = std::make_shared<const engine::Snapshot>(
        publisher_.snapshot(connections(), false, presence()));
  }
  Joined joined;
  std::vector<std::weak_ptr<websocket_session>> replaced;
  {
    std::lock_guard lock(mutex_);
    // A reissue updates the engine's contest before it takes the judge's sessions under this
    // lock: either this check sees the new token, or revoke_judge() finds this session.
    if (still_admitted && !still_admitted()) {
      joined.refused = true;
      return joined;
    }
    pending_.erase(&session);
    if (role == Role::judge) {
      // One live session per judge: the newest hello is the judge (a photographed card used
      // on a second phone pushes the judge's own phone out, which the judge then notices).
      // The chief's desk is a second tab beside the phone: one desk, the newest.
      const bool desk = session.is_desk();
      replaced = take_judge(members_[index_of(role)], session.actor(), desk, !desk);
      if (!desk) presence_[session.actor()] = {true, engine_.clock().now()};
    }
    members_[index_of(role)].insert(&session);
    // A newer broadcast may have been published meanwhile; it reaches this session as well.
    if (latest_ && latest_->version > snapshot->version) snapshot = latest_;
    // Kept for the joiners after this one: a hall connecting before the first broadcast (or
    // between a commit and its broadcast) would otherwise render the whole state per phone.
    if (built && (!latest_ || latest_->version < snapshot->version)) latest_ = snapshot;
  }
  for (const auto& weak : replaced) {
    if (auto old = weak.lock()) {
      old->end(core::ErrorCode::replaced,
               "this judge signed in on another device, which has taken over; sign in here "
               "again to take it back");
    }
  }
  joined.state = snapshot->view_for(role, session.actor());
  joined.version = snapshot->version;
  if (protocol::is_screen(role)) joined.tally = publisher_.open_tally();
  if (role == Role::host)
    joined.presence = protocol::presence_message(*engine_.contest(), presence());
  return joined;
}

void hub::judge_seen(const std::string& judge) {
  const core::Millis now = engine_.clock().now();
  std::lock_guard lock(mutex_);
  presence_[judge].last_seen = now;
}

void hub::revoke_judge(const std::string& judge) {
  std::vector<std::weak_ptr<websocket_session>> revoked;
  {
    std::lock_guard lock(mutex_);
    revoked = take_judge(members_[index_of(Role::judge)], judge, /*desks=*/true);
    if (!revoked.empty()) presence_[judge] = {false, engine_.clock().now()};
  }
  for (const auto& weak : revoked) {
    if (auto session = weak.lock()) {
      session->end(core::ErrorCode::revoked,
                   "the host revoked this judge card and issued a new one: use the new card");
    }
  }
}

protocol::Presence hub::presence() const {
  std::lock_guard lock(mutex_);
  return presence_;
}

void hub::publish_presence() {
  auto now = presence();
  if (last_presence_sent_ == now) return;
  const auto message = protocol::presence_message(*engine_.contest(), now);
  last_presence_sent_ = std::move(now);
  for (const auto& target : targets(Recipients::screens)) {
    if (target.role != Role::host) continue;
    if (auto session = target.session.lock()) session->send(message);
  }
}

protocol::Connections hub::connections() const {
  std::lock_guard lock(mutex_);
  protocol::Connections counts;
  counts.audience = static_cast<long>(members_[index_of(Role::audience)].size());
  counts.judge = static_cast<long>(members_[index_of(Role::judge)].size());
  counts.display = static_cast<long>(members_[index_of(Role::display)].size());
  counts.host = static_cast<long>(members_[index_of(Role::host)].size());
  return counts;
}

std::vector<hub::Target> hub::targets(Recipients who) const {
  std::vector<Target> out;
  std::lock_guard lock(mutex_);
  for (const auto role : {Role::display, Role::host, Role::judge, Role::audience}) {
    if (who != Recipients::everyone && (who == Recipients::screens) != protocol::is_screen(role)) {
      continue;
    }
    const auto& members = members_[index_of(role)];
    out.reserve(out.size() + members.size());
    for (auto* session : members) out.push_back({session->weak_from_this(), role});
  }
  return out;
}

void hub::state_committed(std::uint64_t) {
  // Coalesce: one snapshot reflects every commit made before it is built.
  if (publish_queued_.exchange(true)) return;
  boost::asio::post(executor_, [self = shared_from_this()] { self->publish_state(); });
}

void hub::publish_state() {
  publish_queued_ = false;
  std::lock_guard publishing(publish_mutex_);
  const auto snapshot = rebuild_latest();
  send_state(*snapshot, targets(Recipients::screens));
  // A poll that has just closed shows its final tally now, not after the next tick: that tick
  // would wait behind the state going out to every phone.
  publish_to_screens(publisher_.changed_tallies());
  send_state(*snapshot, targets(Recipients::others));
}

void hub::send_state(const engine::Snapshot& snapshot, const std::vector<Target>& recipients) {
  std::unordered_map<boost::asio::io_context*, std::shared_ptr<Delivery>> by_context;
  for (const auto& target : recipients) {
    if (target.role == Role::audience && !snapshot.audience_changed) continue;
    if (target.role == Role::display && !snapshot.display_changed) continue;
    auto session = target.session.lock();
    if (!session) continue;
    if (target.role == Role::judge && !snapshot.judges_changed.count(session->actor())) continue;
    const auto executor = session->executor();
    auto& delivery = by_context[&executor.context()];
    if (!delivery) {
      delivery = std::make_shared<Delivery>(Delivery{executor, snapshot.version, {}, 0});
    }
    auto message = snapshot.view_for(target.role, session->actor());
    delivery->items.emplace_back(std::move(session), std::move(message));
  }
  for (auto& [context, delivery] : by_context) deliver_some(std::move(delivery));
}

void hub::publish_to_screens(const std::vector<protocol::Message>& messages) {
  if (messages.empty()) return;
  for (const auto& target : targets(Recipients::screens)) {
    if (auto session = target.session.lock()) {
      for (const auto& message : messages) session->send(message);
    }
  }
}

void hub::publish_connections() {
  const auto counts = connections();
  if (last_counts_sent_ == counts) return;
  last_counts_sent_ = counts;
  const auto message = protocol::connections_message(counts);
  for (const auto& target : targets(Recipients::screens)) {
    if (target.role != Role::host) continue;
    if (auto session = target.session.lock()) session->send(message);
  }
}

void hub::contest_replaced() {
  boost::asio::post(executor_, [self = shared_from_this()] { self->welcome_again(); });
}

void hub::welcome_again() {
  std::lock_guard publishing(publish_mutex_);
  const auto snapshot = rebuild_latest();
  for (const auto& target : targets(Recipients::everyone)) {
    auto session = target.session.lock();
    if (!session) continue;
    if (target.role == Role::judge) {
      session->close(boost::beast::websocket::close_code::service_restart);
    } else {
      session->welcome_again(snapshot->view_for(target.role, session->actor()), snapshot->version);
    }
  }
}

void hub::close_all(const boost::beast::websocket::close_reason& reason) {
  std::vector<std::weak_ptr<websocket_session>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto* session : pending_) all.push_back(session->weak_from_this());
    for (const auto& members : members_) {
      for (auto* session : members) all.push_back(session->weak_from_this());
    }
  }
  for (const auto& weak : all) {
    if (auto session = weak.lock()) session->close(reason);
  }
}

}  // namespace stagevote::net
