// AVX2 kernels (8 floats or 32 bytes a vector). Compiled with -mavx2 -mfma -mf16c; only reached
// after the dispatcher has seen the three features on the CPU.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels.h"
#include "prefetch.h"

namespace coordconv {
namespace avx2 {

constexpr const char* kName = "avx2";

// Lane mask for the first `left` of 8 floats (all lanes when left >= 8), for maskload/maskstore.
inline __m256i tail8(size_t left) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const int k = left >= 8 ? 8 : static_cast<int>(left);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), iota);
}

// --- The primitives exp_approx.h and simd_generic.h are written on.
using F = __m256;
using M = __m256;  // all-ones or all-zero lanes
using D = __m256d;
constexpr size_t kLanes = 8;
constexpr size_t kVectorRegisters = 16;
constexpr size_t kConvRows = 4;
inline F splat(float v) { return _mm256_set1_ps(v); }
inline F add(F a, F b) { return _mm256_add_ps(a, b); }
inline F sub(F a, F b) { return _mm256_sub_ps(a, b); }
inline F mul(F a, F b) { return _mm256_mul_ps(a, b); }
inline F neg(F v) { return _mm256_xor_ps(v, _mm256_set1_ps(-0.0f)); }
inline M ge(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
inline F zero_unless(M m, F v) { return _mm256_and_ps(v, m); }
inline F pow2(F n) {
  const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
  return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
}
inline F iota() { return _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7); }
inline F load(const float* p) { return _mm256_loadu_ps(p); }
inline void store(float* p, F v) { _mm256_storeu_ps(p, v); }
inline F load_first(const float* p, size_t left) { return _mm256_maskload_ps(p, tail8(left)); }
inline void store_first(float* p, F v, size_t left) { _mm256_maskstore_ps(p, tail8(left), v); }
inline M first(size_t left) { return _mm256_castsi256_ps(tail8(left)); }
inline F fmadd(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
// An 8 x 8 transpose: pairs of rows interleaved, then pairs of pairs, then 128-bit halves.
inline void transpose_tile(const float* src, size_t stride, float* out, size_t out_stride) {
  __m256 r[8], t[8];
  for (size_t i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * stride);
  for (size_t i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (size_t i = 0; i < 2; ++i) {
    r[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    r[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    r[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    r[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  for (size_t i = 0; i < 4; ++i) {
    _mm256_storeu_ps(out + i * out_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(out + (i + 4) * out_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
}

// v, in a register: the compiler cannot fold its load into each instruction that reads it (a
// second load of the same bytes, which takes a load slot of its own).
inline F in_register(F v) {
  __asm__("" : "+x"(v));
  return v;
}
inline F max(F a, F b) { return _mm256_max_ps(a, b); }
inline F greater_or(F v, F m) { return _mm256_max_ps(v, m); }  // MAXPS: v > m ? v : m
inline M eq(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
inline M is_nan(F v) { return _mm256_cmp_ps(v, v, _CMP_UNORD_Q); }
inline M both(M a, M b) { return _mm256_and_ps(a, b); }
// VBLENDVPS written out: GCC 12 turns _mm256_blendv_ps on a compare's mask into a sign test of the
// mask (an integer compare against a zero register, crossing domains) before the blend.
inline F select(M m, F a, F b) {
  __asm__("vblendvps %2, %1, %0, %0" : "+x"(b) : "x"(a), "x"(m));
  return b;
}
inline uint32_t bits(M m) { return static_cast<uint32_t>(_mm256_movemask_ps(m)); }
inline M gt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
inline M either(M a, M b) { return _mm256_or_ps(a, b); }
inline float hmax(F v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}
inline D splat_d(double v) { return _mm256_set1_pd(v); }
inline D add(D a, D b) { return _mm256_add_pd(a, b); }
inline D mul(D a, D b) { return _mm256_mul_pd(a, b); }
inline D widen_lo(F v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
inline D widen_hi(F v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
inline D index_d() { return _mm256_set_pd(3.0, 2.0, 1.0, 0.0); }
inline double reduce(D v) {
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}
// VCVTPH2PS converts exactly and, unlike float arithmetic, ignores MXCSR.DAZ: a subnormal half
// comes out as its (normal) float under FlushSubnormals too.
inline F load_f16(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
inline F load_f16_first(const uint16_t* p, size_t left) {
  alignas(16) uint16_t lanes[8] = {};
  for (size_t j = 0; j < left && j < 8; ++j) lanes[j] = p[j];
  return load_f16(lanes);
}

inline F load_u8(const uint8_t* p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}

// The lanes in reverse order (VPERMPS, crossing the 128-bit halves).
inline F reverse(F v) { return _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0)); }

// One index per set bit, lowest first (a branch per candidate).
inline size_t append_indices(uint32_t* out, size_t count, uint32_t mask, size_t base) {
  for (; mask != 0; mask &= mask - 1) out[count++] = static_cast<uint32_t>(base + static_cast<size_t>(__builtin_ctz(mask)));
  return count;
}

#include "simd_generic.h"

void onehot_f32(const float* p, size_t n, OneHotScan* out) {
  const __m256 zero = _mm256_setzero_ps();
  uint64_t nonzero = 0;
  uint64_t first = n;
  size_t i = 0;
  for (; i + 32 <= n && nonzero < 2; i += 32) {
    prefetch_ahead(p + i, 2);
    const __m256 a = _mm256_loadu_ps(p + i), b = _mm256_loadu_ps(p + i + 8);
    const __m256 c = _mm256_loadu_ps(p + i + 16), d = _mm256_loadu_ps(p + i + 24);
    const __m256 any = _mm256_or_ps(
        _mm256_or_ps(_mm256_cmp_ps(a, zero, _CMP_NEQ_UQ), _mm256_cmp_ps(b, zero, _CMP_NEQ_UQ)),
        _mm256_or_ps(_mm256_cmp_ps(c, zero, _CMP_NEQ_UQ), _mm256_cmp_ps(d, zero, _CMP_NEQ_UQ)));
    if (_mm256_testz_ps(any, any)) continue;
    for (size_t j = 0; j < 32 && nonzero < 2; j += 8) {
      const uint32_t m = static_cast<uint32_t>(
          _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p + i + j), zero, _CMP_NEQ_UQ)));
      if (m) note_nonzero(m, i + j, &nonzero, &first);
    }
  }
  for (; i + 8 <= n && nonzero < 2; i += 8) {
    const uint32_t m = static_cast<uint32_t>(
        _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p + i), zero, _CMP_NEQ_UQ)));
    if (m) note_nonzero(m, i, &nonzero, &first);
  }
  note_nonzero_each(p, i, n, &nonzero, &first);
  out->nonzero = nonzero < 2 ? nonzero : 2;
  out->first = first;
}

void onehot_u8(const uint8_t* p, size_t n, OneHotScan* out) {
  const __m256i zero = _mm256_setzero_si256();
  uint64_t nonzero = 0;
  uint64_t first = n;
  size_t i = 0;
  for (; i + 32 <= n && nonzero < 2; i += 32) {
    if ((i & 63) == 0) prefetch_ahead(p + i, 1);
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const uint32_t m = ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)));
    if (m) note_nonzero(m, i, &nonzero, &first);
  }
  note_nonzero_each(p, i, n, &nonzero, &first);
  out->nonzero = nonzero < 2 ? nonzero : 2;
  out->first = first;
}

// Float16 planes compared as 16-bit integers, 16 halves a vector and no conversion: twice the
// lanes of the widened floats for the same compares and selects. A half's key is m = its bits
// without the sign, negated for a negative half: finite halves order as their values, and -0 and
// +0 tie as they do as floats. Non-finite halves (m >= 0x7C00) are told by the lanes' largest m,
// a span at a time. A lane keeps the block number of its first maximum; block numbers ride in
// 16-bit lanes, so spans are 2^16 blocks, a later span winning only on a strict increase.
ArgMax argmax_f16(const uint16_t* p, size_t n) {
  constexpr size_t kBlock = 64, kSpan = kBlock << 16;
  if (n == 0) return ArgMax{-std::numeric_limits<float>::infinity(), 0, true};
  const ArgMax bad{std::numeric_limits<float>::quiet_NaN(), 0, false};
  float best = -std::numeric_limits<float>::infinity();
  size_t index = 0;
  const size_t blocks_end = n / kBlock * kBlock;
  for (size_t from = 0; from < blocks_end; from += kSpan) {
    const size_t to = blocks_end - from < kSpan ? blocks_end : from + kSpan;
    const __m256i magnitude = _mm256_set1_epi16(0x7FFF), one = _mm256_set1_epi16(1);
    __m256i v[4], at[4], block = _mm256_setzero_si256(), largest = _mm256_setzero_si256();
    for (size_t q = 0; q < 4; ++q) {
      v[q] = _mm256_set1_epi16(std::numeric_limits<int16_t>::min());  // below every key
      at[q] = _mm256_setzero_si256();
    }
    for (size_t j = from; j < to; j += kBlock) {
      prefetch_ahead(p + j, 2);
#pragma GCC unroll 4
      for (size_t q = 0; q < 4; ++q) {
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + j + 16 * q));
        const __m256i m = _mm256_and_si256(h, magnitude), sign = _mm256_srai_epi16(h, 15);
        const __m256i key = _mm256_sub_epi16(_mm256_xor_si256(m, sign), sign);
        at[q] = _mm256_blendv_epi8(at[q], block, _mm256_cmpgt_epi16(key, v[q]));
        v[q] = _mm256_max_epi16(v[q], key);
        largest = _mm256_max_epu16(largest, m);
      }
      block = _mm256_add_epi16(block, one);
    }
    alignas(32) uint16_t lanes[16];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), largest);
    for (const uint16_t m : lanes) {
      if (m >= 0x7C00) return bad;
    }
    __m256i top = _mm256_max_epi16(_mm256_max_epi16(v[0], v[1]), _mm256_max_epi16(v[2], v[3]));
    __m128i t = _mm_max_epi16(_mm256_castsi256_si128(top), _mm256_extracti128_si256(top, 1));
    t = _mm_max_epi16(t, _mm_srli_si128(t, 8));
    t = _mm_max_epi16(t, _mm_srli_si128(t, 4));
    t = _mm_max_epi16(t, _mm_srli_si128(t, 2));
    const __m256i target = _mm256_set1_epi16(static_cast<int16_t>(_mm_cvtsi128_si32(t)));
    // The lowest index among the lanes at the maximum: lane l of vector q in block b is element
    // from + 64 b + 16 q + l.
    size_t first = n;
    for (size_t q = 0; q < 4; ++q) {
      alignas(32) uint16_t blocks[16];
      _mm256_store_si256(reinterpret_cast<__m256i*>(blocks), at[q]);
      // Two mask bits a lane.
      for (uint32_t hits = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi16(v[q], target))); hits != 0; hits &= hits - 1, hits &= hits - 1) {
        const size_t lane = static_cast<size_t>(__builtin_ctz(hits)) / 2;
        first = std::min(first, from + kBlock * blocks[lane] + 16 * q + lane);
      }
    }
    const float value = half_to_float(p[first]);
    if (value > best) {  // a later span wins only on a strict increase
      best = value;
      index = first;
    }
  }
  if (!argmax_each(p, blocks_end, n, &best, &index)) return bad;
  return ArgMax{element(p, index), index, true};
}

// The largest byte of v.
inline uint8_t hmax_u8(__m256i v) {
  __m128i h = _mm_max_epu8(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 8));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 4));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 2));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 1));
  return static_cast<uint8_t>(_mm_cvtsi128_si32(h));
}

// One pass, as argmax_f32 (simd_generic.h): a block of four vectors costs a max tree and one
// saturating subtraction of the running maximum, non-zero only when the block holds a larger byte.
// Once the maximum is 255 nothing can pass it, so the scan stops there.
ArgMax argmax_u8(const uint8_t* p, size_t n) {
  uint8_t best = 0;
  size_t index = 0;
  size_t i = 0;
  for (; i + 128 <= n && best != 255; i += 128) {
    prefetch_ahead(p + i, 2);
    const __m256i v[4] = {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)),
                          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32)),
                          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 64)),
                          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 96))};
    const __m256i top = _mm256_max_epu8(_mm256_max_epu8(v[0], v[1]), _mm256_max_epu8(v[2], v[3]));
    const __m256i above = _mm256_subs_epu8(top, _mm256_set1_epi8(static_cast<char>(best)));
    if (_mm256_testz_si256(above, above)) continue;
    best = hmax_u8(top);
    const __m256i target = _mm256_set1_epi8(static_cast<char>(best));
    auto hits = [&](size_t k) {
      return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v[k], target))));
    };
    // best is a byte of the block, so high holds it when low does not; no branch per vector
    const uint64_t low = hits(0) | hits(1) << 32, high = hits(2) | hits(3) << 32;
    index = i + (low ? static_cast<size_t>(__builtin_ctzll(low)) : 64 + static_cast<size_t>(__builtin_ctzll(high)));
  }
  return argmax_u8_rest(p, i, n, best, index);
}

double sum_u8(const uint8_t* p, size_t n) {
  const __m256i zero = _mm256_setzero_si256();
  __m256i s = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s = _mm256_add_epi64(
        s, _mm256_sad_epu8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)), zero));
  }
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
  uint64_t total = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  for (; i < n; ++i) total += p[i];
  return static_cast<double>(total);
}

void max_scaled_u8(uint8_t* out, const float* g, float s, size_t n) {
  const __m256 vs = _mm256_set1_ps(s), half = _mm256_set1_ps(0.5f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i a = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(g + i)), half));
    const __m256i b = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(g + i + 8)), half));
    // packus works within 128-bit lanes; the permute puts the 16 words back in order.
    const __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
    const __m128i v = _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
    __m128i* dst = reinterpret_cast<__m128i*>(out + i);
    _mm_storeu_si128(dst, _mm_max_epu8(_mm_loadu_si128(dst), v));
  }
  for (; i < n; ++i) {
    const float q = s * g[i] + 0.5f;
    const uint8_t v = static_cast<uint8_t>(static_cast<int32_t>(q));
    out[i] = out[i] > v ? out[i] : v;
  }
}

void u8_to_f32(const uint8_t* in, float* out, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + i));
    _mm256_storeu_ps(out + i, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)));
  }
  for (; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

uint8_t sweep_u8(const uint8_t* p, size_t n) {
  // Four independent accumulators keep four 32-byte loads in flight per iteration.
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    a0 = _mm256_or_si256(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_or_si256(a1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    a2 = _mm256_or_si256(a2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    a3 = _mm256_or_si256(a3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_or_si256(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
  }
  const __m256i a = _mm256_or_si256(_mm256_or_si256(a0, a1), _mm256_or_si256(a2, a3));
  __m128i q = _mm_or_si128(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  q = _mm_or_si128(q, _mm_srli_si128(q, 8));
  q = _mm_or_si128(q, _mm_srli_si128(q, 4));
  q = _mm_or_si128(q, _mm_srli_si128(q, 2));
  q = _mm_or_si128(q, _mm_srli_si128(q, 1));
  uint8_t r = static_cast<uint8_t>(_mm_cvtsi128_si32(q));
  for (; i < n; ++i) r |= p[i];
  return r;
}

#include "kernel_table.h"

}  // namespace avx2

const Kernels kAvx2Kernels = avx2::kTable;

}  // namespace coordconv
