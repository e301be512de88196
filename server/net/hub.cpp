#include "net/hub.hpp"

#include <boost/asio/post.hpp>
#include <unordered_map>

#include "net/websocket_session.hpp"

namespace stagevote::net {

namespace {

std::size_t index_of(engine::Role role) {
  return static_cast<std::size_t>(role);
}

bool is_screen(engine::Role role) {
  return role == engine::Role::display || role == engine::Role::host;
}

engine::Message state_for(const engine::Snapshots& snapshot, engine::Role role,
                          const websocket_session& session) {
  switch (role) {
    case engine::Role::host:
      return snapshot.host;
    case engine::Role::judge: {
      const auto it = snapshot.judges.find(session.judge_id());
      return it == snapshot.judges.end() ? snapshot.audience : it->second;
    }
    case engine::Role::audience:
    case engine::Role::display:
      return snapshot.audience;
  }
  return snapshot.audience;
}

// Sessions on one context whose state goes out in chunks: each chunk is one handler, and the
// next chunk queues behind whatever arrived meanwhile (a screen's next write, an ack, a tick).
constexpr std::size_t kFanoutChunk = 64;

struct Delivery {
  connection_executor executor;
  std::uint64_t sequence = 0;
  std::vector<std::pair<std::shared_ptr<websocket_session>, engine::Message>> items;
  std::size_t next = 0;
};

void deliver_some(std::shared_ptr<Delivery> delivery) {
  auto& executor = delivery->executor;
  boost::asio::post(executor, [delivery = std::move(delivery)] {
    const std::size_t end = std::min(delivery->items.size(), delivery->next + kFanoutChunk);
    for (; delivery->next < end; ++delivery->next) {
      auto& [session, message] = delivery->items[delivery->next];
      session->send_state_here(std::move(message), delivery->sequence);
      session.reset();
    }
    if (delivery->next < delivery->items.size()) deliver_some(delivery);
  });
}

}  // namespace

hub::hub(boost::asio::any_io_executor executor, engine::Engine& engine)
    : executor_(std::move(executor)), engine_(engine) {}

void hub::add(websocket_session& session) {
  std::lock_guard lock(mutex_);
  pending_.insert(&session);
}

void hub::remove(websocket_session& session) {
  std::lock_guard lock(mutex_);
  if (pending_.erase(&session)) return;
  for (auto& members : members_) {
    if (members.erase(&session)) return;
  }
}

std::shared_ptr<const engine::Snapshots> hub::latest_snapshot() {
  {
    std::lock_guard lock(mutex_);
    if (latest_ && latest_covers_ == commits_) return latest_;
  }
  std::lock_guard publishing(publish_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (latest_ && latest_covers_ == commits_) return latest_;  // built by someone else meanwhile
  }
  return rebuild_latest(false);
}

std::shared_ptr<const engine::Snapshots> hub::rebuild_latest(bool broadcast) {
  std::uint64_t covers = 0;
  {
    std::lock_guard lock(mutex_);
    covers = commits_;  // every commit counted here is already applied to the show
  }
  auto snapshot =
      std::make_shared<const engine::Snapshots>(engine_.snapshots(connections(), broadcast));
  std::lock_guard lock(mutex_);
  // Only now may joiners take it: until here they must build their own (or wait for this).
  latest_ = snapshot;
  latest_covers_ = covers;
  return snapshot;
}

hub::Joined hub::join(websocket_session& session, engine::Role role) {
  const auto snapshot = latest_snapshot();
  Joined joined;
  {
    std::lock_guard lock(mutex_);
    pending_.erase(&session);
    members_[index_of(role)].insert(&session);
    // A newer snapshot may have been published meanwhile; it reaches this session as well.
    const auto& newest = latest_->sequence > snapshot->sequence ? latest_ : snapshot;
    joined.state = state_for(*newest, role, session);
    joined.sequence = newest->sequence;
  }
  if (is_screen(role)) joined.tally = engine_.open_tally();
  return joined;
}

engine::Connections hub::connections() const {
  std::lock_guard lock(mutex_);
  engine::Connections counts;
  counts.audience = static_cast<long>(members_[index_of(engine::Role::audience)].size());
  counts.judge = static_cast<long>(members_[index_of(engine::Role::judge)].size());
  counts.display = static_cast<long>(members_[index_of(engine::Role::display)].size());
  counts.host = static_cast<long>(members_[index_of(engine::Role::host)].size());
  return counts;
}

std::vector<hub::Target> hub::targets(Recipients who) const {
  using engine::Role;
  std::vector<Target> out;
  std::lock_guard lock(mutex_);
  for (const auto role : {Role::display, Role::host, Role::judge, Role::audience}) {
    if (who != Recipients::everyone && (who == Recipients::screens) != is_screen(role)) continue;
    const auto& members = members_[index_of(role)];
    out.reserve(out.size() + members.size());
    for (auto* session : members) out.push_back({session->weak_from_this(), role});
  }
  return out;
}

void hub::state_committed() {
  {
    std::lock_guard lock(mutex_);
    ++commits_;
  }
  // Coalesce: one snapshot reflects every commit made before it is built.
  if (publish_queued_.exchange(true)) return;
  boost::asio::post(executor_, [self = shared_from_this()] { self->publish_state(); });
}

void hub::publish_state() {
  publish_queued_ = false;
  std::lock_guard publishing(publish_mutex_);
  const auto snapshot = rebuild_latest(true);
  send_state(*snapshot, targets(Recipients::screens));
  // A poll that has just closed shows its final tally now, not after the next tick: that tick
  // would wait behind the state going out to every phone.
  publish_to_screens(engine_.changed_tallies());
  send_state(*snapshot, targets(Recipients::others));
}

void hub::send_state(const engine::Snapshots& snapshot, const std::vector<Target>& recipients) {
  std::unordered_map<boost::asio::io_context*, std::shared_ptr<Delivery>> by_context;
  for (const auto& target : recipients) {
    const bool phone_or_screen =
        target.role == engine::Role::audience || target.role == engine::Role::display;
    if (phone_or_screen && !snapshot.audience_changed) continue;
    auto session = target.session.lock();
    if (!session) continue;
    if (target.role == engine::Role::judge && !snapshot.judges_changed.count(session->judge_id())) {
      continue;
    }
    const auto executor = session->executor();
    auto& delivery = by_context[&executor.context()];
    if (!delivery)
      delivery = std::make_shared<Delivery>(Delivery{executor, snapshot.sequence, {}, 0});
    auto message = state_for(snapshot, target.role, *session);
    delivery->items.emplace_back(std::move(session), std::move(message));
  }
  for (auto& [context, delivery] : by_context) deliver_some(std::move(delivery));
}

void hub::publish_to_screens(const std::vector<engine::Message>& messages) {
  if (messages.empty()) return;
  for (const auto& target : targets(Recipients::screens)) {
    if (auto session = target.session.lock()) {
      for (const auto& message : messages) session->send(message);
    }
  }
}

void hub::publish_connections() {
  const auto counts = connections();
  if (last_counts_sent_ && last_counts_sent_->audience == counts.audience &&
      last_counts_sent_->judge == counts.judge && last_counts_sent_->display == counts.display &&
      last_counts_sent_->host == counts.host) {
    return;
  }
  last_counts_sent_ = counts;
  nlohmann::json message = {{"type", "connections"},
                            {"connections", engine::connections_json(counts)}};
  const auto shared = engine::make_message(message.dump());
  for (const auto& target : targets(Recipients::screens)) {
    if (target.role != engine::Role::host) continue;
    if (auto session = target.session.lock()) session->send(shared);
  }
}

void hub::contest_replaced() {
  {
    std::lock_guard lock(mutex_);
    ++commits_;  // whoever joins from now on gets the new contest's state
  }
  boost::asio::post(executor_, [self = shared_from_this()] { self->welcome_again(); });
}

void hub::welcome_again() {
  std::lock_guard publishing(publish_mutex_);
  const auto snapshot = rebuild_latest(true);
  for (const auto& target : targets(Recipients::everyone)) {
    auto session = target.session.lock();
    if (!session) continue;
    if (target.role == engine::Role::judge) {
      session->close(boost::beast::websocket::close_code::service_restart);
    } else {
      session->welcome_again(state_for(*snapshot, target.role, *session), snapshot->sequence);
    }
  }
}

void hub::close_all() {
  std::vector<std::weak_ptr<websocket_session>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto* session : pending_) all.push_back(session->weak_from_this());
    for (const auto& members : members_) {
      for (auto* session : members) all.push_back(session->weak_from_this());
    }
  }
  for (const auto& weak : all) {
    if (auto session = weak.lock()) session->close();
  }
}

}  // namespace stagevote::net
