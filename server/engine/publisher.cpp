#include "engine/publisher.hpp"

#include "engine/heads.hpp"
#include "protocol/replies.hpp"

namespace stagevote::engine {

using nlohmann::json;
using protocol::Role;

const protocol::Message& Snapshot::view_for(Role role, std::string_view judge) const {
  switch (role) {
    case Role::host:
      return host;
    case Role::judge:
      if (const auto it = judges.find(judge); it != judges.end()) return it->second;
      return audience;
    case Role::display:
      return display;
    case Role::audience:
      return audience;
  }
  return audience;
}

Publisher::Publisher(const Engine& engine, const AudienceGate& gate)
    : engine_(engine), gate_(gate) {
  engine_.read([&](const core::Show& show) {
    for (const auto& poll : show.polls()) {
      // Closed polls were announced before a restart; open ones get a first tally.
      if (!poll.open) published_[poll.id] = PublishedTally{poll.total, false};
    }
  });
}

Snapshot Publisher::snapshot(const protocol::Connections& connections, bool broadcast,
                             const protocol::Presence& presence) {
  json audience, host;
  std::vector<std::pair<std::string, json>> judges;
  Snapshot out;
  core::Admission mode = core::Admission::open;
  std::optional<store::LedgerHead> published;
  engine_.read([&](const core::Show& show) {
    // Read under the same lock as the show: the version names exactly this state.
    out.version = engine_.version();
    published = engine_.published_head();
    mode = show.admission();
    audience = protocol::public_state_json(show);
    host = protocol::host_extras_json(show, connections, presence);
    for (const auto& judge : show.contest().judges) {
      judges.emplace_back(judge.id, protocol::judge_extras_json(show, judge));
    }
  });
  const core::Millis now = engine_.clock().now();

  // The screens (never the phones) see the join code, which turns over with the clock.
  json display = audience;
  // The published head is for the screens and the console, where the hall can see it.
  if (published)
    display["ledger"] = protocol::ledger_head_json(published->seq, short_hash(published->hash));
  if (mode == core::Admission::code) {
    const auto code = gate_.join_code(now);
    display["admission"]["code"] = code.code;
    display["admission"]["code_changes_at"] = code.changes_at;
  }

  std::lock_guard lock(mutex_);
  std::string audience_view = audience.dump();
  out.audience_changed = audience_view != last_audience_view_;
  if (broadcast) last_audience_view_ = std::move(audience_view);
  std::string display_view = display.dump();
  out.display_changed = display_view != last_display_view_;
  if (broadcast) last_display_view_ = std::move(display_view);
  for (auto& [judge_id, extras] : judges) {
    std::string judge_view = extras.dump();
    auto& last = last_judge_views_[judge_id];
    if (out.audience_changed || judge_view != last) out.judges_changed.insert(judge_id);
    if (broadcast) last = std::move(judge_view);
    json state = audience;
    state["judge"] = std::move(extras);
    out.judges.emplace(judge_id, protocol::state_message(std::move(state), out.version, now));
  }
  json host_state = display;
  host_state["host"] = std::move(host);
  out.host = protocol::state_message(std::move(host_state), out.version, now);
  out.display = protocol::state_message(std::move(display), out.version, now);
  out.audience = protocol::state_message(std::move(audience), out.version, now);
  return out;
}

std::vector<protocol::Message> Publisher::changed_tallies() {
  std::vector<protocol::Message> out;
  std::lock_guard lock(mutex_);
  engine_.read([&](const core::Show& show) {
    for (const auto& poll : show.polls()) {
      auto& published = published_[poll.id];
      if (poll.open ? published.total == poll.total : !published.open) continue;
      published = PublishedTally{poll.total, poll.open};
      out.push_back(protocol::tally_message(poll));
    }
  });
  return out;
}

protocol::Message Publisher::open_tally() const {
  return engine_.read([](const core::Show& show) {
    const core::Poll* poll = show.open_poll();
    return poll ? protocol::tally_message(*poll) : protocol::Message{};
  });
}

protocol::Message Publisher::welcome(Role role, const protocol::RequestId& id,
                                     const std::string& device, const std::string& voter,
                                     const std::optional<core::Judge>& judge) {
  protocol::Welcome welcome;
  welcome.role = role;
  welcome.id = id;
  welcome.server_time = engine_.clock().now();
  welcome.device = device;
  if (judge) welcome.judge = &*judge;
  if (role == Role::audience) {
    engine_.read([&](const core::Show& show) {
      for (const auto& poll : show.polls()) {
        if (auto it = poll.ballots.find(voter); it != poll.ballots.end()) {
          welcome.votes.emplace_back(poll.id, poll.entries.at(it->second.choice));
          if (it->second.rating != 0) welcome.ratings.emplace_back(poll.id, it->second.rating);
        }
      }
    });
  }
  const auto contest = engine_.contest();
  std::shared_ptr<const std::string> catalogue;
  {
    std::lock_guard lock(mutex_);
    if (catalogued_ != contest) {
      catalogue_ = std::make_shared<const std::string>(protocol::catalogue(*contest));
      catalogued_ = contest;
    }
    catalogue = catalogue_;
  }
  welcome.catalogue = catalogue.get();
  return protocol::welcome(welcome);
}

}  // namespace stagevote::engine
