#include "engine/engine.hpp"

#include <cstring>
#include <iostream>

#include "core/codec.hpp"
#include "engine/credentials.hpp"
#include "engine/heads.hpp"
#include "engine/secrets.hpp"
#include "protocol/replies.hpp"

namespace stagevote::engine {

Engine::Engine(store::Store& store, const Clock& clock, Restored restored)
    : store_(store),
      clock_(clock),
      head_(restored.show),
      committed_(std::move(restored.show)),
      contest_(std::make_shared<const core::Contest>(restored.contest)),
      restored_commands_(restored.commands) {
  head_contest_ = contest_;
  if (!restored.contest_recorded) {
    std::cerr << "stagevote: warning: this ledger predates contest records: the chain does not "
                 "cover the contest's definition (docs/data.md)\n";
  }
  for (const auto& reply : restored.replies) {
    requests_.remember_durable(reply.actor, reply.request_id, protocol::make_message(reply.text));
  }
  close_expired_polls();
  // Before any client is served: no one may be welcomed with a poll the server is closing.
  store_.flush();
  // After a restart the screens show the head last published, as before it.
  for (const auto& head : read_heads(store_.path())) {
    if (head.seq > 0) published_head_ = store::LedgerHead{head.seq, head.hash};
  }
}

bool Engine::started() const {
  std::lock_guard lock(head_mutex_);
  return head_.version() != 0 || restored_commands_ != 0;
}

std::optional<store::LedgerHead> Engine::published_head() const {
  std::lock_guard lock(published_mutex_);
  return published_head_;
}

std::shared_ptr<const core::Contest> Engine::contest() const {
  std::lock_guard lock(committed_mutex_);
  return contest_;
}

core::Show Engine::committed_copy() const {
  std::lock_guard lock(committed_mutex_);
  return committed_;
}

protocol::Message Engine::internal_error(const protocol::RequestId& id) const {
  return protocol::error(id, core::ErrorCode::internal,
                         "the server could not save this and is stopping; try again once it is "
                         "back");
}

void Engine::reply_after_commit(protocol::Message message, const protocol::RequestId& id,
                                ReplyFn reply) {
  // A barrier completes once everything appended before it is committed: the reply cannot
  // overtake the commit of the request it repeats.
  store_.barrier(
      [this, message = std::move(message), id, reply = std::move(reply)](bool ok) mutable {
        reply(ok ? message : internal_error(id));
        reply = nullptr;  // let the connection go now, not on the store's recycler thread
      });
}

void Engine::submit(std::string actor, protocol::RequestId id, core::Command command,
                    ReplyFn reply) {
  auto* vote = std::get_if<core::Vote>(&command);
  if (auto* draw = std::get_if<core::DrawOrder>(&command); draw && !draw->seed) {
    // The host gave none: the server draws one, and the ledger keeps it for replay.
    const std::string bytes = random_bytes(sizeof(std::uint64_t));
    std::uint64_t seed = 0;
    std::memcpy(&seed, bytes.data(), sizeof seed);
    draw->seed = seed;
  }
  if (vote && id) vote->request = *id;
  // A judge's new card: the server makes the token, the ledger keeps only its hash. A re-sent
  // request (below) gets its first reply and this token is forgotten.
  std::string new_token;
  if (auto* reissue = std::get_if<core::ReissueJudgeToken>(&command)) {
    new_token = new_judge_token();
    reissue->token_sha256 = sha256_hex(new_token);
  }
  if (annotate_ && !vote) annotate_(command);
  // Serialised before taking the lock: the lock is what every vote waits on.
  std::string payload = core::command_payload(command);

  std::unique_lock lock(head_mutex_);
  // Checked under the lock that also covers the store append below: a request either reaches
  // the store before stop_taking_requests() returns (and the shutdown's flush) or not at all.
  if (!taking_requests_) return;
  if (failed_) {
    lock.unlock();
    return reply(internal_error(id));
  }

  // Exactly once: the same request again gets its first reply.
  if (id) {
    if (vote) {
      const core::Ballot* ballot = head_.ballot(vote->poll, actor);
      if (ballot && ballot->request == *id) {
        const core::Poll* poll = head_.find_poll(vote->poll);
        auto message = protocol::vote_ack(id, true, vote->poll, poll->entries.at(ballot->choice),
                                          ballot->rating);
        return reply_after_commit(std::move(message), id, std::move(reply));
      }
    }
    if (auto earlier = requests_.find(actor, *id)) {
      return reply_after_commit(std::move(*earlier), id, std::move(reply));
    }
  }

  const core::Millis now = clock_.now();
  auto applied = head_.apply(command, now);
  if (!applied) {
    auto message = protocol::error(id, applied.error());
    if (id) requests_.remember_volatile(actor, *id, message);
    lock.unlock();
    return reply(std::move(message));
  }
  const core::Outcome& outcome = applied.value();

  store::LedgerWrite write{now, core::command_kind(command), std::move(actor), std::move(payload)};
  protocol::Message message;
  if (vote) {
    if (!outcome.counted) {
      // The device had voted: nothing to write. Tell it what it chose the first time.
      const core::Ballot* ballot = head_.ballot(vote->poll, write.actor);
      const core::Poll* poll = head_.find_poll(vote->poll);
      message = protocol::vote_ack(id, false, vote->poll, poll->entries.at(ballot->choice),
                                   ballot->rating);
      if (id) requests_.remember_volatile(write.actor, *id, message);
      return reply_after_commit(std::move(message), id, std::move(reply));
    }
    // A rating vote names no choice: its poll's one entry is what it rates.
    const core::Poll* poll = head_.find_poll(vote->poll);
    const std::string& choice = vote->rating != 0 ? poll->entries.front() : vote->choice;
    message = protocol::vote_ack(id, true, vote->poll, choice, vote->rating);
    write.vote = store::VoteRow{vote->poll, vote->device, vote->choice, vote->rating};
    // The reply of a counted vote follows from its ballot: only the id is written.
    if (id) write.request_id = *id;
  } else {
    message = protocol::command_ack(id, command, outcome, head_);
    if (id) {
      requests_.remember_durable(write.actor, *id, message);
      write.request_id = *id;
      write.reply = *message;
    }
  }
  protocol::Message first_reply = message;
  std::shared_ptr<const core::Contest> next_contest;
  if (const auto* reissue = std::get_if<core::ReissueJudgeToken>(&command)) {
    // The new token lives where the contest's tokens live, the settings, written in the same
    // transaction as its record: a restart knows it exactly when the ledger has its hash.
    auto contest = std::make_shared<core::Contest>(*head_contest_);
    for (auto& judge : contest->judges) {
      if (judge.id == reissue->judge) judge.token = new_token;
    }
    write.setting = store::Setting{kContestMetaKey, core::contest_to_json(*contest, true).dump()};
    head_contest_ = contest;
    next_contest = std::move(contest);
    // The token goes out once, in this reply, for the card; the reply kept for a re-sent id
    // (and beside the record) has none.
    first_reply = protocol::judge_token_ack(id, reissue->judge, new_token);
  }
  store_.append(
      std::move(write),
      [this, command = std::move(command), now, message, id, first_reply = std::move(first_reply),
       next_contest = std::move(next_contest), reply = std::move(reply)](bool ok) mutable {
        if (ok) {
          committed(command, now, message, std::move(next_contest));
          reply(first_reply);
        } else {
          fail_stop(store_.failure());
          reply(internal_error(id));
        }
        // The store destroys this function later, on another thread; what the reply holds (the
        // connection) is let go now, while the server that owns it is sure to be running.
        reply = nullptr;
      });
}

void Engine::committed(const core::Command& command, core::Millis at,
                       const protocol::Message& reply,
                       std::shared_ptr<const core::Contest> contest) {
  std::uint64_t version = 0;
  std::optional<store::LedgerHead> published;
  {
    std::lock_guard lock(committed_mutex_);
    auto applied = committed_.apply(command, at);
    if (!applied) {
      // The head accepted it in this very order: the two shows have parted. The file holds a
      // command no replay can apply; stop before anything else is built on it.
      std::cerr << "stagevote: internal error: a committed " << core::command_kind(command)
                << " does not apply: " << applied.error().message << " (reply " << *reply << ")\n";
      std::abort();
    }
    // Only now, committed, does the new token say hello and the old one not.
    if (contest) contest_ = std::move(contest);
    if (!applied.value().state_changed) return;
    // A reveal (or a correction of a result) is what the hall sees: the head it was committed
    // at is published beside the file and on the screens, with the state it belongs to.
    if (std::holds_alternative<core::Reveal>(command) ||
        std::holds_alternative<core::CorrectScore>(command)) {
      published = store_.head();
      std::lock_guard lock_published(published_mutex_);
      published_head_ = published;
    }
    version = ++version_;
  }
  if (const auto* reissue = std::get_if<core::ReissueJudgeToken>(&command); reissue && listener_) {
    listener_->judge_token_reissued(reissue->judge);
  }
  if (published) append_head(store_.path(), at, *published);
  // Listener first: a client that connects once it has the ack sees the new state.
  if (listener_) listener_->state_committed(version);
}

void Engine::touch() {
  std::uint64_t version = 0;
  {
    std::lock_guard lock(committed_mutex_);
    version = ++version_;
  }
  if (listener_) listener_->state_committed(version);
}

void Engine::fail_stop(const std::string& reason) {
  if (failed_.exchange(true)) return;
  std::cerr << "stagevote: the database refused a commit (" << reason
            << "); stopping so that nothing the file does not hold is acknowledged or shown\n";
  if (listener_) listener_->commit_failed(reason);
}

void Engine::close_expired_polls() {
  std::vector<std::string> expired;
  {
    std::lock_guard lock(head_mutex_);
    expired = head_.expired_polls(clock_.now());
  }
  for (auto& poll : expired) {
    // The host may close it first; then the show refuses this one and nothing happens.
    submit("server", std::nullopt, core::ClosePoll{std::move(poll)}, [](protocol::Message) {});
  }
}

void Engine::stop_taking_requests() {
  std::lock_guard lock(head_mutex_);
  taking_requests_ = false;
}

bool Engine::replace_contest(const core::Contest& contest) {
  {
    std::lock_guard head(head_mutex_);
    // Nothing applied since the ledger was replayed, and nothing in it: no client has been
    // told anything that the new contest could contradict.
    if (head_.version() != 0 || restored_commands_ != 0) return false;
    store_contest(store_, contest, "host", clock_.now());
    std::lock_guard lock(committed_mutex_);
    head_ = core::Show(contest);
    committed_ = core::Show(contest);
    contest_ = std::make_shared<const core::Contest>(contest);
    head_contest_ = contest_;
    requests_.clear();
    ++version_;
  }
  if (listener_) listener_->contest_replaced();
  return true;
}

}  // namespace stagevote::engine
