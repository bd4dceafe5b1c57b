// Flush-to-zero for the duration of a scope, on the calling thread: float32 results below 2^-126
// become +-0 (FTZ) and such inputs read as zero (DAZ). The one subnormal policy of the engine,
// on every CPU: the encoder's Gaussian tails and the DARK blur (decode.cc) run under it.
// Subnormal arithmetic costs a microcode assist of ~100 cycles per operation on x86; a Gaussian's
// tails would otherwise hit it for most pixels. Every SIMD path and the scalar path run under the
// same mode, so they agree. x86-64: MXCSR FTZ and DAZ; AArch64: FPCR.FZ.
#pragma once

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
#endif

namespace coordconv {

class FlushSubnormals {
 public:
#if defined(__x86_64__) || defined(_M_X64)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFtz | kDaz); }
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  static constexpr unsigned kFtz = 0x8000;  // MXCSR bit 15
  static constexpr unsigned kDaz = 0x0040;  // MXCSR bit 6
  unsigned saved_;
#elif defined(__aarch64__)
  // FPCR.FZ (bit 24) flushes subnormal inputs and results alike.
  FlushSubnormals() : saved_(__builtin_aarch64_get_fpcr()) { __builtin_aarch64_set_fpcr(saved_ | kFz); }
  ~FlushSubnormals() { __builtin_aarch64_set_fpcr(saved_); }

 private:
  static constexpr unsigned kFz = 1u << 24;
  unsigned saved_;
#else
  FlushSubnormals() = default;
#endif
  FlushSubnormals(const FlushSubnormals&) = delete;
  FlushSubnormals& operator=(const FlushSubnormals&) = delete;
};

}  // namespace coordconv
