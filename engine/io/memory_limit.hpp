#pragma once
// Refusing work that cannot fit in memory, before it starts: one clear error with the estimate,
// what the machine has, and how to proceed, instead of an out-of-memory kill hours later.

#include <cstdint>
#include <string_view>

namespace covsim::io {

// Physical memory of this machine in bytes (sysconf); 0 when unknown.
std::uint64_t physical_memory_bytes() noexcept;

// Throws covsim::Error(limit) when `bytes` exceed 80 % of the physical memory:
//   "<what> needs about X GB of memory; this machine has Y GB. <advice>"
void check_memory(std::uint64_t bytes, std::string_view what, std::string_view advice);

// A resolution that would bring `bytes` at `resolution_m` within 80 % of the physical memory,
// rounded up to 1, 2 or 5 times a power of ten (memory scales with 1 / resolution²).
double coarser_resolution_m(std::uint64_t bytes, double resolution_m) noexcept;

} // namespace covsim::io
