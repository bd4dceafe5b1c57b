// AVX-512 kernels (16 floats or 64 bytes a vector; F, BW, VL, DQ). Tails use masked loads, so
// no element past n is ever touched.
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels.h"

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
inline F load_first(const float* p, size_t left) { return _mm512_maskz_loadu_ps(tail16(left), p); }
inline void store_first(float* p, F v, size_t left) { _mm512_mask_storeu_ps(p, tail16(left), v); }
inline M first(size_t left) { return tail16(left); }
inline D splat_d(double v) { return _mm512_set1_pd(v); }
inline D add(D a, D b) { return _mm512_add_pd(a, b); }
inline D mul(D a, D b) { return _mm512_mul_pd(a, b); }
inline D widen_lo(F v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline D widen_hi(F v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}
inline D index_d() { return _mm512_set_pd(7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0); }
inline double reduce(D v) { return _mm512_reduce_add_pd(v); }

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

inline __mmask16 nonfinite(__m512 v) {
  // fpclass 0x99: quiet NaN, signalling NaN, +Inf, -Inf.
  return _mm512_fpclass_ps_mask(v, 0x99);
}

ArgMax argmax_f32(const float* p, size_t n) {
  const ArgMax bad{std::numeric_limits<float>::quiet_NaN(), 0, false};
  if (n == 0) return ArgMax{-std::numeric_limits<float>::infinity(), 0, true};
  const __m512 lowest = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __m512 m0 = lowest, m1 = lowest;
  __mmask16 nf = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetch_ahead(p + i, 2);
    const __m512 a = _mm512_loadu_ps(p + i), b = _mm512_loadu_ps(p + i + 16);
    m0 = _mm512_max_ps(m0, a);
    m1 = _mm512_max_ps(m1, b);
    nf |= nonfinite(a) | nonfinite(b);
  }
  for (; i < n; i += 16) {
    const __mmask16 t = tail16(n - i);
    const __m512 a = _mm512_mask_loadu_ps(lowest, t, p + i);
    m0 = _mm512_max_ps(m0, a);
    nf |= _mm512_mask_fpclass_ps_mask(t, a, 0x99);
  }
  if (nf) return bad;
  const float best = _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
  const __m512 target = _mm512_set1_ps(best);
  for (size_t j = 0; j < n; j += 16) {
    const __mmask16 t = tail16(n - j);
    const __mmask16 m =
        _mm512_mask_cmp_ps_mask(t, _mm512_maskz_loadu_ps(t, p + j), target, _CMP_EQ_OQ);
    if (m) {
      const size_t k = j + static_cast<size_t>(__builtin_ctz(m));
      return ArgMax{p[k], k, true};
    }
  }
  return bad;  // unreachable: the maximum is an element
}

ArgMax argmax_u8(const uint8_t* p, size_t n) {
  if (n == 0) return ArgMax{0.0f, 0, true};
  __m512i m0 = _mm512_setzero_si512(), m1 = m0;
  size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    prefetch_ahead(p + i, 2);
    m0 = _mm512_max_epu8(m0, _mm512_loadu_si512(p + i));
    m1 = _mm512_max_epu8(m1, _mm512_loadu_si512(p + i + 64));
  }
  for (; i < n; i += 64) m0 = _mm512_max_epu8(m0, _mm512_maskz_loadu_epi8(tail64(n - i), p + i));
  const __m512i m = _mm512_max_epu8(m0, m1);
  __m256i h = _mm256_max_epu8(_mm512_castsi512_si256(m), _mm512_extracti64x4_epi64(m, 1));
  __m128i q = _mm_max_epu8(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  q = _mm_max_epu8(q, _mm_srli_si128(q, 8));
  q = _mm_max_epu8(q, _mm_srli_si128(q, 4));
  q = _mm_max_epu8(q, _mm_srli_si128(q, 2));
  q = _mm_max_epu8(q, _mm_srli_si128(q, 1));
  const uint8_t best = static_cast<uint8_t>(_mm_cvtsi128_si32(q));
  const __m512i target = _mm512_set1_epi8(static_cast<char>(best));
  for (size_t j = 0; j < n; j += 64) {
    const __mmask64 t = tail64(n - j);
    const __mmask64 eq = _mm512_mask_cmpeq_epi8_mask(t, _mm512_maskz_loadu_epi8(t, p + j), target);
    if (eq) {
      return ArgMax{static_cast<float>(best), j + static_cast<size_t>(__builtin_ctzll(eq)), true};
    }
  }
  return ArgMax{static_cast<float>(best), 0, true};  // unreachable
}

double sum_f32(const float* p, size_t n) {
  __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = _mm512_add_pd(s0, _mm512_cvtps_pd(_mm256_loadu_ps(p + i)));
    s1 = _mm512_add_pd(s1, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 8)));
    s2 = _mm512_add_pd(s2, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 16)));
    s3 = _mm512_add_pd(s3, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 24)));
  }
  for (; i < n; i += 8) {
    const __mmask8 t = static_cast<__mmask8>(n - i >= 8 ? 0xFFu : ((1u << (n - i)) - 1u));
    s0 = _mm512_add_pd(s0, _mm512_cvtps_pd(_mm256_maskz_loadu_ps(t, p + i)));
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
}

double sum_u8(const uint8_t* p, size_t n) {
  const __m512i zero = _mm512_setzero_si512();
  __m512i s = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 64) {
    s = _mm512_add_epi64(s, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(tail64(n - i), p + i), zero));
  }
  return static_cast<double>(static_cast<uint64_t>(_mm512_reduce_add_epi64(s)));
}

void relu_f32(const float* in, float* out, size_t n) {
  const __m512 zero = _mm512_setzero_ps();
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 t = tail16(n - i);
    const __m512 v = _mm512_maskz_loadu_ps(t, in + i);
    // max returns its second operand (+0) for v <= 0 and for NaN; NaN lanes keep v.
    const __m512 r = _mm512_mask_mov_ps(_mm512_max_ps(v, zero), _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), v);
    _mm512_mask_storeu_ps(out + i, t, r);
  }
}

void max_scaled_f32(float* out, const float* g, float s, size_t n) {
  const __m512 vs = _mm512_set1_ps(s);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 a = _mm512_mul_ps(vs, _mm512_loadu_ps(g + i));
    const __m512 b = _mm512_mul_ps(vs, _mm512_loadu_ps(g + i + 16));
    _mm512_storeu_ps(out + i, _mm512_max_ps(_mm512_loadu_ps(out + i), a));
    _mm512_storeu_ps(out + i + 16, _mm512_max_ps(_mm512_loadu_ps(out + i + 16), b));
  }
  for (; i < n; i += 16) {
    const __mmask16 t = tail16(n - i);
    const __m512 a = _mm512_mul_ps(vs, _mm512_maskz_loadu_ps(t, g + i));
    _mm512_mask_storeu_ps(out + i, t, _mm512_max_ps(_mm512_maskz_loadu_ps(t, out + i), a));
  }
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

// OB output channels by two vectors (32 columns) of accumulators; masks cover the column tail.
template <size_t OB>
void conv_block(const ConvTile& t, size_t o0, size_t x, __mmask16 m0, __mmask16 m1) {
  // Named accumulators, not an array, so that every one stays in a register.
  __m512 a0_0, a1_0;
  __m512 a0_1, a1_1;
  __m512 a0_2, a1_2;
  __m512 a0_3, a1_3;
  __m512 a0_4, a1_4;
  __m512 a0_5, a1_5;
  __m512 a0_6, a1_6;
  __m512 a0_7, a1_7;
  const float* bias = t.bias ? t.bias + o0 : nullptr;
  if constexpr (OB > 0) a0_0 = a1_0 = _mm512_set1_ps(bias ? bias[0] : 0.0f);
  if constexpr (OB > 1) a0_1 = a1_1 = _mm512_set1_ps(bias ? bias[1] : 0.0f);
  if constexpr (OB > 2) a0_2 = a1_2 = _mm512_set1_ps(bias ? bias[2] : 0.0f);
  if constexpr (OB > 3) a0_3 = a1_3 = _mm512_set1_ps(bias ? bias[3] : 0.0f);
  if constexpr (OB > 4) a0_4 = a1_4 = _mm512_set1_ps(bias ? bias[4] : 0.0f);
  if constexpr (OB > 5) a0_5 = a1_5 = _mm512_set1_ps(bias ? bias[5] : 0.0f);
  if constexpr (OB > 6) a0_6 = a1_6 = _mm512_set1_ps(bias ? bias[6] : 0.0f);
  if constexpr (OB > 7) a0_7 = a1_7 = _mm512_set1_ps(bias ? bias[7] : 0.0f);
  const size_t taps = t.taps;
  const float* w = t.weight + o0 * taps;
  for (size_t k = 0; k < taps; ++k) {
    const float* s = t.src[k] + x;
    const __m512 v0 = _mm512_maskz_loadu_ps(m0, s);
    const __m512 v1 = _mm512_maskz_loadu_ps(m1, s + 16);
    if constexpr (OB > 0) {
      const __m512 wj = _mm512_set1_ps(w[0 * taps + k]);
      a0_0 = _mm512_fmadd_ps(wj, v0, a0_0);
      a1_0 = _mm512_fmadd_ps(wj, v1, a1_0);
    }
    if constexpr (OB > 1) {
      const __m512 wj = _mm512_set1_ps(w[1 * taps + k]);
      a0_1 = _mm512_fmadd_ps(wj, v0, a0_1);
      a1_1 = _mm512_fmadd_ps(wj, v1, a1_1);
    }
    if constexpr (OB > 2) {
      const __m512 wj = _mm512_set1_ps(w[2 * taps + k]);
      a0_2 = _mm512_fmadd_ps(wj, v0, a0_2);
      a1_2 = _mm512_fmadd_ps(wj, v1, a1_2);
    }
    if constexpr (OB > 3) {
      const __m512 wj = _mm512_set1_ps(w[3 * taps + k]);
      a0_3 = _mm512_fmadd_ps(wj, v0, a0_3);
      a1_3 = _mm512_fmadd_ps(wj, v1, a1_3);
    }
    if constexpr (OB > 4) {
      const __m512 wj = _mm512_set1_ps(w[4 * taps + k]);
      a0_4 = _mm512_fmadd_ps(wj, v0, a0_4);
      a1_4 = _mm512_fmadd_ps(wj, v1, a1_4);
    }
    if constexpr (OB > 5) {
      const __m512 wj = _mm512_set1_ps(w[5 * taps + k]);
      a0_5 = _mm512_fmadd_ps(wj, v0, a0_5);
      a1_5 = _mm512_fmadd_ps(wj, v1, a1_5);
    }
    if constexpr (OB > 6) {
      const __m512 wj = _mm512_set1_ps(w[6 * taps + k]);
      a0_6 = _mm512_fmadd_ps(wj, v0, a0_6);
      a1_6 = _mm512_fmadd_ps(wj, v1, a1_6);
    }
    if constexpr (OB > 7) {
      const __m512 wj = _mm512_set1_ps(w[7 * taps + k]);
      a0_7 = _mm512_fmadd_ps(wj, v0, a0_7);
      a1_7 = _mm512_fmadd_ps(wj, v1, a1_7);
    }
  }
  auto put = [&](size_t j, __m512 r0, __m512 r1) {
    if (t.relu) {
      // v <= 0 becomes +0; NaN fails the comparison and passes through, as in the scalar path.
      const __m512 zero = _mm512_setzero_ps();
      r0 = _mm512_mask_mov_ps(r0, _mm512_cmp_ps_mask(r0, zero, _CMP_LE_OQ), zero);
      r1 = _mm512_mask_mov_ps(r1, _mm512_cmp_ps_mask(r1, zero, _CMP_LE_OQ), zero);
    }
    float* out = t.out + (o0 + j) * t.out_stride + x;
    _mm512_mask_storeu_ps(out, m0, r0);
    _mm512_mask_storeu_ps(out + 16, m1, r1);
  };
  if constexpr (OB > 0) put(0, a0_0, a1_0);
  if constexpr (OB > 1) put(1, a0_1, a1_1);
  if constexpr (OB > 2) put(2, a0_2, a1_2);
  if constexpr (OB > 3) put(3, a0_3, a1_3);
  if constexpr (OB > 4) put(4, a0_4, a1_4);
  if constexpr (OB > 5) put(5, a0_5, a1_5);
  if constexpr (OB > 6) put(6, a0_6, a1_6);
  if constexpr (OB > 7) put(7, a0_7, a1_7);
}

void conv_tile_f32(const ConvTile& t) {
  for (size_t x = 0; x < t.n; x += 32) {
    const __mmask16 m0 = tail16(t.n - x);
    const __mmask16 m1 = t.n - x > 16 ? tail16(t.n - x - 16) : 0;
    size_t o = 0;
    for (; o + 8 <= t.out_channels; o += 8) conv_block<8>(t, o, x, m0, m1);
    if (o + 4 <= t.out_channels) conv_block<4>(t, o, x, m0, m1), o += 4;
    if (o + 2 <= t.out_channels) conv_block<2>(t, o, x, m0, m1), o += 2;
    if (o < t.out_channels) conv_block<1>(t, o, x, m0, m1);
  }
}

void u8_to_f32(const uint8_t* in, float* out, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 t = tail16(n - i);
    const __m128i b = _mm_maskz_loadu_epi8(t, in + i);
    _mm512_mask_storeu_ps(out + i, t, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(b)));
  }
}

void fir_f32(const float* const* src, const float* taps, size_t ntaps, float* out, size_t n) {
  // Eight independent accumulators keep the adds' latency hidden; each output still sums its
  // taps in order 0..ntaps-1, exactly as the scalar kernel does.
  size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    __m512 a[8];
    for (int j = 0; j < 8; ++j) a[j] = _mm512_setzero_ps();
    for (size_t t = 0; t < ntaps; ++t) {
      const __m512 w = _mm512_set1_ps(taps[t]);
      const float* p = src[t] + i;
      for (int j = 0; j < 8; ++j) a[j] = _mm512_fmadd_ps(w, _mm512_loadu_ps(p + 16 * j), a[j]);
    }
    for (int j = 0; j < 8; ++j) _mm512_storeu_ps(out + i + 16 * j, a[j]);
  }
  for (; i + 32 <= n; i += 32) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0;
    for (size_t t = 0; t < ntaps; ++t) {
      const __m512 w = _mm512_set1_ps(taps[t]);
      a0 = _mm512_fmadd_ps(w, _mm512_loadu_ps(src[t] + i), a0);
      a1 = _mm512_fmadd_ps(w, _mm512_loadu_ps(src[t] + i + 16), a1);
    }
    _mm512_storeu_ps(out + i, a0);
    _mm512_storeu_ps(out + i + 16, a1);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = tail16(n - i);
    __m512 a0 = _mm512_setzero_ps();
    for (size_t t = 0; t < ntaps; ++t) {
      a0 = _mm512_fmadd_ps(_mm512_set1_ps(taps[t]), _mm512_maskz_loadu_ps(m, src[t] + i), a0);
    }
    _mm512_mask_storeu_ps(out + i, m, a0);
  }
}

void maxrows_f32(const float* const* src, size_t nsrc, float* out, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail16(n - i);
    __m512 m = _mm512_maskz_loadu_ps(k, src[0] + i);
    for (size_t t = 1; t < nsrc; ++t) m = _mm512_max_ps(_mm512_maskz_loadu_ps(k, src[t] + i), m);
    _mm512_mask_storeu_ps(out + i, k, m);
  }
}

size_t peak_candidates_f32(const float* v, const float* pooled, size_t n, float threshold,
                           uint32_t* idx) {
  const __m512 thr = _mm512_set1_ps(threshold);
  size_t count = 0;
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail16(n - i);
    const __m512 a = _mm512_maskz_loadu_ps(k, v + i);
    const __mmask16 eq = _mm512_mask_cmp_ps_mask(k, a, _mm512_maskz_loadu_ps(k, pooled + i), _CMP_EQ_OQ);
    uint32_t m = _mm512_mask_cmp_ps_mask(eq, a, thr, _CMP_GE_OQ);
    while (m) {
      idx[count++] = static_cast<uint32_t>(i + static_cast<size_t>(__builtin_ctz(m)));
      m &= m - 1;
    }
  }
  return count;
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
