#pragma once
// Who may try a credential, and how often (docs/reliability.md, "6d. Keys"):
//  - the host role only from loopback and the networks given by `--host-from CIDR`: a guess
//    at the host key from the venue Wi-Fi is refused before the key is looked at;
//  - wrong host keys, display keys and judge tokens are slowed per source address: after
//    kFreeFailures wrong tries the address waits 1 s, then 2, 4 ... up to a minute, and what it
//    sends meanwhile is refused (`rate_limited`) without being checked. A right credential
//    after the wait resets the address.
// Thread-safe: every network thread asks.
#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model.hpp"
#include "engine/clock.hpp"

namespace stagevote::engine {

// An IPv4 or IPv6 network ("192.168.1.0/24", "fd00::/64", or one address). IPv4 is kept as
// IPv4-mapped IPv6 (::ffff:a.b.c.d), so that a peer of a dual-stack listener matches too.
struct Network {
  std::array<std::uint8_t, 16> bytes{};
  int prefix = 128;  // of the 128 bits

  // nullopt if `text` is not an address with an optional /prefix.
  static std::optional<Network> parse(std::string_view text);
  bool contains(std::string_view address) const;
};

// Whether `address` (as the socket reports it) is 127.0.0.0/8, ::1 or ::ffff:127.x.y.z.
bool is_loopback(std::string_view address);

struct GuardPolicy {
  int free_failures = 5;                // wrong credentials before an address is slowed
  core::Millis first_wait = 1'000;      // then this, doubled at every further failure ...
  core::Millis longest_wait = 60'000;   // ... up to this
  core::Millis forget_after = 600'000;  // quiet this long after its wait: forgotten
  std::size_t max_addresses = 65'536;   // remembered at most (the quietest go first)
};

class CredentialGuard {
 public:
  // `log`: one line per address per doubling of its wait (default: stderr).
  CredentialGuard(const Clock& clock, std::vector<Network> host_from, GuardPolicy policy = {},
                  std::function<void(const std::string&)> log = {});

  // Whether a host may connect from `address`: loopback or --host-from.
  bool host_allowed(std::string_view address) const;

  // A host refused for its address: logged at its 1st, 2nd, 4th, 8th ... refusal.
  void forbidden(std::string_view address);

  // Before a credential from `address` is checked: nullopt to go ahead, else the
  // milliseconds it must still wait (the credential is then refused unchecked).
  std::optional<core::Millis> wait(std::string_view address);
  // After the check. `what`: "host key", "display key", "judge token" (for the log). Callers do not
  // count an empty credential: it is no guess.
  void failed(std::string_view address, std::string_view what);
  void succeeded(std::string_view address);

  // Addresses whose wrong credentials are being slowed now (the host console shows it).
  long slowed_addresses() const;

 private:
  struct Entry {
    int failures = 0;
    core::Millis wait = 0;          // the current wait (0: not slowed)
    core::Millis slowed_until = 0;  // refused unchecked until then
    core::Millis last = 0;          // the last failure, or the end of its wait if later
    long forbidden = 0;             // host hellos refused for the address
  };
  void bound(core::Millis now);  // under mutex_

  const Clock& clock_;
  const std::vector<Network> host_from_;
  const GuardPolicy policy_;
  std::function<void(const std::string&)> log_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> addresses_;
};

}  // namespace stagevote::engine
