// AVX-512 kernels (16 floats or 64 bytes a vector; F, BW, VL, DQ). Tails use masked loads, so
// no element past n is ever touched.
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels.h"
#include "prefetch.h"

namespace coordconv {
namespace avx512 {

constexpr const char* kName = "avx512";

inline __mmask16 tail16(size_t left) {
  return static_cast<__mmask16>(left >= 16 ? 0xFFFFu : ((1u << left) - 1u));
}
inline __mmask64 tail64(size_t left) {
  return left >= 64 ? ~__mmask64(0) : ((__mmask64(1) << left) - 1);
}

// --- The primitives exp_approx.h and simd_generic.h are written on.
using F = __m512;
using M = __mmask16;
using D = __m512d;
constexpr size_t kLanes = 16;
constexpr size_t kVectorRegisters = 32;
constexpr size_t kConvRows = 8;
inline F splat(float v) { return _mm512_set1_ps(v); }
inline F add(F a, F b) { return _mm512_add_ps(a, b); }
inline F sub(F a, F b) { return _mm512_sub_ps(a, b); }
inline F mul(F a, F b) { return _mm512_mul_ps(a, b); }
inline F neg(F v) { return _mm512_xor_ps(v, _mm512_set1_ps(-0.0f)); }
inline M ge(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
inline F zero_unless(M m, F v) { return _mm512_maskz_mov_ps(m, v); }
inline F pow2(F n) {
  const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
  return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
}
inline F iota() { return _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
inline F load(const float* p) { return _mm512_loadu_ps(p); }
inline void store(float* p, F v) { _mm512_storeu_ps(p, v); }
inline F load_first(const float* p, size_t left) { return _mm512_maskz_loadu_ps(tail16(left), p); }
inline void store_first(float* p, F v, size_t left) { _mm512_mask_storeu_ps(p, tail16(left), v); }
inline M first(size_t left) { return tail16(left); }
inline F fmadd(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
// A 16 x 16 transpose: pairs of rows interleaved, then pairs of pairs, then 128-bit quarters twice.
inline void transpose_tile(const float* src, size_t stride, float* out, size_t out_stride) {
  __m512 r[16], t[16];
  for (size_t i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * stride);
  for (size_t i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (size_t i = 0; i < 4; ++i) {
    r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  for (size_t i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
  }
  for (size_t i = 0; i < 8; ++i) {
    _mm512_storeu_ps(out + i * out_stride, _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88));
    _mm512_storeu_ps(out + (i + 8) * out_stride, _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD));
  }
}

// v, in a register: the compiler cannot fold its load into each instruction that reads it (a
// second load of the same bytes, which takes a load slot of its own).
inline F in_register(F v) {
  __asm__("" : "+v"(v));
  return v;
}
inline F max(F a, F b) { return _mm512_max_ps(a, b); }
inline F greater_or(F v, F m) { return _mm512_max_ps(v, m); }  // VMAXPS: v > m ? v : m
inline M eq(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
inline M is_nan(F v) { return _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q); }
inline M both(M a, M b) { return static_cast<M>(a & b); }
inline F select(M m, F a, F b) { return _mm512_mask_mov_ps(b, m, a); }
inline uint32_t bits(M m) { return m; }
inline M gt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
inline M either(M a, M b) { return static_cast<M>(a | b); }
inline float hmax(F v) { return _mm512_reduce_max_ps(v); }
inline D splat_d(double v) { return _mm512_set1_pd(v); }
inline D add(D a, D b) { return _mm512_add_pd(a, b); }
inline D mul(D a, D b) { return _mm512_mul_pd(a, b); }
inline D widen_lo(F v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline D widen_hi(F v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}
inline D index_d() { return _mm512_set_pd(7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0); }
inline double reduce(D v) { return _mm512_reduce_add_pd(v); }
// VCVTPH2PS (AVX-512 F) converts exactly and ignores MXCSR.DAZ; the tail is a masked load.
inline F load_f16(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
inline F load_f16_first(const uint16_t* p, size_t left) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(tail16(left), p)); }

inline F load_u8(const uint8_t* p) {
  return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
}

// The lanes in reverse order (VPERMPS over all 16).
inline F reverse(F v) { return _mm512_permutexvar_ps(_mm512_setr_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), v); }

// One index per set bit, lowest first, without a branch per candidate: VPCOMPRESSD into a register
// (the form to memory is slow on some cores), then a whole 16-lane store. Indices wrap mod 2^32 as
// uint32 does; callers keep them below 2^32.
inline size_t append_indices(uint32_t* out, size_t count, uint32_t mask, size_t base) {
  const __m512i lanes = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(static_cast<uint32_t>(base))),
                                         _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  _mm512_storeu_si512(out + count, _mm512_maskz_compress_epi32(static_cast<__mmask16>(mask), lanes));
  return count + static_cast<size_t>(__builtin_popcount(mask));
}

#include "simd_generic.h"

void onehot_f32(const float* p, size_t n, OneHotScan* out) {
  const __m512 zero = _mm512_setzero_ps();
  uint64_t nonzero = 0;
  uint64_t first = n;
  size_t i = 0;
  for (; i + 64 <= n && nonzero < 2; i += 64) {
    prefetch_ahead(p + i, 4);
    const __mmask16 a = _mm512_cmp_ps_mask(_mm512_loadu_ps(p + i), zero, _CMP_NEQ_UQ);
    const __mmask16 b = _mm512_cmp_ps_mask(_mm512_loadu_ps(p + i + 16), zero, _CMP_NEQ_UQ);
    const __mmask16 c = _mm512_cmp_ps_mask(_mm512_loadu_ps(p + i + 32), zero, _CMP_NEQ_UQ);
    const __mmask16 d = _mm512_cmp_ps_mask(_mm512_loadu_ps(p + i + 48), zero, _CMP_NEQ_UQ);
    const uint64_t m = uint64_t(a) | (uint64_t(b) << 16) | (uint64_t(c) << 32) | (uint64_t(d) << 48);
    if (m) note_nonzero(m, i, &nonzero, &first);
  }
  for (; i < n && nonzero < 2; i += 16) {
    const __mmask16 t = tail16(n - i);
    const __mmask16 m = _mm512_mask_cmp_ps_mask(t, _mm512_maskz_loadu_ps(t, p + i), zero, _CMP_NEQ_UQ);
    if (m) note_nonzero(m, i, &nonzero, &first);
  }
  out->nonzero = nonzero < 2 ? nonzero : 2;
  out->first = first;
}

void onehot_u8(const uint8_t* p, size_t n, OneHotScan* out) {
  const __m512i zero = _mm512_setzero_si512();
  uint64_t nonzero = 0;
  uint64_t first = n;
  size_t i = 0;
  for (; i + 128 <= n && nonzero < 2; i += 128) {
    prefetch_ahead(p + i, 2);
    const __mmask64 a = _mm512_cmpneq_epi8_mask(_mm512_loadu_si512(p + i), zero);
    const __mmask64 b = _mm512_cmpneq_epi8_mask(_mm512_loadu_si512(p + i + 64), zero);
    if (a | b) {
      if (a) note_nonzero(a, i, &nonzero, &first);
      if (b) note_nonzero(b, i + 64, &nonzero, &first);
    }
  }
  for (; i < n && nonzero < 2; i += 64) {
    const __mmask64 t = tail64(n - i);
    const __mmask64 m = _mm512_cmpneq_epi8_mask(_mm512_maskz_loadu_epi8(t, p + i), zero);
    if (m) note_nonzero(m, i, &nonzero, &first);
  }
  out->nonzero = nonzero < 2 ? nonzero : 2;
  out->first = first;
}

// Float16 planes: each block widened to floats as it is loaded (simd_generic.h).
ArgMax argmax_f16(const uint16_t* p, size_t n) { return argmax_plane(p, n); }

// One pass, as argmax_f32 (simd_generic.h): a block of four vectors costs a max tree and one
// unsigned compare with the running maximum. Once the maximum is 255 the scan stops.
ArgMax argmax_u8(const uint8_t* p, size_t n) {
  uint8_t best = 0;
  size_t index = 0;
  size_t i = 0;
  for (; i + 256 <= n && best != 255; i += 256) {
    prefetch_ahead(p + i, 4);
    const __m512i v[4] = {_mm512_loadu_si512(p + i), _mm512_loadu_si512(p + i + 64),
                          _mm512_loadu_si512(p + i + 128), _mm512_loadu_si512(p + i + 192)};
    const __m512i top = _mm512_max_epu8(_mm512_max_epu8(v[0], v[1]), _mm512_max_epu8(v[2], v[3]));
    if (_mm512_cmpgt_epu8_mask(top, _mm512_set1_epi8(static_cast<char>(best))) == 0) continue;
    __m256i h = _mm256_max_epu8(_mm512_castsi512_si256(top), _mm512_extracti64x4_epi64(top, 1));
    __m128i q = _mm_max_epu8(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 8));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 4));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 2));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 1));
    best = static_cast<uint8_t>(_mm_cvtsi128_si32(q));
    const __m512i target = _mm512_set1_epi8(static_cast<char>(best));
    for (size_t k = 0;; ++k) {  // best is a byte of the block, so one of the four holds it
      const __mmask64 hits = _mm512_cmpeq_epi8_mask(v[k], target);
      if (hits) {
        index = i + 64 * k + static_cast<size_t>(__builtin_ctzll(hits));
        break;
      }
    }
  }
  return argmax_u8_rest(p, i, n, best, index);
}

double sum_u8(const uint8_t* p, size_t n) {
  const __m512i zero = _mm512_setzero_si512();
  __m512i s = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 64) {
    s = _mm512_add_epi64(s, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(tail64(n - i), p + i), zero));
  }
  return static_cast<double>(static_cast<uint64_t>(_mm512_reduce_add_epi64(s)));
}

void max_scaled_u8(uint8_t* out, const float* g, float s, size_t n) {
  const __m512 vs = _mm512_set1_ps(s), half = _mm512_set1_ps(0.5f);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 t = tail16(n - i);
    const __m512 q = _mm512_add_ps(_mm512_mul_ps(vs, _mm512_maskz_loadu_ps(t, g + i)), half);
    const __m128i v = _mm512_cvtusepi32_epi8(_mm512_cvttps_epi32(q));
    const __m128i old = _mm_maskz_loadu_epi8(t, out + i);
    _mm_mask_storeu_epi8(out + i, t, _mm_max_epu8(old, v));
  }
}

void u8_to_f32(const uint8_t* in, float* out, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 t = tail16(n - i);
    const __m128i b = _mm_maskz_loadu_epi8(t, in + i);
    _mm512_mask_storeu_ps(out + i, t, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(b)));
  }
}

uint8_t sweep_u8(const uint8_t* p, size_t n) {
  // Four independent accumulators keep four 64-byte loads in flight per iteration; the tail is
  // one masked load, so no byte past n is touched.
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 256 <= n; i += 256) {
    a0 = _mm512_or_si512(a0, _mm512_loadu_si512(p + i));
    a1 = _mm512_or_si512(a1, _mm512_loadu_si512(p + i + 64));
    a2 = _mm512_or_si512(a2, _mm512_loadu_si512(p + i + 128));
    a3 = _mm512_or_si512(a3, _mm512_loadu_si512(p + i + 192));
  }
  for (; i < n; i += 64) a0 = _mm512_or_si512(a0, _mm512_maskz_loadu_epi8(tail64(n - i), p + i));
  const __m512i a = _mm512_or_si512(_mm512_or_si512(a0, a1), _mm512_or_si512(a2, a3));
  const __m256i h = _mm256_or_si256(_mm512_castsi512_si256(a), _mm512_extracti64x4_epi64(a, 1));
  __m128i q = _mm_or_si128(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  q = _mm_or_si128(q, _mm_srli_si128(q, 8));
  q = _mm_or_si128(q, _mm_srli_si128(q, 4));
  q = _mm_or_si128(q, _mm_srli_si128(q, 2));
  q = _mm_or_si128(q, _mm_srli_si128(q, 1));
  return static_cast<uint8_t>(_mm_cvtsi128_si32(q));
}

#include "kernel_table.h"

}  // namespace avx512

const Kernels kAvx512Kernels = avx512::kTable;

}  // namespace coordconv
