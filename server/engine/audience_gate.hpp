#pragma once
// Who may join as the audience, and what the organisers see of it (docs/protocol.md,
// "Admission"; the host console's integrity panel, GET /api/integrity).
//
// Every audience hello passes here with its source address:
//  - open:   a device token per browser; a new identity counts against its address's cap
//            (identities per window), and every connection against the address's and the
//            hall's connection caps. Judges, hosts and displays never count: they always get in.
//  - code:   as open, and a new identity also needs the join code the venue screen shows. The
//            code is derived from a stored secret and the time slot (HMAC), so it survives a
//            restart and needs no writes; the previous code is still taken for a grace period.
//  - ticket: the hello carries a seat ticket's code; its SHA-256 names a ticket of the show,
//            and the ticket, not the phone, is the voter.
// A wrong code or ticket is `unauthorized`, and an address that keeps guessing is slowed
// (`rate_limited`, exponential). Every refusal is counted by reason and address.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/show.hpp"
#include "engine/clock.hpp"
#include "engine/credentials.hpp"
#include "engine/engine.hpp"
#include "protocol/api.hpp"
#include "protocol/requests.hpp"
#include "store/store.hpp"

namespace stagevote::engine {

// The server's flags over the scheme's caps (`--audience-per-address` etc.); nullopt: the
// scheme's. `max_audience`: audience connections in all (0: no cap).
struct AudienceLimits {
  std::optional<int> identities_per_address;
  std::optional<int> connections_per_address;
  long max_audience = 0;
  std::optional<int> alert_identities_per_minute;
};

using protocol::IntegrityPanel;

class AudienceGate {
 public:
  // Reads (or makes and stores) the join code secret. Writes SQLite synchronously: call it
  // at start-up.
  AudienceGate(store::Store& store, const Engine& engine, const Credentials& credentials,
               AudienceLimits limits);

  struct Admitted {
    std::string device;  // the device token the phone keeps
    std::string actor;   // who votes: the device's pseudonym, or the ticket's voter
  };
  // An audience hello from `address`: admitted (and counted until leave()), or the refusal.
  std::variant<Admitted, core::Error> admit(const protocol::HelloRequest& hello,
                                            std::string_view address);
  void leave(std::string_view actor, std::string_view address);

  // The join code in force (code mode), and when it next changes.
  struct JoinCode {
    std::string code;
    core::Millis changes_at = 0;
  };
  JoinCode join_code(core::Millis now) const;
  // Changes every code period: when it does, displays need a new state.
  std::int64_t code_slot(core::Millis now) const;

  // Every second (the ticker): votes per minute in the open poll.
  void sample(core::Millis now);
  IntegrityPanel panel(core::Millis now);

  // Fills in a close_poll's refusals: those counted while the poll was open. The engine calls
  // it with every command before validating it (Engine::set_annotator).
  void annotate(core::Command& command);

 private:
  struct PerAddress {
    long connections = 0;
    // When each new identity was made, in the window: a few at most (the cap), so a vector;
    // an empty std::deque would allocate ~600 bytes for every address in the hall.
    std::vector<core::Millis> identities;
    long refusals = 0;
    int failures = 0;  // wrong codes or tickets in a row
    core::Millis slowed_until = 0;
  };
  core::AudiencePolicy policy() const;  // the committed contest's, with the flags over it
  std::string code_for(std::int64_t slot, int digits) const;
  bool code_matches(std::string_view code, core::Millis now,
                    const core::AudiencePolicy& policy) const;
  core::Error refuse(PerAddress& entry, const std::string& open_poll, core::ErrorCode code,
                     std::string message);
  // Under mutex_: whether an address has nothing left to remember; forgetting those when the
  // table is large.
  static bool idle(const PerAddress& entry, core::Millis now, core::Millis window);
  core::Millis window_ms() const;
  void bound_addresses(core::Millis now);
  // Under mutex_: the panel's record of new identities keeps its last kPanelMinutes only,
  // whether or not anyone reads the panel.
  void forget_old_identities(core::Millis now);

  const Engine& engine_;
  const Credentials& credentials_;
  const AudienceLimits limits_;
  std::string code_secret_;

  mutable std::mutex mutex_;  // guards everything below
  std::unordered_map<std::string, PerAddress> addresses_;
  std::unordered_map<std::string, long> identities_;  // connected actor -> connections
  long connections_ = 0;
  std::map<std::string, long> refusals_;  // by reason, since the start
  std::map<std::string, std::map<std::string, long>> refusals_by_poll_;  // while it was open
  std::deque<core::Millis> new_identities_;                              // the last 10 minutes
  std::deque<std::pair<core::Millis, long>> poll_samples_;  // (time, open poll total), a minute
  std::string sampled_poll_;
};

}  // namespace stagevote::engine
