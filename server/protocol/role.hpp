#pragma once
// Who is at the other end of a connection, as its hello names it.
#include <optional>
#include <string_view>

namespace stagevote::protocol {

enum class Role { audience, judge, host, display };
inline constexpr std::size_t kRoles = 4;

const char* to_string(Role role) noexcept;
std::optional<Role> role_from_string(std::string_view name) noexcept;

// Displays and hosts: the screens the hall watches, served first.
constexpr bool is_screen(Role role) noexcept {
  return role == Role::display || role == Role::host;
}

}  // namespace stagevote::protocol
