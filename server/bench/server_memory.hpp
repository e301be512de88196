#pragma once
// The server's resident memory, read from /proc/<pid>/status (same machine only).
#include <cstdint>
#include <optional>

namespace stagevote::bench {

// VmRSS in KiB, or nothing when the process cannot be read.
std::optional<std::uint64_t> resident_kib(int pid);

}  // namespace stagevote::bench
