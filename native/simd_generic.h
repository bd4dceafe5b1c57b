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
//   kConvRows                   output channels conv_tile_f32 keeps in registers at once
//   iota() -> F                 lane i holds float(i)
//   neg(F) -> F                 -v, exact (sign flip)
//   load(p) -> F, store(p, F)   kLanes floats
//   load_first(p, left) -> F    the first min(left, kLanes) floats, +0 in the other lanes; reads
//                               nothing past them
//   store_first(p, F, left)     writes the first min(left, kLanes) lanes
//   first(left) -> M            true in the first min(left, kLanes) lanes
//   fmadd(a, b, c) -> F         a * b + c, fused (one rounding, as std::fma)
//   max(a, b) -> F              the ISA's max instruction: alike on every ISA for non-NaN lanes
//                               but max(+0, -0) (x86 -0, NEON +0), which no caller minds: relu's b
//                               is +0, max_scaled_f32's values are >= +0, and argmax's negated
//                               indices read +0 and -0 as index 0 alike
//   greater_or(v, m) -> F       v > m ? v : m, lane by lane (the scalar rule: ties and NaN keep m)
//   eq(F, F), is_nan(F) -> M;  both(M, M) -> M (and);  select(M, a, b) -> F (a where the mask)
//   bits(M) -> uint32_t         bit j set when lane j of the mask is
//   D, splat_d(double) -> D     a double vector of kLanes / 2 lanes
//   add/mul(D, D) -> D
//   widen_lo(F), widen_hi(F) -> D   the low / high half of the lanes, converted to double
//   index_d() -> D              lane i holds double(i)
//   reduce(D) -> double         the sum of the lanes, in the ISA's fixed order
//   gt(F, F) -> M               a > b, ordered (false when either is NaN)
//   either(M, M) -> M           a or b
//   hmax(F) -> float            the largest lane (lanes not NaN)
//   load_f16(p) -> F            kLanes binary16 bit patterns, converted exactly (half.h's rule)
//   load_f16_first(p, left) -> F  the first min(left, kLanes) of them, +0 in the other lanes;
//                               reads nothing past them
//   load_u8(p) -> F             kLanes bytes, each widened to float (exact); reads nothing past them
//   reverse(F) -> F             the lanes in reverse order (lane i holds lane kLanes - 1 - i)
//   transpose_tile(src, stride, out, out_stride)
//                               out[i * out_stride + j] = src[j * stride + i], i, j < kLanes
//   append_indices(out, count, mask, base) -> size_t
//                               writes base + j for every bit j of mask at out[count...] in
//                               ascending order; returns count + the bits; may write up to
//                               kIndexSlack entries from out[count] on

#include "exp_approx.h"
#include "half.h"

// Asks for the cache lines kPrefetchBytes ahead of a streaming scan (prefetch.h: 2 KiB, 768 bytes
// on AMD). On the Xeon the hardware prefetchers stop at page boundaries and the scans leave too few
// loads in flight to hide memory latency on their own, so without this a plane-by-plane scan of a
// batch larger than the caches ran at about 0.7x of a plain read of the same bytes (bench/: the
// roofline sweep); with it, at about 1.0x. A prefetch never faults and changes no result, so it
// may run past the end of the plane.
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

// Runs body(i, left) over n floats a vector at a time: the full vectors with left = kLanes, then
// the rest once with left = n - i < kLanes. The body reads and writes through load_upto and
// store_upto, which are plain loads and stores on full vectors (body and helpers are inlined, so
// the test folds away) and touch no element past n on the last one.
template <typename Body>
inline void for_each_vector(size_t n, Body body) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) body(i, kLanes);
  if (i < n) body(i, n - i);
}
inline F load_upto(const float* p, size_t left) { return left >= kLanes ? load(p) : load_first(p, left); }
inline void store_upto(float* p, F v, size_t left) {
  if (left >= kLanes) {
    store(p, v);
  } else {
    store_first(p, v, left);
  }
}
// The low min(left, kLanes) bits, for a bits() mask on the last vector.
inline uint32_t low_bits(size_t left) {
  return left >= kLanes ? static_cast<uint32_t>((uint64_t(1) << kLanes) - 1) : (uint32_t(1) << left) - 1;
}

// A plane's elements as floats: float planes as they are, binary16 ones converted (in registers
// for whole vectors).
inline F load_plane(const float* p) { return load(p); }
inline F load_plane(const uint16_t* p) { return load_f16(p); }
inline float element(const float* p, size_t i) { return p[i]; }
inline float element(const uint16_t* p, size_t i) { return half_to_float(p[i]); }

// argmax_f32's rule (kernels.h) on p[i..end), one element at a time: false on a non-finite one.
template <typename T>
inline bool argmax_each(const T* p, size_t i, size_t end, float* best, size_t* index) {
  for (; i < end; ++i) {
    const float v = element(p, i);
    if (!__builtin_isfinite(v)) return false;
    if (v > *best) {
      *best = v;
      *index = i;
    }
  }
  return true;
}

// argmax_u8 from element i on, one byte at a time, given the maximum so far and its first index:
// the tail after the SIMD blocks. Stops at 255, which nothing passes.
inline ArgMax argmax_u8_rest(const uint8_t* p, size_t i, size_t n, uint8_t best, size_t index) {
  for (; i < n && best != 255; ++i) {
    if (p[i] > best) {
      best = p[i];
      index = i;
    }
  }
  return ArgMax{static_cast<float>(best), index, true};
}

// argmax_f32's rule on p[0, n) with no branch on the data. A block of four vectors is reduced to
// its lane-wise maximum; two blocks an iteration, each with its own running maxima (so that no
// compare waits on the previous block's select), and each lane keeps the iteration where it first
// reached its maximum, updated by selects on a strict increase. At the end the earliest iteration
// among the lanes that hold the plane's maximum is read again (usually still in L1) from its start
// to its first element equal to the maximum: no earlier iteration holds one. Per block that is 3
// maxima, a compare and two selects, where tracking every vector's index took 4 compares and 8
// selects: on one-hot 64 x 64 planes in L1 (AVX-512, one thread) the scan went from 80 to 110 GB/s,
// 0.37x to 0.51x a plain read. Branching per block on a new maximum instead mispredicts along every
// rising flank (a Gaussian's, a SimCC vector's), and a short plane cannot spread that cost. The
// finiteness rides in a running sum of the blocks: finite while every element is, inf or NaN for
// good once one is not (or once the sum overflows, which needs elements near FLT_MAX / n), so that
// acc - acc is NaN; only then is the plane redone by argmax_each, which tells a NaN or an infinity
// from the rest and returns the argmax of huge finite planes all the same.
// Iteration numbers ride as floats, exact for n <= kLanesSpan.
constexpr size_t kLanesSpan = size_t(1) << 23;
template <typename T>
inline ArgMax argmax_lanes(const T* p, size_t n) {
  constexpr size_t kBlock = 4 * kLanes;
  const ArgMax bad{std::numeric_limits<float>::quiet_NaN(), 0, false};
  float best = -std::numeric_limits<float>::infinity();
  size_t index = 0;
  const size_t blocks_end = n / kBlock * kBlock;
  if (blocks_end != 0) {
    const F low = splat(-std::numeric_limits<float>::infinity());
    F v[2] = {low, low}, at[2] = {splat(0.0f), splat(0.0f)}, acc = splat(0.0f);
    F iteration = splat(0.0f);
    auto scan = [&](size_t j, size_t s) {
      F x[4];
#pragma GCC unroll 4
      for (size_t q = 0; q < 4; ++q) x[q] = in_register(load_plane(p + j + q * kLanes));
      const F top = max(max(x[0], x[1]), max(x[2], x[3]));
      const M up = gt(top, v[s]);
      v[s] = select(up, top, v[s]);
      at[s] = select(up, iteration, at[s]);
      acc = add(acc, add(add(x[0], x[1]), add(x[2], x[3])));
    };
    size_t j = 0;
    for (; j + 2 * kBlock <= blocks_end; j += 2 * kBlock) {
      prefetch_ahead(p + j, (2 * kBlock * sizeof(T) + 63) / 64);
      scan(j, 0);
      scan(j + kBlock, 1);
      iteration = add(iteration, splat(1.0f));
    }
    if (j < blocks_end) scan(j, 0);  // an odd block out: an iteration of one block
    if (bits(is_nan(sub(acc, acc))) != 0) {
      if (!argmax_each(p, 0, n, &best, &index)) return bad;
      return ArgMax{element(p, index), index, true};
    }
    best = hmax(max(v[0], v[1]));
    // The earliest iteration, as the largest negated one among the lanes at the maximum.
    const F target = splat(best), none = splat(-static_cast<float>(n));
    const F key = max(select(eq(v[0], target), neg(at[0]), none), select(eq(v[1], target), neg(at[1]), none));
    for (size_t i = static_cast<size_t>(-hmax(key)) * 2 * kBlock;; i += kLanes) {  // it holds the maximum
      const uint32_t hit = bits(eq(load_plane(p + i), target));
      if (hit != 0) {
        index = i + static_cast<size_t>(__builtin_ctz(hit));
        break;
      }
    }
  }
  if (!argmax_each(p, blocks_end, n, &best, &index)) return bad;
  // best is the element at index but for the sign of a zero, which eq() does not tell apart.
  return ArgMax{best != 0.0f ? best : element(p, index), index, true};
}

// argmax_lanes span by span, a later span winning only on a strict increase. Written once for
// float and binary16 planes; a half block is converted as it is loaded.
template <typename T>
inline ArgMax argmax_plane(const T* p, size_t n) {
  if (n == 0) return ArgMax{-std::numeric_limits<float>::infinity(), 0, true};
  if (n <= kLanesSpan) return argmax_lanes(p, n);  // the answer built in place: no copy to wait on
  ArgMax best = argmax_lanes(p, kLanesSpan);
  for (size_t at = kLanesSpan; at < n && best.finite; at += kLanesSpan) {
    const ArgMax next = argmax_lanes(p + at, n - at < kLanesSpan ? n - at : kLanesSpan);
    if (!next.finite) return next;
    if (next.value > best.value) best = ArgMax{next.value, at + next.index, true};
  }
  return best;
}

ArgMax argmax_f32(const float* p, size_t n) { return argmax_plane(p, n); }
ArgMax argmax_f16(const uint16_t* p, size_t n);  // each ISA's, below its include of this file
// deinterleave_f32: kLanes channels by kLanes pixels at a time through transpose_tile, the
// pixels and channels left over one by one.
void deinterleave_f32(const float* p, size_t pixels, size_t stride, size_t channels, float* out) {
  size_t c = 0;
  for (; c + kLanes <= channels; c += kLanes) {
    size_t j = 0;
    for (; j + kLanes <= pixels; j += kLanes) transpose_tile(p + j * stride + c, stride, out + c * pixels + j, pixels);
    for (; j < pixels; ++j) {
      for (size_t q = 0; q < kLanes; ++q) out[(c + q) * pixels + j] = p[j * stride + c + q];
    }
  }
  for (; c < channels; ++c) {
    for (size_t j = 0; j < pixels; ++j) out[c * pixels + j] = p[j * stride + c];
  }
}

// --- argmax over channels-last memory (argmax_nhwc_f32 / _u8): element (pixel j, channel c) at
// p[j * stride + c]. Each channel keeps its running maximum and first index in a lane, so one pass
// over the pixels serves kLanes channels a vector; the pixel index rides along as a float, exact
// below 2^24, so the pixels are taken in spans of 2^24 and the spans' answers merged in order.
constexpr size_t kNhwcSpan = size_t(1) << 23;

inline F load_lanes(const float* p) { return load(p); }
inline F load_lanes(const uint8_t* p) { return load_u8(p); }

// The channels [0, count), fewer than a vector (so below 16), one at a time within each pixel.
template <typename T>
inline void argmax_nhwc_each(const T* p, size_t pixels, size_t stride, size_t count, ArgMax* out) {
  float best[16];
  uint64_t index[16] = {};
  bool finite[16];
  for (size_t c = 0; c < count; ++c) {
    best[c] = -std::numeric_limits<float>::infinity();
    finite[c] = true;
  }
  for (size_t j = 0; j < pixels; ++j) {
    const T* px = p + j * stride;
    for (size_t c = 0; c < count; ++c) {
      const float v = static_cast<float>(px[c]);
      if (!__builtin_isfinite(v)) {
        finite[c] = false;
      } else if (v > best[c] || j == 0) {
        best[c] = v;
        index[c] = j;
      }
    }
  }
  for (size_t c = 0; c < count; ++c) {
    out[c] = finite[c] ? ArgMax{static_cast<float>(p[index[c] * stride + c]), index[c], true}
                       : ArgMax{std::numeric_limits<float>::quiet_NaN(), 0, false};
  }
}

// Merges the argmax of later pixels (their indices counted from `offset`) into that of the pixels
// before them, channel by channel: a later pixel wins only on a strict increase, and a non-finite
// value anywhere makes the channel invalid.
inline void merge_later(ArgMax* into, const ArgMax* later, size_t offset, size_t count) {
  for (size_t c = 0; c < count; ++c) {
    if (!later[c].finite) into[c] = later[c];
    else if (into[c].finite && later[c].value > into[c].value) into[c] = ArgMax{later[c].value, offset + later[c].index, true};
  }
}

// Whether two running sums of values stayed finite (x - x is NaN exactly for an infinity or a NaN).
inline bool finite_sums(F a, F b) {
  const F sum = add(a, b);
  return bits(is_nan(sub(sum, sum))) == 0;
}

// Which lanes of V vectors met a NaN or an infinity over `count` steps, exactly: sums of x - x
// stay +-0 while x is finite and become NaN for good once it is not. at(i, v) points at step i's
// vector v.
template <size_t V, typename At>
inline void nonfinite_lanes(size_t count, At at, uint32_t* bad) {
  F odd[V];
  for (size_t v = 0; v < V; ++v) odd[v] = splat(0.0f);
  for (size_t i = 0; i < count; ++i) {
    for (size_t v = 0; v < V; ++v) {
      const F x = load_lanes(at(i, v));
      odd[v] = add(odd[v], sub(x, x));
    }
  }
  for (size_t v = 0; v < V; ++v) bad[v] = bits(is_nan(odd[v]));
}

// V vectors of channels in one pass, vector v holding channels at[v] .. at[v] + kLanes - 1 (the
// vectors may overlap: a lane's answer depends on its channel alone, so a channel computed twice
// is written twice with the same answer). Where the registers hold them, two sets of accumulators
// take the even and the odd pixels, so that the compare-and-select chains of neighbouring pixels
// overlap; they are merged per lane at the end of each span, a tie going to the lower index, which
// keeps the first index of the maximum (-0 and +0 compare equal, as in argmax_f32). Where they do
// not (AVX2 from 3 vectors), one set: a spilled accumulator costs more than the chain. The pixel
// index is a float vector counted up, not a conversion per pixel.
//
// Finiteness: two sums of every value loaded, finite only if every value is (an infinity or a NaN
// stays in a sum); a sum that overflows to infinity on large finite values is a false alarm. So a
// span whose sums are not finite is checked again exactly, lane by lane, with sums of x - x.
template <size_t V, typename T>
inline void argmax_nhwc_vectors(const T* p, size_t pixels, size_t stride, const size_t* at, ArgMax* out) {
  constexpr bool kFloat = sizeof(T) == 4;
  constexpr size_t kSlots = V * kLanes;
  constexpr size_t kSets = 4 * V + 8 <= kVectorRegisters ? 2 : 1;
  float best[kSlots] = {};
  uint64_t index[kSlots] = {};
  bool finite[kSlots];
  for (size_t c = 0; c < kSlots; ++c) finite[c] = true;
  const F zero = splat(0.0f), one = splat(1.0f), two = splat(2.0f);
  for (size_t base = 0; base < pixels; base += kNhwcSpan) {
    const size_t end = pixels - base < kNhwcSpan ? pixels : base + kNhwcSpan;
    F b[kSets][V], ix[kSets][V], seen[2] = {zero, zero};
#pragma GCC unroll 8
    for (size_t v = 0; v < V; ++v) {
      const F x = load_lanes(p + base * stride + at[v]);
      for (size_t s = 0; s < kSets; ++s) {
        b[s][v] = x;
        ix[s][v] = zero;
      }
      if constexpr (kFloat) seen[0] = add(seen[0], x);
    }
    const auto step = [&](F* bs, F* is, F& sum, size_t j, F jv) {
      const T* px = p + j * stride;
      __builtin_prefetch(reinterpret_cast<const char*>(px) + kPrefetchBytes, 0, 3);
      F total = zero;
#pragma GCC unroll 8
      for (size_t v = 0; v < V; ++v) {
        const F x = load_lanes(px + at[v]);
        const M g = gt(x, bs[v]);
        bs[v] = select(g, x, bs[v]);
        is[v] = select(g, jv, is[v]);
        if constexpr (kFloat) total = v == 0 ? x : add(total, x);
      }
      if constexpr (kFloat) sum = add(sum, total);
    };
    size_t j = base + 1;
    F jv = one;  // j - base
    for (; j + 2 <= end; j += 2) {
      const F next = add(jv, one);
      step(b[kSets - 1], ix[kSets - 1], seen[1], j, jv);
      step(b[0], ix[0], seen[0], j + 1, next);
      jv = add(jv, two);
    }
    if (j < end) step(b[kSets - 1], ix[kSets - 1], seen[1], j, jv);
    uint32_t bad[V] = {};
    if constexpr (kFloat) {
      if (!finite_sums(seen[0], seen[1])) {
        nonfinite_lanes<V>(end - base, [&](size_t i, size_t v) { return p + (base + i) * stride + at[v]; }, bad);
      }
    }
    float v0[kLanes], v1[kLanes], x0[kLanes], x1[kLanes];
    for (size_t v = 0; v < V; ++v) {
      store(v0, b[0][v]);
      store(v1, b[kSets - 1][v]);
      store(x0, ix[0][v]);
      store(x1, ix[kSets - 1][v]);
      for (size_t l = 0; l < kLanes; ++l) {
        const size_t c = v * kLanes + l;
        if (bad[v] >> l & 1) finite[c] = false;
        const uint64_t a0 = static_cast<uint64_t>(x0[l]), a1 = static_cast<uint64_t>(x1[l]);
        const bool second = v1[l] > v0[l] || (v1[l] == v0[l] && a1 < a0);
        const float m = second ? v1[l] : v0[l];
        const uint64_t where = base + (second ? a1 : a0);
        if (base == 0 || m > best[c]) {
          best[c] = m;
          index[c] = where;
        }
      }
    }
  }
  for (size_t v = 0; v < V; ++v) {
    for (size_t l = 0; l < kLanes; ++l) {
      const size_t c = v * kLanes + l, ch = at[v] + l;
      out[ch] = finite[c] ? ArgMax{static_cast<float>(p[index[c] * stride + ch]), index[c], true}
                          : ArgMax{std::numeric_limits<float>::quiet_NaN(), 0, false};
    }
  }
}

// Packed pixels (stride == channels) with C < kLanes channels: kLanes pixels make C whole vectors,
// lane l of vector v holding element kLanes v + l of the group, channel (kLanes v + l) % C of its
// pixel (kLanes v + l) / C. Each lane keeps its running maximum and the group where it first
// reached it, as on a plane, so the pixels cost what a plane's do; a channel's lanes are merged at
// the end, a tie going to the lower pixel. Groups are counted in a float, exact in spans of
// kPackedSpan groups (shorter than needed, so that a test can cross spans); finiteness is checked
// as in argmax_nhwc_vectors. The pixels past the last group go through argmax_nhwc_each, merged after.
constexpr size_t kPackedSpan = size_t(1) << 20;

template <size_t C, typename T>
inline void argmax_nhwc_packed(const T* p, size_t pixels, ArgMax* out) {
  constexpr bool kFloat = sizeof(T) == 4;
  constexpr size_t kGroup = kLanes * C;  // elements in a group of kLanes pixels
  float best[C];
  uint64_t index[C] = {};
  bool finite[C], found[C] = {};
  for (size_t c = 0; c < C; ++c) finite[c] = true;
  const auto offer = [&](size_t c, float v, uint64_t pixel) {
    if (!found[c] || v > best[c] || (v == best[c] && pixel < index[c])) {
      best[c] = v;
      index[c] = pixel;
      found[c] = true;
    }
  };
  const size_t groups = pixels / kLanes;
  const F zero = splat(0.0f), one = splat(1.0f);
  for (size_t g0 = 0; g0 < groups; g0 += kPackedSpan) {
    const size_t count = groups - g0 < kPackedSpan ? groups - g0 : kPackedSpan;
    const T* q = p + g0 * kGroup;
    F b[C], ix[C], seen[2] = {zero, zero};
#pragma GCC unroll 8
    for (size_t v = 0; v < C; ++v) {
      b[v] = load_lanes(q + v * kLanes);
      ix[v] = zero;
      if constexpr (kFloat) seen[0] = add(seen[0], b[v]);
    }
    F at = zero;
    for (size_t g = 1; g < count; ++g) {
      at = add(at, one);
      const T* group = q + g * kGroup;
      __builtin_prefetch(reinterpret_cast<const char*>(group) + kPrefetchBytes, 0, 3);
      F total = zero;
#pragma GCC unroll 8
      for (size_t v = 0; v < C; ++v) {
        const F x = load_lanes(group + v * kLanes);
        const M up = gt(x, b[v]);
        b[v] = select(up, x, b[v]);
        ix[v] = select(up, at, ix[v]);
        if constexpr (kFloat) total = v == 0 ? x : add(total, x);
      }
      if constexpr (kFloat) seen[g & 1] = add(seen[g & 1], total);
    }
    uint32_t bad[C] = {};
    if constexpr (kFloat) {
      if (!finite_sums(seen[0], seen[1])) {
        nonfinite_lanes<C>(count, [&](size_t g, size_t v) { return q + g * kGroup + v * kLanes; }, bad);
      }
    }
    float values[kLanes], where[kLanes];
    for (size_t v = 0; v < C; ++v) {
      store(values, b[v]);
      store(where, ix[v]);
      for (size_t l = 0; l < kLanes; ++l) {
        const size_t e = v * kLanes + l, c = e % C;
        if (bad[v] >> l & 1) finite[c] = false;
        offer(c, values[l], (g0 + static_cast<uint64_t>(where[l])) * kLanes + e / C);
      }
    }
  }
  for (size_t c = 0; c < C; ++c) {
    out[c] = !finite[c] ? ArgMax{std::numeric_limits<float>::quiet_NaN(), 0, false}
             : found[c] ? ArgMax{best[c], index[c], true}
                        : ArgMax{-std::numeric_limits<float>::infinity(), 0, true};  // no whole group
  }
  const size_t done = groups * kLanes;
  if (done < pixels) {
    ArgMax rest[C];
    argmax_nhwc_each(p + done * C, pixels - done, C, C, rest);
    merge_later(out, rest, done, C);
  }
}

// Fewer channels than a vector with a wider stride (a block of an image's channels): one vector
// a pixel, its lanes past the channels computed and dropped, for the pixels whose vector stays
// within the last pixel's channels; the pixels after those one by one, merged in order.
template <typename T>
inline void argmax_nhwc_narrow(const T* p, size_t pixels, size_t stride, size_t channels, ArgMax* out) {
  const size_t readable = (pixels - 1) * stride + channels;  // elements from p on
  const size_t whole = readable < kLanes ? 0 : std::min(pixels, (readable - kLanes) / stride + 1);
  if (whole == 0) {
    argmax_nhwc_each(p, pixels, stride, channels, out);
    return;
  }
  ArgMax lanes[kLanes];
  const size_t at[1] = {0};
  argmax_nhwc_vectors<1>(p, whole, stride, at, lanes);
  if (whole < pixels) {
    ArgMax rest[kLanes];
    argmax_nhwc_each(p + whole * stride, pixels - whole, stride, channels, rest);
    merge_later(lanes, rest, whole, channels);
  }
  for (size_t c = 0; c < channels; ++c) out[c] = lanes[c];
}

ArgMax argmax_u8(const uint8_t* p, size_t n);  // each ISA's, below its include of this file

// Fewer channels than a vector: one channel packed is a plane; up to 7 packed, argmax_nhwc_packed;
// otherwise argmax_nhwc_narrow.
template <typename T>
inline void argmax_nhwc_few(const T* p, size_t pixels, size_t stride, size_t channels, ArgMax* out) {
  if (stride == channels) {
    switch (channels) {
      case 1:
        if constexpr (sizeof(T) == 1) out[0] = argmax_u8(p, pixels);
        else out[0] = argmax_plane(p, pixels);
        return;
      case 2: argmax_nhwc_packed<2>(p, pixels, out); return;
      case 3: argmax_nhwc_packed<3>(p, pixels, out); return;
      case 4: if constexpr (kLanes > 4) { argmax_nhwc_packed<4>(p, pixels, out); return; } break;
      case 5: if constexpr (kLanes > 5) { argmax_nhwc_packed<5>(p, pixels, out); return; } break;
      case 6: if constexpr (kLanes > 6) { argmax_nhwc_packed<6>(p, pixels, out); return; } break;
      case 7: if constexpr (kLanes > 7) { argmax_nhwc_packed<7>(p, pixels, out); return; } break;
      default: break;
    }
  }
  argmax_nhwc_narrow(p, pixels, stride, channels, out);
}

// Groups of 4 vectors of channels, a pass over the pixels each; then the rest in one more pass, its
// last vector ending at the last channel (overlapping the one before it). Fewer channels than a
// vector: argmax_nhwc_few.
template <typename T>
inline void argmax_nhwc(const T* p, size_t pixels, size_t stride, size_t channels, ArgMax* out) {
  if (pixels == 0) {
    for (size_t c = 0; c < channels; ++c) out[c] = ArgMax{-std::numeric_limits<float>::infinity(), 0, true};
    return;
  }
  if (channels < kLanes) {
    argmax_nhwc_few(p, pixels, stride, channels, out);
    return;
  }
  size_t c = 0;
  for (; c + 4 * kLanes <= channels; c += 4 * kLanes) {
    const size_t at[4] = {c, c + kLanes, c + 2 * kLanes, c + 3 * kLanes};
    argmax_nhwc_vectors<4>(p, pixels, stride, at, out);
  }
  const size_t rest = channels - c;
  if (rest == 0) return;
  const size_t vectors = (rest + kLanes - 1) / kLanes;  // 1 to 4
  size_t at[4];
  for (size_t v = 0; v + 1 < vectors; ++v) at[v] = c + v * kLanes;
  at[vectors - 1] = channels - kLanes;
  switch (vectors) {
    case 1: argmax_nhwc_vectors<1>(p, pixels, stride, at, out); break;
    case 2: argmax_nhwc_vectors<2>(p, pixels, stride, at, out); break;
    case 3: argmax_nhwc_vectors<3>(p, pixels, stride, at, out); break;
    default: argmax_nhwc_vectors<4>(p, pixels, stride, at, out); break;
  }
}

inline void argmax_nhwc_f32(const float* p, size_t pixels, size_t stride, size_t channels, ArgMax* out) {
  argmax_nhwc(p, pixels, stride, channels, out);
}
inline void argmax_nhwc_u8(const uint8_t* p, size_t pixels, size_t stride, size_t channels, ArgMax* out) {
  argmax_nhwc(p, pixels, stride, channels, out);
}

// Four double accumulators (two vectors of floats a step) keep the adds' latency hidden.
inline double sum_f32(const float* p, size_t n) {
  D s0 = splat_d(0.0), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const F a = load(p + i), b = load(p + i + kLanes);
    s0 = add(s0, widen_lo(a));
    s1 = add(s1, widen_hi(a));
    s2 = add(s2, widen_lo(b));
    s3 = add(s3, widen_hi(b));
  }
  for_each_vector(n - i, [&](size_t j, size_t left) {
    const F a = load_upto(p + i + j, left);  // +0 past n: adds nothing
    s0 = add(s0, widen_lo(a));
    s1 = add(s1, widen_hi(a));
  });
  return reduce(add(add(s0, s1), add(s2, s3)));
}

inline void f16_to_f32(const uint16_t* in, float* out, size_t n) {
  for_each_vector(n, [&](size_t i, size_t left) {
    store_upto(out + i, left >= kLanes ? load_f16(in + i) : load_f16_first(in + i, left), left);
  });
}

inline void relu_f32(const float* in, float* out, size_t n) {
  const F zero = splat(0.0f);
  for_each_vector(n, [&](size_t i, size_t left) {
    const F v = load_upto(in + i, left);
    // max gives +0 for v <= 0 (-0 included); NaN lanes keep v itself, bit for bit.
    store_upto(out + i, select(is_nan(v), v, max(v, zero)), left);
  });
}

inline void mean_f32(const float* a, const float* b, float* out, size_t n) {
  const F half = splat(0.5f);
  for_each_vector(n, [&](size_t i, size_t left) {
    store_upto(out + i, mul(add(load_upto(a + i, left), load_upto(b + i, left)), half), left);
  });
}

// Whole vectors of b taken from the end and reversed in registers. The last n % kLanes elements
// read the front of b, where a vector ending there would start before b: when n >= kLanes they are
// the last whole vector again (out[n - kLanes .. n), overlapping elements already written with the
// same values), else one by one.
inline void mean_reversed_f32(const float* a, const float* b, float* out, size_t n) {
  const F half = splat(0.5f);
  auto vector_at = [&](size_t i) { store(out + i, mul(add(load(a + i), reverse(load(b + n - i - kLanes))), half)); };
  if (n < kLanes) {
    for (size_t i = 0; i < n; ++i) out[i] = (a[i] + b[n - 1 - i]) * 0.5f;
    return;
  }
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) vector_at(i);
  if (i < n) vector_at(n - kLanes);
}

inline void max_scaled_f32(float* out, const float* g, float s, size_t n) {
  const F vs = splat(s);
  for_each_vector(n, [&](size_t i, size_t left) {
    store_upto(out + i, max(load_upto(out + i, left), mul(vs, load_upto(g + i, left))), left);
  });
}

// A outputs vectors at once, each summing its taps in order 0..ntaps-1 as the scalar kernel does;
// the A independent accumulators keep the adds' latency hidden.
// (The loops over j are unrolled first, as in conv_block, so the accumulators stay in registers.)
template <size_t A>
inline void fir_block(const float* const* src, const float* const* mirror, const float* taps, size_t ntaps, float* out,
                      size_t i) {
  F a[A];
#pragma GCC unroll 8
  for (size_t j = 0; j < A; ++j) a[j] = splat(0.0f);
  for (size_t t = 0; t < ntaps; ++t) {
    const F w = splat(taps[t]);
    const float* p = src[t] + i;
    if (const float* m = mirror ? mirror[t] : nullptr) {
      m += i;
#pragma GCC unroll 8
      for (size_t j = 0; j < A; ++j) a[j] = fmadd(w, add(load(p + kLanes * j), load(m + kLanes * j)), a[j]);
    } else {
#pragma GCC unroll 8
      for (size_t j = 0; j < A; ++j) a[j] = fmadd(w, load(p + kLanes * j), a[j]);
    }
  }
#pragma GCC unroll 8
  for (size_t j = 0; j < A; ++j) store(out + i + kLanes * j, a[j]);
}

inline void fir_f32(const float* const* src, const float* const* mirror, const float* taps, size_t ntaps, float* out,
                    size_t n) {
  size_t i = 0;
  for (; i + 8 * kLanes <= n; i += 8 * kLanes) fir_block<8>(src, mirror, taps, ntaps, out, i);
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) fir_block<2>(src, mirror, taps, ntaps, out, i);
  for_each_vector(n - i, [&](size_t j, size_t left) {
    F a = splat(0.0f);
    for (size_t t = 0; t < ntaps; ++t) {
      F x = load_upto(src[t] + i + j, left);
      if (const float* m = mirror ? mirror[t] : nullptr) x = add(x, load_upto(m + i + j, left));
      a = fmadd(splat(taps[t]), x, a);
    }
    store_upto(out + i + j, a, left);
  });
}

inline void maxrows_f32(const float* const* src, size_t nsrc, float* out, size_t n) {
  for_each_vector(n, [&](size_t i, size_t left) {
    F m = load_upto(src[0] + i, left);
    for (size_t t = 1; t < nsrc; ++t) m = greater_or(load_upto(src[t] + i, left), m);
    store_upto(out + i, m, left);
  });
}

inline size_t peak_candidates_f32(const float* v, const float* const* rows, size_t nrows, size_t n, float threshold,
                                  uint32_t* idx) {
  const F thr = splat(threshold);
  size_t count = 0;
  for_each_vector(n, [&](size_t i, size_t left) {
    const F a = load_upto(v + i, left);
    F pooled = load_upto(rows[0] + i, left);
    for (size_t t = 1; t < nrows; ++t) pooled = greater_or(load_upto(rows[t] + i, left), pooled);
    const uint32_t m = bits(both(eq(a, pooled), ge(a, thr))) & low_bits(left);
    count = append_indices(idx, count, m, i);
  });
  return count;
}

// OB output channels by two vectors (2 kLanes columns) of accumulators from column x, fused
// multiply-adds in tap order from the bias, as the scalar kernel. Full: all 2 kLanes columns;
// otherwise only the first `left` (< 2 kLanes) are read and written.
template <size_t OB, bool Full>
inline void conv_block(const ConvTile& t, size_t o0, size_t x, size_t left) {
  const size_t left1 = left > kLanes ? left - kLanes : 0;
  // Every loop over j is unrolled before the accumulators are placed, so that each one stays in a
  // register (a loop left rolled keeps the arrays on the stack).
  F a0[OB], a1[OB];
#pragma GCC unroll 8
  for (size_t j = 0; j < OB; ++j) a0[j] = a1[j] = splat(t.bias ? t.bias[o0 + j] : 0.0f);
  const float* w = t.weight + o0 * t.taps;
  for (size_t k = 0; k < t.taps; ++k) {
    const float* s = t.src[k] + x;
    const F v0 = Full ? load(s) : load_first(s, left);
    const F v1 = Full ? load(s + kLanes) : load_first(s + kLanes, left1);
#pragma GCC unroll 8
    for (size_t j = 0; j < OB; ++j) {
      const F wj = splat(w[j * t.taps + k]);
      a0[j] = fmadd(wj, v0, a0[j]);
      a1[j] = fmadd(wj, v1, a1[j]);
    }
  }
  const F zero = splat(0.0f);
#pragma GCC unroll 8
  for (size_t j = 0; j < OB; ++j) {
    F r0 = a0[j], r1 = a1[j];
    if (t.relu) {
      // v <= 0 becomes +0; NaN fails the comparison and passes through, as in the scalar path.
      r0 = select(ge(zero, r0), zero, r0);
      r1 = select(ge(zero, r1), zero, r1);
    }
    float* out = t.out + (o0 + j) * t.out_stride + x;
    if (Full) {
      store(out, r0);
      store(out + kLanes, r1);
    } else {
      store_first(out, r0, left);
      store_first(out + kLanes, r1, left1);
    }
  }
}

template <bool Full>
inline void conv_columns(const ConvTile& t, size_t x, size_t left) {
  size_t o = 0;
  for (; o + kConvRows <= t.out_channels; o += kConvRows) conv_block<kConvRows, Full>(t, o, x, left);
  if constexpr (kConvRows > 4) {
    if (o + 4 <= t.out_channels) conv_block<4, Full>(t, o, x, left), o += 4;
  }
  if (o + 2 <= t.out_channels) conv_block<2, Full>(t, o, x, left), o += 2;
  if (o < t.out_channels) conv_block<1, Full>(t, o, x, left);
}

inline void conv_tile_f32(const ConvTile& t) {
  size_t x = 0;
  for (; x + 2 * kLanes <= t.n; x += 2 * kLanes) conv_columns<true>(t, x, 2 * kLanes);
  if (x < t.n) conv_columns<false>(t, x, t.n - x);
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

inline void softmax_row_f32(const float* p, size_t n, float top, float beta, double* sums) {
  const F m = splat(top), b = splat(beta);
  weighted_sums(p, n, [m, b](F v) { return exp_approx(mul(b, sub(v, m))); }, sums);
}
