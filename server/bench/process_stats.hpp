#pragma once
// A process's resident memory and CPU time, read from /proc (same machine only). CPU time
// per vote says what a vote costs whatever else the machine is doing; wall-clock rates do not.
#include <cstdint>
#include <optional>

namespace stagevote::bench {

// VmRSS in KiB, or nothing when the process cannot be read.
std::optional<std::uint64_t> resident_kib(int pid);

// User plus system CPU seconds the process has used so far, or nothing.
std::optional<double> cpu_seconds(int pid);

// The same for this process.
double own_cpu_seconds();

}  // namespace stagevote::bench
