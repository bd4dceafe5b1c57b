// How far ahead of a streaming scan the kernels ask for cache lines (simd_generic.h's
// prefetch_ahead), chosen once for the CPU the library runs on.
#pragma once

#include <cstddef>
#include <string>

namespace coordconv {

// The distance for a CPU of this CPUID vendor string ("GenuineIntel", "AuthenticAMD", ...; empty
// where there is no CPUID). prefetch.cc gives the figures behind it.
size_t prefetch_bytes_for(const std::string& vendor);

// This CPU's vendor string, empty off x86-64.
std::string cpu_vendor();

// prefetch_bytes_for(cpu_vendor()), set before any kernel can run.
extern const size_t kPrefetchBytes;

}  // namespace coordconv
