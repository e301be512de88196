#pragma once
// A process's resident memory and CPU time, read from /proc (same machine only). CPU time
// per vote says what a vote costs whatever else the machine is doing; wall-clock rates do not.
#include <cstdint>
#include <optional>

namespace stagevote::bench {

// VmRSS in KiB, or nothing when the process cannot be read.
std::optional<std::uint64_t> resident_kib(int pid);

// CPU seconds a process has used so far. The kernel's part (system calls, the TCP stack, page
// faults) is kept apart: it is the floor no change to our own code can lower.
struct CpuTimes {
  double user_s = 0;
  double kernel_s = 0;
  double total() const noexcept { return user_s + kernel_s; }
};

// Another process's, or nothing when it cannot be read.
std::optional<CpuTimes> cpu_times(int pid);

// This process's.
CpuTimes own_cpu_times();

}  // namespace stagevote::bench
