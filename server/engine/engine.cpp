#include "engine/engine.hpp"

#include <chrono>

#include "core/codec.hpp"
#include "core/demo.hpp"
#include "engine/restore.hpp"
#include "engine/secrets.hpp"

namespace stagevote::engine {

using nlohmann::json;

namespace {

constexpr const char* kHostKeyMeta = "host_key";
constexpr const char* kDeviceSecretMeta = "device_secret";

// Makes sure the database holds a contest (the demo one with fresh judge tokens when asked
// and the database is empty), then replays the ledger.
core::Show prepare_show(store::Store& store, const EngineConfig& config) {
  if (!has_contest(store)) {
    if (!config.demo) {
      throw StartupError("the database holds no contest: start with --demo or import one");
    }
    core::Contest contest = core::demo_contest();
    // The bundled tokens are public (they are in the source): every show gets its own.
    for (auto& judge : contest.judges) judge.token = to_hex(random_bytes(16));
    store.set_meta(kContestMetaKey, core::contest_to_json(contest, true).dump());
  }
  try {
    return restore(store);
  } catch (const RestoreError& e) {
    throw StartupError(e.what());
  }
}

std::string load_or_create_secret(store::Store& store) {
  if (auto stored = store.get_meta(kDeviceSecretMeta); stored && stored->size() == 64) {
    std::string bytes;
    for (std::size_t i = 0; i < stored->size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(stored->substr(i, 2), nullptr, 16)));
    }
    return bytes;
  }
  std::string secret = random_bytes(32);
  store.set_meta(kDeviceSecretMeta, to_hex(secret));
  return secret;
}

std::string vote_ack(const std::optional<std::string>& id, bool counted, std::string_view poll,
                     std::string_view choice) {
  std::string out = "{\"type\":\"ack\"";
  if (id) {
    out += ",\"id\":";
    append_json_string(out, *id);
  }
  out += counted ? ",\"counted\":true,\"poll\":" : ",\"counted\":false,\"poll\":";
  append_json_string(out, poll);
  out += ",\"choice\":";
  append_json_string(out, choice);
  out.push_back('}');
  return out;
}

}  // namespace

core::Millis now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Engine::Engine(store::Store& store, const EngineConfig& config)
    : store_(store), show_(prepare_show(store, config)), devices_(load_or_create_secret(store)) {
  install_catalogue(show_.contest());
  if (config.host_key && !config.host_key->empty()) {
    host_key_ = *config.host_key;
    host_key_source_ = HostKeySource::given;
  } else if (auto stored = store.get_meta(kHostKeyMeta); stored && !stored->empty()) {
    host_key_ = *stored;
    host_key_source_ = HostKeySource::stored;
  } else {
    host_key_ = base64url(random_bytes(12));
    store.set_meta(kHostKeyMeta, host_key_);
    host_key_source_ = HostKeySource::generated;
  }
  for (const auto& poll : show_.polls()) {
    // Closed polls were announced before the restart; open ones get a first tally.
    if (!poll.open) published_[poll.id] = PublishedTally{poll.total, false};
  }
  close_expired_polls();
}

void Engine::install_catalogue(const core::Contest& contest) {
  auto catalogue = std::make_unique<const Catalogue>(Catalogue{
      contest, catalogue_json(contest).dump(), core::contest_to_json(contest, true).dump()});
  catalogue_.store(catalogue.get());
  catalogues_.push_back(std::move(catalogue));
}

bool Engine::replace_contest(const core::Contest& contest) {
  {
    std::lock_guard lock(mutex_);
    // Nothing applied since the ledger was replayed, and nothing in it: no client has been
    // told anything that the new contest could contradict.
    if (show_.version() != 0 || store_.record_count() != 0) return false;
    store_.set_meta(kContestMetaKey, core::contest_to_json(contest, true).dump());
    show_ = core::Show(contest);
    published_.clear();
    install_catalogue(show_.contest());
  }
  if (listener_) listener_->contest_replaced();
  return true;
}

core::Show Engine::show_copy() const {
  std::lock_guard lock(mutex_);
  return show_;
}

bool Engine::is_host_key(std::string_view key) const noexcept {
  return constant_time_equal(key, host_key_);
}

const core::Judge* Engine::judge_for_token(std::string_view token) const noexcept {
  const core::Judge* found = nullptr;
  // Look at every judge whatever matches, so the time taken says nothing about the token.
  for (const auto& judge : contest().judges) {
    if (!judge.token.empty() && constant_time_equal(token, judge.token)) found = &judge;
  }
  return found;
}

std::string Engine::admit_device(std::string_view offered) const {
  if (!offered.empty() && devices_.verify(offered)) return std::string(offered);
  return devices_.issue();
}

void Engine::submit(core::Command command, std::string actor, std::optional<std::string> id,
                    ReplyFn reply) {
  // Serialise before taking the lock: the lock is what every vote waits on.
  std::string payload = core::command_payload(command);
  const char* kind = core::command_kind(command);
  const auto* vote = std::get_if<core::Vote>(&command);

  std::unique_lock lock(mutex_);
  // Checked under the lock that also covers the store append below: a request either reaches
  // the store before stop_taking_requests() returns (and the shutdown's flush) or not at all.
  if (!taking_requests_) return;
  const core::Millis now = now_ms();
  auto applied = show_.apply(command, now);
  if (!applied) {
    lock.unlock();
    reply(make_message(error_text(id, applied.error())));
    return;
  }
  const core::Outcome& outcome = applied.value();
  std::string ack;
  bool duplicate = false;
  if (vote) {
    std::string_view choice = vote->choice;
    if (!outcome.counted) {
      duplicate = true;
      // Tell the phone what it voted for the first time.
      if (const core::Poll* poll = show_.find_poll(vote->poll)) {
        if (auto it = poll->ballots.find(vote->device); it != poll->ballots.end()) {
          choice = poll->entries.at(it->second);
        }
      }
    }
    ack = vote_ack(id, outcome.counted, vote->poll, choice);
  } else {
    json extras = json::object();
    if (const auto* score = std::get_if<core::Score>(&command)) {
      extras["total"] = core::judge_total(score->marks);
    } else if (std::holds_alternative<core::OpenPoll>(command)) {
      extras["poll"] = outcome.poll;
    } else if (const auto* draw = std::get_if<core::DrawOrder>(&command)) {
      extras["order"] = show_.running_order(draw->round);
    }
    ack = ack_text(id, extras);
  }

  auto done = [this, message = make_message(std::move(ack)), id, reply = std::move(reply),
               announce = outcome.state_changed](bool ok) mutable {
    if (!ok) {
      reply(make_message(error_text(id, "internal", "the server could not save this; try again")));
    } else {
      // Listener first: a client that connects once it has the ack sees the new state.
      if (announce && listener_) listener_->state_committed();
      reply(message);
    }
    // The store destroys this function later, on another thread; what the reply holds (the
    // connection) is let go now, while the server that owns it is sure to be running.
    reply = nullptr;
  };
  if (duplicate) {
    store_.barrier(std::move(done));
    return;
  }
  store::LedgerWrite write{now, kind, std::move(actor), std::move(payload), std::nullopt};
  if (vote) write.vote = store::VoteRow{vote->poll, vote->device, vote->choice};
  store_.append(std::move(write), std::move(done));
}

void Engine::stop_taking_requests() {
  std::lock_guard lock(mutex_);
  taking_requests_ = false;
}

Message Engine::results_reply(const std::optional<std::string>& id, std::string_view round) const {
  std::lock_guard lock(mutex_);
  if (!show_.contest().find_round(round)) {
    return make_message(error_text(id, "not_found", "no round " + std::string(round)));
  }
  return make_message(ack_text(id, {{"results", round_results_json(show_, round)}}));
}

std::string Engine::welcome(Role role, const std::optional<std::string>& id,
                            const std::string& device, const core::Judge* judge) const {
  json message = {{"type", "welcome"}, {"role", to_string(role)}, {"server_time", now_ms()}};
  if (id) message["id"] = *id;
  if (role == Role::audience) {
    message["device"] = device;
    json votes = json::object();
    std::lock_guard lock(mutex_);
    for (const auto& poll : show_.polls()) {
      if (auto it = poll.ballots.find(device); it != poll.ballots.end()) {
        votes[poll.id] = poll.entries.at(it->second);
      }
    }
    message["votes"] = std::move(votes);
  }
  if (role == Role::judge && judge) {
    message["judge"] = {{"id", judge->id},
                        {"name", judge->name},
                        {"title", judge->title},
                        {"unit", judge->unit ? json(*judge->unit) : json(nullptr)}};
  }
  // Splice in the catalogue serialised at start-up instead of rebuilding it per phone.
  std::string text = message.dump();
  text.pop_back();
  text += ",\"contest\":";
  text += catalogue().welcome;
  text.push_back('}');
  return text;
}

Snapshots Engine::snapshots(const Connections& connections, bool broadcast) {
  json audience, host;
  std::vector<std::pair<std::string, json>> judges;
  Snapshots out;
  {
    std::lock_guard lock(mutex_);
    // Numbered under the lock: a higher sequence never holds an older show.
    out.sequence = ++snapshot_sequence_;
    audience = public_state_json(show_);
    host = host_extras_json(show_, connections);
    for (const auto& judge : show_.contest().judges) {
      judges.emplace_back(judge.id, judge_extras_json(show_, judge));
    }
  }
  std::lock_guard views_lock(last_views_mutex_);
  std::string audience_view = audience.dump();
  out.audience_changed = audience_view != last_audience_view_;
  if (broadcast) last_audience_view_ = std::move(audience_view);

  audience["version"] = out.sequence;
  audience["type"] = "state";
  audience["server_time"] = now_ms();
  for (auto& [judge_id, extras] : judges) {
    std::string judge_view = extras.dump();
    auto& last = last_judge_views_[judge_id];
    if (out.audience_changed || judge_view != last) out.judges_changed.insert(judge_id);
    if (broadcast) last = std::move(judge_view);
    json state = audience;
    state["judge"] = std::move(extras);
    out.judges.emplace(judge_id, make_message(state.dump()));
  }
  json host_state = audience;
  host_state["host"] = std::move(host);
  out.host = make_message(host_state.dump());
  out.audience = make_message(audience.dump());
  return out;
}

std::vector<Message> Engine::changed_tallies() {
  std::vector<Message> out;
  std::lock_guard lock(mutex_);
  for (const auto& poll : show_.polls()) {
    auto& published = published_[poll.id];
    if (poll.open ? published.total == poll.total : !published.open) continue;
    published = PublishedTally{poll.total, poll.open};
    out.push_back(make_message(tally_json(poll).dump()));
  }
  return out;
}

Message Engine::open_tally() const {
  std::lock_guard lock(mutex_);
  const core::Poll* poll = show_.open_poll();
  return poll ? make_message(tally_json(*poll).dump()) : nullptr;
}

void Engine::close_expired_polls() {
  std::vector<std::string> expired;
  {
    std::lock_guard lock(mutex_);
    expired = show_.expired_polls(now_ms());
  }
  for (auto& poll : expired) {
    // The host may close it first; then the show rejects this one and nothing happens.
    submit(core::ClosePoll{std::move(poll)}, "server", std::nullopt, [](Message) {});
  }
}

std::optional<std::string> Engine::results_json(std::string_view round) const {
  std::lock_guard lock(mutex_);
  if (!show_.contest().find_round(round)) return std::nullopt;
  return round_results_json(show_, round).dump();
}

json Engine::info_json() const {
  const core::Contest& contest = this->contest();
  return {
      {"contest", {{"id", contest.id}, {"name", contest.name}, {"subtitle", contest.subtitle}}}};
}

}  // namespace stagevote::engine
