#pragma once
// The open-file limit: a phone is one socket, so tens of thousands of phones need the soft
// limit raised to the hard one.
#include <cstdint>

namespace stagevote::bench {

// Raises the soft RLIMIT_NOFILE to the hard limit and returns the new soft limit.
std::uint64_t raise_fd_limit();

}  // namespace stagevote::bench
