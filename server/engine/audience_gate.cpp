#include "engine/audience_gate.hpp"

#include <algorithm>
#include <cstring>

#include "engine/secrets.hpp"

namespace stagevote::engine {

namespace {

using core::ErrorCode;

constexpr const char* kCodeSecretMeta = "join_code_secret";
constexpr core::Millis kMinute = 60'000;
constexpr int kPanelMinutes = 10;
// Wrong codes or tickets an address may send before it is slowed, and the longest wait.
constexpr int kFreeFailures = 5;
constexpr core::Millis kLongestWait = 300'000;
constexpr std::size_t kAddressesBeforeSweep = 65'536;

}  // namespace

AudienceGate::AudienceGate(store::Store& store, const Engine& engine,
                           const Credentials& credentials, AudienceLimits limits)
    : engine_(engine),
      credentials_(credentials),
      limits_(limits),
      code_secret_(stored_secret(store, kCodeSecretMeta)) {}

core::AudiencePolicy AudienceGate::policy() const {
  core::AudiencePolicy policy = engine_.contest()->audience;
  if (limits_.identities_per_address)
    policy.identities_per_address = *limits_.identities_per_address;
  if (limits_.connections_per_address) {
    policy.connections_per_address = *limits_.connections_per_address;
  }
  if (limits_.alert_identities_per_minute) {
    policy.alert_identities_per_minute = *limits_.alert_identities_per_minute;
  }
  return policy;
}

std::string AudienceGate::code_for(std::int64_t slot, int digits) const {
  char message[8];
  for (int i = 0; i < 8; ++i) message[i] = static_cast<char>(slot >> (56 - 8 * i));
  const std::string mac = hmac_sha256(code_secret_, std::string_view(message, sizeof message));
  std::uint64_t number = 0;
  std::memcpy(&number, mac.data(), sizeof number);
  std::uint64_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(number % modulus);
  code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  return code;
}

std::int64_t AudienceGate::code_slot(core::Millis now) const {
  return now / (static_cast<core::Millis>(policy().code_period_s) * 1000);
}

AudienceGate::JoinCode AudienceGate::join_code(core::Millis now) const {
  const core::AudiencePolicy p = policy();
  const core::Millis period = static_cast<core::Millis>(p.code_period_s) * 1000;
  const std::int64_t slot = now / period;
  return {code_for(slot, p.code_digits), (slot + 1) * period};
}

bool AudienceGate::code_matches(std::string_view code, core::Millis now,
                                const core::AudiencePolicy& p) const {
  const core::Millis period = static_cast<core::Millis>(p.code_period_s) * 1000;
  const std::int64_t slot = now / period;
  if (constant_time_equal(code, code_for(slot, p.code_digits))) return true;
  const bool in_grace = now - slot * period < static_cast<core::Millis>(p.code_grace_s) * 1000;
  return in_grace && constant_time_equal(code, code_for(slot - 1, p.code_digits));
}

core::Error AudienceGate::refuse(PerAddress& entry, const std::string& open_poll, ErrorCode code,
                                 std::string message) {
  const char* reason = core::to_string(code);
  ++refusals_[reason];
  if (!open_poll.empty()) ++refusals_by_poll_[open_poll][reason];
  ++entry.refusals;
  return core::make_error(code, std::move(message));
}

std::variant<AudienceGate::Admitted, core::Error> AudienceGate::admit(
    const protocol::HelloRequest& hello, std::string_view address) {
  const core::AudiencePolicy p = policy();
  const core::Millis now = engine_.clock().now();
  // What the file holds decides: the mode, and which tickets exist and are void.
  struct Seen {
    core::Admission mode;
    std::optional<core::Ticket> ticket;
    std::string open_poll;  // refusals are counted against it
  };
  const Seen seen = engine_.read([&](const core::Show& show) {
    Seen s{show.admission(), std::nullopt, show.open_poll() ? show.open_poll()->id : ""};
    if (s.mode == core::Admission::ticket && !hello.ticket.empty()) {
      if (const core::Ticket* ticket = show.ticket_by_hash(sha256_hex(hello.ticket))) {
        s.ticket = *ticket;
      }
    }
    return s;
  });
  const bool known_device = credentials_.is_device(hello.device);

  std::lock_guard lock(mutex_);
  bound_addresses(now);
  PerAddress& entry = addresses_[std::string(address)];
  if (entry.slowed_until > now) {
    return refuse(entry, seen.open_poll, ErrorCode::rate_limited,
                  "too many wrong codes from this address; try again in " +
                      std::to_string((entry.slowed_until - now + 999) / 1000) + " s");
  }
  if (p.connections_per_address > 0 && entry.connections >= p.connections_per_address) {
    return refuse(
        entry, seen.open_poll, ErrorCode::too_many,
        "too many phones from this address (" + std::to_string(entry.connections) + " connected)");
  }
  if (limits_.max_audience > 0 && connections_ >= limits_.max_audience) {
    return refuse(entry, seen.open_poll, ErrorCode::too_many, "the hall is full");
  }
  const auto failed = [&](std::string message) {
    // Guessing is slowed: after kFreeFailures wrong tries the address waits 1 s, then 2, 4 ...
    if (++entry.failures > kFreeFailures) {
      const int doublings = std::min(entry.failures - kFreeFailures - 1, 20);
      entry.slowed_until = now + std::min<core::Millis>(1000LL << doublings, kLongestWait);
    }
    return refuse(entry, seen.open_poll, ErrorCode::unauthorized, std::move(message));
  };

  Admitted admitted;
  if (seen.mode == core::Admission::ticket) {
    if (hello.ticket.empty()) {
      return refuse(entry, seen.open_poll, ErrorCode::unauthorized,
                    "this show takes seat tickets: scan yours");
    }
    if (!seen.ticket) return failed("unknown ticket");
    if (seen.ticket->voided) return failed("ticket " + seen.ticket->id + " is void");
    admitted.actor = core::ticket_voter(seen.ticket->id);
    admitted.device = known_device ? hello.device : credentials_.new_device();
  } else if (known_device) {
    admitted.device = hello.device;  // a returning phone: no code needed
    // The ledger names the phone by its pseudonym: the token is a credential.
    admitted.actor = credentials_.voter(admitted.device);
  } else {
    if (seen.mode == core::Admission::code) {
      if (hello.code.empty()) {
        return refuse(entry, seen.open_poll, ErrorCode::unauthorized,
                      "enter the join code shown on the screen");
      }
      if (!code_matches(hello.code, now, p)) return failed("wrong or expired join code");
    }
    const core::Millis window = static_cast<core::Millis>(p.identity_window_s) * 1000;
    std::erase_if(entry.identities, [&](core::Millis at) { return at <= now - window; });
    if (p.identities_per_address > 0 &&
        static_cast<long>(entry.identities.size()) >= p.identities_per_address) {
      return refuse(entry, seen.open_poll, ErrorCode::too_many,
                    "this address has made " + std::to_string(entry.identities.size()) +
                        " audience identities in the last " +
                        std::to_string(p.identity_window_s / 60) + " minutes");
    }
    entry.identities.push_back(now);
    forget_old_identities(now);
    new_identities_.push_back(now);
    admitted.device = credentials_.new_device();
    admitted.actor = credentials_.voter(admitted.device);
  }
  entry.failures = 0;
  ++entry.connections;
  ++connections_;
  ++identities_[admitted.actor];
  return admitted;
}

void AudienceGate::leave(std::string_view actor, std::string_view address) {
  std::lock_guard lock(mutex_);
  --connections_;
  if (auto it = identities_.find(std::string(actor));
      it != identities_.end() && --it->second <= 0) {
    identities_.erase(it);
  }
  const auto it = addresses_.find(std::string(address));
  if (it == addresses_.end()) return;
  --it->second.connections;
  if (idle(it->second, engine_.clock().now(), window_ms())) addresses_.erase(it);
}

core::Millis AudienceGate::window_ms() const {
  return static_cast<core::Millis>(policy().identity_window_s) * 1000;
}

bool AudienceGate::idle(const PerAddress& e, core::Millis now, core::Millis window) {
  const bool recent = !e.identities.empty() && e.identities.back() > now - window;
  return e.connections <= 0 && !recent && e.slowed_until <= now && e.failures == 0;
}

void AudienceGate::forget_old_identities(core::Millis now) {
  while (!new_identities_.empty() && new_identities_.front() <= now - kPanelMinutes * kMinute) {
    new_identities_.pop_front();
  }
}

void AudienceGate::bound_addresses(core::Millis now) {
  // Addresses that were only ever refused are not forgotten by leave(): sweep them out when
  // the table grows large (an attacker with many addresses), so it stays bounded.
  if (addresses_.size() < kAddressesBeforeSweep) return;
  const core::Millis window = window_ms();
  std::erase_if(addresses_, [&](const auto& item) { return idle(item.second, now, window); });
}

void AudienceGate::sample(core::Millis now) {
  const auto [poll, total] = engine_.read([](const core::Show& show) {
    const core::Poll* open = show.open_poll();
    return open ? std::pair{open->id, open->total} : std::pair{std::string(), 0L};
  });
  std::lock_guard lock(mutex_);
  if (poll != sampled_poll_) {
    poll_samples_.clear();
    sampled_poll_ = poll;
  }
  if (poll.empty()) return;
  poll_samples_.emplace_back(now, total);
  while (poll_samples_.size() > 1 && poll_samples_.front().first < now - kMinute) {
    poll_samples_.pop_front();
  }
}

IntegrityPanel AudienceGate::panel(core::Millis now) {
  const core::AudiencePolicy p = policy();
  IntegrityPanel out;
  out.mode = engine_.read([](const core::Show& show) { return show.admission(); });
  out.identities_per_address = p.identities_per_address;
  out.identity_window_s = p.identity_window_s;
  out.connections_per_address = p.connections_per_address;
  out.max_audience = limits_.max_audience;

  std::lock_guard lock(mutex_);
  out.connections = connections_;
  out.identities = static_cast<long>(identities_.size());
  forget_old_identities(now);
  out.new_identities_per_minute.assign(kPanelMinutes, 0);
  for (const core::Millis at : new_identities_) {
    const auto minutes_ago = static_cast<int>((now - at) / kMinute);
    if (minutes_ago >= 0 && minutes_ago < kPanelMinutes) {
      ++out.new_identities_per_minute[kPanelMinutes - 1 - minutes_ago];
    }
  }
  if (!sampled_poll_.empty() && !poll_samples_.empty()) {
    const long total = poll_samples_.back().second;
    out.open_poll =
        IntegrityPanel::PollRate{sampled_poll_, total, total - poll_samples_.front().second};
  }
  for (const auto& [address, e] : addresses_) {
    out.busiest.push_back(
        {address, e.connections, static_cast<long>(e.identities.size()), e.refusals});
  }
  const auto activity = [](const IntegrityPanel::Address& a) {
    return a.connections + a.identities + a.refusals;
  };
  std::sort(out.busiest.begin(), out.busiest.end(),
            [&](const auto& a, const auto& b) { return activity(a) > activity(b); });
  if (out.busiest.size() > 10) out.busiest.resize(10);
  out.refusals = refusals_;

  const long identities_last_minute = out.new_identities_per_minute.back();
  if (identities_last_minute > p.alert_identities_per_minute) {
    out.alerts.push_back({"identities", identities_last_minute, p.alert_identities_per_minute});
  }
  if (out.open_poll && out.open_poll->last_minute > p.alert_votes_per_minute) {
    out.alerts.push_back({"votes", out.open_poll->last_minute, p.alert_votes_per_minute});
  }
  return out;
}

void AudienceGate::annotate(core::Command& command) {
  auto* close = std::get_if<core::ClosePoll>(&command);
  if (!close) return;
  std::lock_guard lock(mutex_);
  if (const auto it = refusals_by_poll_.find(close->poll); it != refusals_by_poll_.end()) {
    close->refusals = it->second;
  }
}

}  // namespace stagevote::engine
