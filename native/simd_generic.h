// The SIMD helpers and kernels that are the same on every ISA but for the vector type and a few
// intrinsics: written once here over a small set of per-ISA primitives, in the way simdjson
// writes its generic code once and includes it inside each implementation's namespace.
//
// No #pragma once, on purpose: kernels_avx2.cc, kernels_avx512.cc and kernels_neon.cc each
// include this file inside their own namespace (coordconv::avx2, ::avx512, ::neon), after their
// primitives, so every function here exists once per ISA, compiled with that unit's target flags
// and with its own mangled name. Shared inline functions would instead be merged by the linker
// across units built for different instruction sets (an ODR violation that can run AVX-512 code
// on the AVX2 path). Include no standard header from here: this text lands inside a namespace.
//
// The primitives, besides those exp_approx.h lists (F, M, splat, add, sub, mul, ge, zero_unless,
// pow2):
//   kLanes                      floats in F
//   iota() -> F                 lane i holds float(i)
//   neg(F) -> F                 -v, exact (sign flip)
//   load(p) -> F                kLanes floats
//   load_first(p, left) -> F    the first min(left, kLanes) floats, +0 in the other lanes; reads
//                               nothing past them
//   store_first(p, F, left)     writes the first min(left, kLanes) lanes
//   first(left) -> M            true in the first min(left, kLanes) lanes
//   D, splat_d(double) -> D     a double vector of kLanes / 2 lanes
//   add/mul(D, D) -> D
//   widen_lo(F), widen_hi(F) -> D   the low / high half of the lanes, converted to double
//   index_d() -> D              lane i holds double(i)
//   reduce(D) -> double         the sum of the lanes, in the ISA's fixed order

#include "exp_approx.h"

// Asks for the cache lines 2 KiB ahead of a streaming scan. The hardware prefetchers stop at page
// boundaries and the scans leave too few loads in flight to hide memory latency on their own, so
// without this a plane-by-plane scan of a batch larger than the caches runs at about 0.7x of a
// plain read of the same bytes (bench/: the roofline sweep); with it, at about 1.0x. A prefetch
// never faults and changes no result, so it may run past the end of the plane.
constexpr size_t kPrefetchBytes = 2048;
inline void prefetch_ahead(const void* p, size_t lines) {
  const char* c = static_cast<const char*>(p) + kPrefetchBytes;
  for (size_t l = 0; l < lines; ++l) __builtin_prefetch(c + 64 * l, 0, 3);  // read, keep in all levels
}

// Records the non-zero elements flagged in mask (bit j: element base + j) in a one-hot scan.
inline void note_nonzero(uint64_t mask, size_t base, uint64_t* nonzero, uint64_t* first) {
  if (*nonzero == 0) *first = base + static_cast<size_t>(__builtin_ctzll(mask));
  *nonzero += static_cast<uint64_t>(__builtin_popcountll(mask));
}

// The elements p[i..end) one at a time, until two non-zero ones have been seen (NaN counts).
template <typename T>
inline void note_nonzero_each(const T* p, size_t i, size_t end, uint64_t* nonzero, uint64_t* first) {
  for (; i < end && *nonzero < 2; ++i) {
    if (p[i] != T(0)) note_nonzero(1, i, nonzero, first);
  }
}

inline void gauss_f32(float* out, size_t n, float offset, float scale) {
  const F lane = iota(), off = splat(offset), sc = splat(scale);
  for (size_t i = 0; i < n; i += kLanes) {
    // float(i) + lane is exact: sides stay below 2^24.
    const F u = mul(add(add(splat(static_cast<float>(i)), lane), off), sc);
    store_first(out + i, exp_approx(neg(mul(u, u))), n - i);
  }
}

// sums[0] += sum of w[i], sums[1] += sum of w[i] * i over the row, in double, with w = weight(v)
// for each vector v of the row (the lanes past n weigh 0). Each lane keeps its own partial sums
// (two vectors, so that the adds of one step do not wait on each other), reduced at the end.
template <typename Weight>
inline void weighted_sums(const float* p, size_t n, Weight weight, double* sums) {
  const D half = splat_d(static_cast<double>(kLanes / 2));
  D s_lo = splat_d(0.0), s_hi = s_lo, sx_lo = s_lo, sx_hi = s_lo;
  D idx = index_d();  // the indices of the low half; the high half is idx + half
  const auto accumulate = [&](F w) {
    const D lo = widen_lo(w), hi = widen_hi(w), idx_hi = add(idx, half);
    s_lo = add(s_lo, lo);
    s_hi = add(s_hi, hi);
    sx_lo = add(sx_lo, mul(lo, idx));
    sx_hi = add(sx_hi, mul(hi, idx_hi));
    idx = add(idx_hi, half);
  };
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) accumulate(weight(load(p + i)));
  if (i < n) accumulate(zero_unless(first(n - i), weight(load_first(p + i, n - i))));
  sums[0] += reduce(add(s_lo, s_hi));
  sums[1] += reduce(add(sx_lo, sx_hi));
}

inline void centroid_row_f32(const float* p, size_t n, float cut, double* sums) {
  const F c = splat(cut);
  weighted_sums(p, n, [c](F v) { return zero_unless(ge(v, c), v); }, sums);
}

inline void softmax_row_f32(const float* p, size_t n, float max, float beta, double* sums) {
  const F m = splat(max), b = splat(beta);
  weighted_sums(p, n, [m, b](F v) { return exp_approx(mul(b, sub(v, m))); }, sums);
}
