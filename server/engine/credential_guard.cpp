#include "engine/credential_guard.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iostream>

namespace stagevote::engine {

namespace {

// `text` as 16 bytes (IPv4 mapped into IPv6); nullopt if it is not an address.
std::optional<std::array<std::uint8_t, 16>> address_bytes(std::string_view text, bool* v4) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string copy(text);
  std::array<std::uint8_t, 16> bytes{};
  in_addr a4{};
  if (::inet_pton(AF_INET, copy.c_str(), &a4) == 1) {
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &a4, 4);
    if (v4) *v4 = true;
    return bytes;
  }
  in6_addr a6{};
  if (::inet_pton(AF_INET6, copy.c_str(), &a6) == 1) {
    std::memcpy(bytes.data(), &a6, 16);
    if (v4) *v4 = false;
    return bytes;
  }
  return std::nullopt;
}

bool same_prefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                 int prefix) {
  for (int i = 0; i < 16 && prefix > 0; ++i, prefix -= 8) {
    const int bits = std::min(prefix, 8);
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

const Network& loopback_v4() {
  static const Network network = *Network::parse("127.0.0.0/8");
  return network;
}

const Network& loopback_v6() {
  static const Network network = *Network::parse("::1");
  return network;
}

}  // namespace

std::optional<Network> Network::parse(std::string_view text) {
  const auto slash = text.find('/');
  bool v4 = false;
  const auto bytes = address_bytes(text.substr(0, slash), &v4);
  if (!bytes) return std::nullopt;
  Network network;
  network.bytes = *bytes;
  const int width = v4 ? 32 : 128;
  int prefix = width;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > width) {
      return std::nullopt;
    }
  }
  network.prefix = prefix + (v4 ? 96 : 0);
  return network;
}

bool Network::contains(std::string_view address) const {
  const auto peer = address_bytes(address, nullptr);
  return peer && same_prefix(bytes, *peer, prefix);
}

bool is_loopback(std::string_view address) {
  return loopback_v4().contains(address) || loopback_v6().contains(address);
}

CredentialGuard::CredentialGuard(const Clock& clock, std::vector<Network> host_from,
                                 GuardPolicy policy, std::function<void(const std::string&)> log)
    : clock_(clock), host_from_(std::move(host_from)), policy_(policy), log_(std::move(log)) {
  if (!log_) log_ = [](const std::string& line) { std::cerr << line << std::endl; };
}

bool CredentialGuard::host_allowed(std::string_view address) const {
  if (is_loopback(address)) return true;
  return std::any_of(host_from_.begin(), host_from_.end(),
                     [&](const Network& network) { return network.contains(address); });
}

std::optional<core::Millis> CredentialGuard::wait(std::string_view address) {
  const core::Millis now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto it = addresses_.find(std::string(address));
  if (it == addresses_.end() || it->second.slowed_until <= now) return std::nullopt;
  return it->second.slowed_until - now;
}

void CredentialGuard::failed(std::string_view address, std::string_view what) {
  const core::Millis now = clock_.now();
  std::string line;
  {
    std::lock_guard lock(mutex_);
    bound(now);
    Entry& entry = addresses_[std::string(address)];
    // Quiet long enough: it starts again with its free tries.
    if (entry.last != 0 && entry.last + policy_.forget_after <= now) entry = Entry{};
    entry.last = std::max(now, entry.slowed_until);
    if (++entry.failures < policy_.free_failures) return;
    const core::Millis before = entry.wait;
    entry.wait = before == 0 ? policy_.first_wait : std::min(before * 2, policy_.longest_wait);
    entry.slowed_until = now + entry.wait;
    entry.last = entry.slowed_until;
    if (entry.wait == before) return;  // at the longest wait: said already
    line = "stagevote: " + std::to_string(entry.failures) + " wrong credentials from " +
           std::string(address) + " (last: " + std::string(what) + "): its next try waits " +
           std::to_string(entry.wait / 1000) + " s" +
           (entry.wait == policy_.longest_wait ? " (the longest wait)" : "");
  }
  log_(line);
}

void CredentialGuard::forbidden(std::string_view address) {
  const core::Millis now = clock_.now();
  long count = 0;
  {
    std::lock_guard lock(mutex_);
    bound(now);
    Entry& entry = addresses_[std::string(address)];
    entry.last = std::max(entry.last, now);
    count = ++entry.forbidden;
  }
  if ((count & (count - 1)) != 0) return;  // not a power of two: said already
  log_("stagevote: refused the host role to " + std::string(address) + " (" +
       std::to_string(count) + (count == 1 ? " time" : " times") +
       "): it is neither loopback nor in --host-from");
}

void CredentialGuard::succeeded(std::string_view address) {
  std::lock_guard lock(mutex_);
  addresses_.erase(std::string(address));
}

long CredentialGuard::slowed_addresses() const {
  const core::Millis now = clock_.now();
  std::lock_guard lock(mutex_);
  return static_cast<long>(std::count_if(addresses_.begin(), addresses_.end(), [&](const auto& e) {
    return e.second.wait > 0 && e.second.last + policy_.forget_after > now;
  }));
}

void CredentialGuard::bound(core::Millis now) {
  if (addresses_.size() < policy_.max_addresses) return;
  // Forget the quiet ones; if all are recent, the quietest.
  std::erase_if(addresses_,
                [&](const auto& e) { return e.second.last + policy_.forget_after <= now; });
  if (addresses_.size() < policy_.max_addresses) return;
  const auto first =
      std::min_element(addresses_.begin(), addresses_.end(),
                       [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
  addresses_.erase(first);
}

}  // namespace stagevote::engine
