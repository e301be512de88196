#include "shard.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <boost/asio/post.hpp>

namespace stagevote::bench {

namespace asio = boost::asio;

namespace {
// Sends per turn of the event loop when bursting: small enough that acks are read (and
// timed) while the burst is still going out.
constexpr std::size_t send_batch = 128;
constexpr auto connect_tick_period = std::chrono::milliseconds(5);

Clock::duration retry_backoff(int attempt) {
  return std::chrono::milliseconds(std::min(2000, 100 << std::min(attempt, 5)));
}
}  // namespace

Shard::Shard(const Target& target, const Options& options)
    : target_(target),
      options_(options),
      conns_per_phone_(static_cast<std::uint8_t>(options.conns_per_phone)),
      work_(asio::make_work_guard(io_)),
      connect_timer_(io_),
      send_timer_(io_) {}

Shard::~Shard() {
  stop();
}

void Shard::add_phone(std::uint32_t number, std::optional<asio::ip::address_v4> source) {
  const auto local = static_cast<std::uint32_t>(phones_.size());
  Phone phone;
  phone.number = number;
  phone.source = source;
  phones_.push_back(std::move(phone));
  for (std::uint8_t slot = 0; slot < conns_per_phone_; ++slot) {
    sockets_.push_back(std::make_unique<PhoneSocket>(io_, *this, local, slot));
  }
}

void Shard::start() {
  thread_ = std::thread([this] { io_.run(); });
}

void Shard::stop() {
  if (!thread_.joinable()) return;
  work_.reset();
  io_.stop();
  thread_.join();
}

// --- connecting -----------------------------------------------------------------------------

void Shard::connect_all(double rate, std::function<void(ConnectResult)> done) {
  asio::post(io_, [this, rate, done = std::move(done)]() mutable {
    connect_done_ = std::move(done);
    connect_rate_ = rate;
    connect_started_ = Clock::now();
    unresolved_ = phones_.size();
    connect_tick();
  });
}

void Shard::connect_tick() {
  if (unresolved_ == 0) {
    auto done = std::move(connect_done_);
    connect_done_ = nullptr;
    if (done) done(connect_result_);
    return;
  }
  const auto now = Clock::now();
  const int inflight = std::max(1, options_.connect_inflight / std::max(1, options_.threads));
  // Retries first, so that a phone that failed is not starved by new ones.
  for (auto it = retries_.begin(); it != retries_.end() && opening_ < inflight;) {
    if (it->due <= now) {
      open_socket(it->phone, it->slot);
      it = retries_.erase(it);
    } else {
      ++it;
    }
  }
  const double elapsed = std::chrono::duration<double>(now - connect_started_).count();
  const auto allowed = static_cast<std::size_t>(elapsed * connect_rate_) + 1;
  while (next_to_connect_ < phones_.size() && next_to_connect_ < allowed && opening_ < inflight) {
    open_socket(static_cast<std::uint32_t>(next_to_connect_++), 0);
  }
  connect_timer_.expires_after(connect_tick_period);
  connect_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) connect_tick();
  });
}

void Shard::open_socket(std::uint32_t local, std::uint8_t slot) {
  ++opening_;
  // A second connection of a phone says it is the same device.
  const std::string device = slot == 0 ? std::string() : socket(local, 0).device();
  socket(local, slot).open(target_, phones_[local].source, device);
}

void Shard::on_open(std::uint32_t local, std::uint8_t slot, bool ok) {
  --opening_;
  Phone& phone = phones_[local];
  if (ok) {
    if (slot + 1 < conns_per_phone_) return open_socket(local, static_cast<std::uint8_t>(slot + 1));
    return resolve_phone(local, true);
  }
  if (++phone.attempts < options_.connect_attempts) {
    ++connect_result_.retries;
    retries_.push_back({Clock::now() + retry_backoff(phone.attempts), local, slot});
    return;
  }
  resolve_phone(local, false);
}

void Shard::resolve_phone(std::uint32_t local, bool ok) {
  Phone& phone = phones_[local];
  phone.resolved = true;
  phone.connected = ok;
  ++(ok ? connect_result_.connected : connect_result_.failed);
  --unresolved_;
}

void Shard::on_lost(std::uint32_t local, std::uint8_t slot) {
  Phone& phone = phones_[local];
  if (closing_all_) {
    if (--closing_ == 0 && close_done_) {
      auto done = std::move(close_done_);
      close_done_ = nullptr;
      done(lost_);
    }
    return;
  }
  ++lost_;
  if (watch_done_ && phone.connected && phone.poll_seen != watched_poll_) {
    --watch_pending_;
    finish_watch_if_done();
  }
  phone.connected = false;
  // Votes sent on this connection will get no reply; the server may still have counted them.
  const auto dropped = std::remove_if(phone.pending.begin(), phone.pending.end(),
                                      [slot](const Pending& p) { return p.slot == slot; });
  const auto lost_votes = static_cast<std::uint64_t>(phone.pending.end() - dropped);
  if (lost_votes > 0) {
    phone.pending.erase(dropped, phone.pending.end());
    phone.may_count = true;
    wave_.errors += lost_votes;
    wave_.error_codes["connection_lost"] += lost_votes;
    outstanding_ -= lost_votes;
    finish_wave_if_done();
  }
}

// --- a new poll reaching the phones ---------------------------------------------------------

void Shard::watch_poll(std::string poll, Clock::time_point since,
                       std::function<void(FanoutResult)> done) {
  asio::post(io_, [this, poll = std::move(poll), since, done = std::move(done)]() mutable {
    watched_poll_ = std::move(poll);
    watch_since_ = since;
    watch_done_ = std::move(done);
    watch_pending_ = static_cast<std::size_t>(
        std::count_if(phones_.begin(), phones_.end(), [this](const Phone& phone) {
          return phone.connected && phone.poll_seen != watched_poll_;
        }));
    finish_watch_if_done();
  });
}

void Shard::stop_watching() {
  asio::post(io_, [this] { complete_watch(); });
}

void Shard::finish_watch_if_done() {
  if (watch_done_ && watch_pending_ == 0) complete_watch();
}

void Shard::complete_watch() {
  if (!watch_done_) return;
  FanoutResult result;
  for (const Phone& phone : phones_) {
    if (!phone.connected) continue;
    if (phone.poll_seen == watched_poll_) {
      result.delays_ms.push_back(std::max(0.0f, to_ms(phone.poll_seen_at - watch_since_)));
    } else {
      ++result.missing;
    }
  }
  auto done = std::move(watch_done_);
  watch_done_ = nullptr;
  done(std::move(result));
}

// --- a wave of votes ------------------------------------------------------------------------

void Shard::start_wave(WavePlan plan, std::function<void()> done) {
  asio::post(io_, [this, plan = std::move(plan), done = std::move(done)]() mutable {
    plan_ = std::move(plan);
    wave_done_ = std::move(done);
    wave_ = WaveResult{};
    counted_by_entry_.assign(plan_.entries.size(), 0);
    for (Phone& phone : phones_) {
      phone.sent = false;
      phone.may_count = false;
      phone.pending.clear();
    }
    vote_prefix_ = R"({"type":"vote","poll":")" + plan_.poll + R"(","id":"v)";
    total_sends_ = phones_.size() * static_cast<std::size_t>(plan_.copies);
    cursor_ = 0;
    outstanding_ = 0;
    wave_running_ = true;
    wave_started_ = Clock::now();
    send_tick();
  });
}

void Shard::send_tick() {
  if (!wave_running_) return;
  std::size_t due = total_sends_;
  if (plan_.rate > 0) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - wave_started_).count();
    due = std::min(total_sends_, static_cast<std::size_t>(elapsed * plan_.rate) + 1);
  }
  // Copy-major order: every phone sends its first copy before any phone sends its second.
  for (std::size_t n = 0; cursor_ < due && n < send_batch; ++cursor_, ++n) {
    send_one(static_cast<std::uint32_t>(cursor_ % phones_.size()),
             static_cast<int>(cursor_ / phones_.size()));
  }
  if (cursor_ < total_sends_) {
    if (cursor_ < due) {
      asio::post(io_, [this] { send_tick(); });
    } else {
      const auto next =
          wave_started_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                              static_cast<double>(cursor_) / plan_.rate));
      // At least a millisecond between turns: at 10,000 votes/s per shard a timer per vote
      // would cost the bench more than the sends; the rate holds, in 1 ms steps.
      send_timer_.expires_at(std::max(next, Clock::now() + std::chrono::milliseconds(1)));
      send_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) send_tick();
      });
    }
  }
  finish_wave_if_done();
}

void Shard::send_one(std::uint32_t local, int copy) {
  Phone& phone = phones_[local];
  if (!phone.connected) return;
  auto slot = static_cast<std::uint8_t>(copy % conns_per_phone_);
  if (!socket(local, slot).is_open())
    slot = static_cast<std::uint8_t>((slot + 1) % conns_per_phone_);
  PhoneSocket& link = socket(local, slot);
  if (!link.is_open()) return;

  const std::uint32_t seq = phone.next_seq++;
  const std::string& choice =
      plan_.entries[(phone.number + plan_.poll_number) % plan_.entries.size()];
  std::string text;
  text.reserve(vote_prefix_.size() + choice.size() + 24);
  text += vote_prefix_;
  text += std::to_string(seq);
  text += R"(","choice":")";
  text += choice;
  text += "\"}";

  const auto now = Clock::now();
  if (!phone.sent) {
    phone.sent = true;
    phone.first_send = now;
  }
  if (!wave_.first_send) wave_.first_send = now;
  phone.pending.push_back({seq, slot, now});
  ++wave_.sent;
  ++outstanding_;
  link.send(std::move(text));
}

void Shard::on_message(std::uint32_t local, std::uint8_t, const TopLevel& message) {
  Phone& phone = phones_[local];
  if (message.type == "state") {
    // "poll" is the open poll's object, or null: its own top level holds the id.
    const std::string_view open = message.poll.empty() || message.poll == "null"
                                      ? std::string_view()
                                      : scan_top_level(message.poll).id;
    if (open != phone.poll_seen) {
      phone.poll_seen.assign(open);
      phone.poll_seen_at = Clock::now();
      if (watch_done_ && phone.connected && phone.poll_seen == watched_poll_) {
        --watch_pending_;
        finish_watch_if_done();
      }
    }
    return;
  }
  const bool ack = message.type == "ack";
  if (!ack && message.type != "error") return;  // pong, tally, ...
  if (message.id.size() < 2 || message.id[0] != 'v') {
    // An error about no request of ours (e.g. rate_limited without an id).
    ++wave_.errors;
    ++wave_.error_codes[std::string(message.code) + " (no id)"];
    return;
  }
  std::uint32_t seq = 0;
  std::from_chars(message.id.data() + 1, message.id.data() + message.id.size(), seq);
  const auto it = std::find_if(phone.pending.begin(), phone.pending.end(),
                               [seq](const Pending& p) { return p.seq == seq; });
  if (it == phone.pending.end()) {
    ++late_replies_;
    return;
  }
  const auto now = Clock::now();
  const auto sent_at = it->sent_at;
  *it = phone.pending.back();
  phone.pending.pop_back();
  --outstanding_;
  wave_.last_reply = now;
  if (ack) {
    ++wave_.acked;
    phone.may_count = true;
    wave_.ack_ms.push_back(to_ms(now - sent_at));
    if (message.counted == "true") {
      ++wave_.counted;
      ++counted_by_entry_[(phone.number + plan_.poll_number) % plan_.entries.size()];
      wave_.times.counted_acks.push_back(now);
    } else {
      ++wave_.duplicates;
    }
  } else {
    ++wave_.errors;
    ++wave_.error_codes[std::string(message.code)];
  }
  finish_wave_if_done();
}

void Shard::end_wave() {
  asio::post(io_, [this] {
    if (!wave_running_) return;
    cursor_ = total_sends_;
    send_timer_.cancel();
    for (Phone& phone : phones_) {
      if (phone.pending.empty()) continue;
      phone.may_count = true;  // unanswered: the server may have counted it
      wave_.errors += phone.pending.size();
      wave_.error_codes["no_reply"] += phone.pending.size();
      phone.pending.clear();
    }
    outstanding_ = 0;
    finish_wave_if_done();
  });
}

void Shard::finish_wave_if_done() {
  if (!wave_running_ || cursor_ < total_sends_ || outstanding_ != 0) return;
  wave_running_ = false;
  for (const Phone& phone : phones_) {
    if (phone.sent && phone.may_count) wave_.times.first_sends.push_back(phone.first_send);
  }
  for (std::size_t i = 0; i < plan_.entries.size(); ++i) {
    if (counted_by_entry_[i] > 0) wave_.counted_by_choice[plan_.entries[i]] = counted_by_entry_[i];
  }
  if (auto done = std::move(wave_done_)) {
    wave_done_ = nullptr;
    done();
  }
}

void Shard::take_wave(std::function<void(WaveResult)> done) {
  asio::post(io_, [this, done = std::move(done)] {
    wave_.late_replies = late_replies_;
    late_replies_ = 0;
    done(std::move(wave_));
    wave_ = WaveResult{};
  });
}

// --- closing --------------------------------------------------------------------------------

void Shard::close_all(std::function<void(std::uint64_t)> done) {
  asio::post(io_, [this, done = std::move(done)]() mutable {
    closing_all_ = true;
    close_done_ = std::move(done);
    closing_ = 0;
    for (auto& link : sockets_) {
      if (link->is_open()) ++closing_;
    }
    if (closing_ == 0) {
      auto finished = std::move(close_done_);
      close_done_ = nullptr;
      finished(lost_);
      return;
    }
    for (auto& link : sockets_) link->close();
  });
}

}  // namespace stagevote::bench
