// How far ahead of a streaming scan the kernels ask for cache lines (simd_generic.h's
// prefetch_ahead), chosen once for the CPU the library runs on (prefetch.cc gives the figures
// behind it): 768 bytes on AMD, 2 KiB elsewhere.
#pragma once

#include <cstddef>

namespace coordconv {

extern const size_t kPrefetchBytes;

}  // namespace coordconv
