// AVX2 kernels (8 floats or 32 bytes a vector). Compiled with -mavx2 -mfma; only reached
// after the dispatcher has seen both features on the CPU.
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels.h"

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
inline F load_first(const float* p, size_t left) { return _mm256_maskload_ps(p, tail8(left)); }
inline void store_first(float* p, F v, size_t left) { _mm256_maskstore_ps(p, tail8(left), v); }
inline M first(size_t left) { return _mm256_castsi256_ps(tail8(left)); }
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

inline float hmax(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

ArgMax argmax_f32(const float* p, size_t n) {
  const ArgMax bad{std::numeric_limits<float>::quiet_NaN(), 0, false};
  if (n == 0) return ArgMax{-std::numeric_limits<float>::infinity(), 0, true};
  // Pass 1: the maximum, and whether any element is non-finite (v - v is NaN exactly then).
  __m256 m0 = _mm256_set1_ps(-std::numeric_limits<float>::infinity()), m1 = m0;
  __m256 nf = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_ahead(p + i, 1);
    const __m256 a = _mm256_loadu_ps(p + i), b = _mm256_loadu_ps(p + i + 8);
    m0 = _mm256_max_ps(m0, a);
    m1 = _mm256_max_ps(m1, b);
    nf = _mm256_or_ps(nf, _mm256_or_ps(_mm256_cmp_ps(_mm256_sub_ps(a, a), _mm256_sub_ps(a, a),
                                                     _CMP_UNORD_Q),
                                       _mm256_cmp_ps(_mm256_sub_ps(b, b), _mm256_sub_ps(b, b),
                                                     _CMP_UNORD_Q)));
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_loadu_ps(p + i);
    m0 = _mm256_max_ps(m0, a);
    nf = _mm256_or_ps(nf, _mm256_cmp_ps(_mm256_sub_ps(a, a), _mm256_sub_ps(a, a), _CMP_UNORD_Q));
  }
  if (!_mm256_testz_ps(nf, nf)) return bad;
  float best = hmax(_mm256_max_ps(m0, m1));
  for (; i < n; ++i) {
    if (!std::isfinite(p[i])) return bad;
    if (p[i] > best) best = p[i];
  }
  // Pass 2: the first index equal to the maximum; the plane is hot in cache from pass 1.
  const __m256 target = _mm256_set1_ps(best);
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const uint32_t m = static_cast<uint32_t>(
        _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p + j), target, _CMP_EQ_OQ)));
    if (m) {
      const size_t k = j + static_cast<size_t>(__builtin_ctz(m));
      return ArgMax{p[k], k, true};
    }
  }
  for (; j < n; ++j) {
    if (p[j] == best) return ArgMax{p[j], j, true};
  }
  return bad;  // unreachable: the maximum is an element
}

ArgMax argmax_u8(const uint8_t* p, size_t n) {
  if (n == 0) return ArgMax{0.0f, 0, true};
  __m256i m = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    if ((i & 63) == 0) prefetch_ahead(p + i, 1);
    m = _mm256_max_epu8(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
  }
  __m128i h = _mm_max_epu8(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 8));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 4));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 2));
  h = _mm_max_epu8(h, _mm_srli_si128(h, 1));
  uint8_t best = static_cast<uint8_t>(_mm_cvtsi128_si32(h));
  for (; i < n; ++i) {
    if (p[i] > best) best = p[i];
  }
  const __m256i target = _mm256_set1_epi8(static_cast<char>(best));
  size_t j = 0;
  for (; j + 32 <= n; j += 32) {
    const uint32_t mask = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + j)), target)));
    if (mask) {
      const size_t k = j + static_cast<size_t>(__builtin_ctz(mask));
      return ArgMax{static_cast<float>(best), k, true};
    }
  }
  for (; j < n; ++j) {
    if (p[j] == best) return ArgMax{static_cast<float>(best), j, true};
  }
  return ArgMax{static_cast<float>(best), 0, true};  // unreachable
}

double sum_f32(const float* p, size_t n) {
  __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_add_pd(s0, _mm256_cvtps_pd(_mm_loadu_ps(p + i)));
    s1 = _mm256_add_pd(s1, _mm256_cvtps_pd(_mm_loadu_ps(p + i + 4)));
    s2 = _mm256_add_pd(s2, _mm256_cvtps_pd(_mm_loadu_ps(p + i + 8)));
    s3 = _mm256_add_pd(s3, _mm256_cvtps_pd(_mm_loadu_ps(p + i + 12)));
  }
  const __m256d s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
  __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
  double total = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
  for (; i < n; ++i) total += p[i];
  return total;
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

void relu_f32(const float* in, float* out, size_t n) {
  const __m256 zero = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(in + i);
    // max returns its second operand (+0) for v <= 0 and for NaN; NaN is put back by the blend.
    const __m256 r = _mm256_max_ps(v, zero);
    _mm256_storeu_ps(out + i, _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
  }
  for (; i < n; ++i) {
    const float v = in[i];
    out[i] = (v <= 0.0f) ? 0.0f : v;
  }
}

void max_scaled_f32(float* out, const float* g, float s, size_t n) {
  const __m256 vs = _mm256_set1_ps(s);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = _mm256_mul_ps(vs, _mm256_loadu_ps(g + i));
    const __m256 b = _mm256_mul_ps(vs, _mm256_loadu_ps(g + i + 8));
    _mm256_storeu_ps(out + i, _mm256_max_ps(_mm256_loadu_ps(out + i), a));
    _mm256_storeu_ps(out + i + 8, _mm256_max_ps(_mm256_loadu_ps(out + i + 8), b));
  }
  for (; i < n; i += 8) {
    const __m256i t = tail8(n - i);
    const __m256 a = _mm256_mul_ps(vs, _mm256_maskload_ps(g + i, t));
    _mm256_maskstore_ps(out + i, t, _mm256_max_ps(_mm256_maskload_ps(out + i, t), a));
  }
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

// OB output channels by two vectors (16 columns) of accumulators; masks cover the column tail.
template <size_t OB>
void conv_block(const ConvTile& t, size_t o0, size_t x, __m256i m0, __m256i m1) {
  // Named accumulators, not an array, so that every one stays in a register.
  __m256 a0_0, a1_0;
  __m256 a0_1, a1_1;
  __m256 a0_2, a1_2;
  __m256 a0_3, a1_3;
  const float* bias = t.bias ? t.bias + o0 : nullptr;
  if constexpr (OB > 0) a0_0 = a1_0 = _mm256_set1_ps(bias ? bias[0] : 0.0f);
  if constexpr (OB > 1) a0_1 = a1_1 = _mm256_set1_ps(bias ? bias[1] : 0.0f);
  if constexpr (OB > 2) a0_2 = a1_2 = _mm256_set1_ps(bias ? bias[2] : 0.0f);
  if constexpr (OB > 3) a0_3 = a1_3 = _mm256_set1_ps(bias ? bias[3] : 0.0f);
  const size_t taps = t.taps;
  const float* w = t.weight + o0 * taps;
  for (size_t k = 0; k < taps; ++k) {
    const float* s = t.src[k] + x;
    const __m256 v0 = _mm256_maskload_ps(s, m0);
    const __m256 v1 = _mm256_maskload_ps(s + 8, m1);
    if constexpr (OB > 0) {
      const __m256 wj = _mm256_set1_ps(w[0 * taps + k]);
      a0_0 = _mm256_fmadd_ps(wj, v0, a0_0);
      a1_0 = _mm256_fmadd_ps(wj, v1, a1_0);
    }
    if constexpr (OB > 1) {
      const __m256 wj = _mm256_set1_ps(w[1 * taps + k]);
      a0_1 = _mm256_fmadd_ps(wj, v0, a0_1);
      a1_1 = _mm256_fmadd_ps(wj, v1, a1_1);
    }
    if constexpr (OB > 2) {
      const __m256 wj = _mm256_set1_ps(w[2 * taps + k]);
      a0_2 = _mm256_fmadd_ps(wj, v0, a0_2);
      a1_2 = _mm256_fmadd_ps(wj, v1, a1_2);
    }
    if constexpr (OB > 3) {
      const __m256 wj = _mm256_set1_ps(w[3 * taps + k]);
      a0_3 = _mm256_fmadd_ps(wj, v0, a0_3);
      a1_3 = _mm256_fmadd_ps(wj, v1, a1_3);
    }
  }
  auto put = [&](size_t j, __m256 r0, __m256 r1) {
    if (t.relu) {
      // v <= 0 becomes +0; NaN fails the comparison and passes through, as in the scalar path.
      const __m256 zero = _mm256_setzero_ps();
      r0 = _mm256_blendv_ps(r0, zero, _mm256_cmp_ps(r0, zero, _CMP_LE_OQ));
      r1 = _mm256_blendv_ps(r1, zero, _mm256_cmp_ps(r1, zero, _CMP_LE_OQ));
    }
    float* out = t.out + (o0 + j) * t.out_stride + x;
    _mm256_maskstore_ps(out, m0, r0);
    _mm256_maskstore_ps(out + 8, m1, r1);
  };
  if constexpr (OB > 0) put(0, a0_0, a1_0);
  if constexpr (OB > 1) put(1, a0_1, a1_1);
  if constexpr (OB > 2) put(2, a0_2, a1_2);
  if constexpr (OB > 3) put(3, a0_3, a1_3);
}

void conv_tile_f32(const ConvTile& t) {
  for (size_t x = 0; x < t.n; x += 16) {
    const __m256i m0 = tail8(t.n - x);
    const __m256i m1 = t.n - x > 8 ? tail8(t.n - x - 8) : _mm256_setzero_si256();
    size_t o = 0;
    for (; o + 4 <= t.out_channels; o += 4) conv_block<4>(t, o, x, m0, m1);
    if (o + 2 <= t.out_channels) conv_block<2>(t, o, x, m0, m1), o += 2;
    if (o < t.out_channels) conv_block<1>(t, o, x, m0, m1);
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

void fir_f32(const float* const* src, const float* taps, size_t ntaps, float* out, size_t n) {
  // Eight independent accumulators keep the adds' latency hidden; each output still sums its
  // taps in order 0..ntaps-1, exactly as the scalar kernel does.
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m256 a[8];
    for (int j = 0; j < 8; ++j) a[j] = _mm256_setzero_ps();
    for (size_t t = 0; t < ntaps; ++t) {
      const __m256 w = _mm256_broadcast_ss(taps + t);
      const float* p = src[t] + i;
      for (int j = 0; j < 8; ++j) a[j] = _mm256_fmadd_ps(w, _mm256_loadu_ps(p + 8 * j), a[j]);
    }
    for (int j = 0; j < 8; ++j) _mm256_storeu_ps(out + i + 8 * j, a[j]);
  }
  for (; i + 16 <= n; i += 16) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    for (size_t t = 0; t < ntaps; ++t) {
      const __m256 w = _mm256_broadcast_ss(taps + t);
      a0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(src[t] + i), a0);
      a1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(src[t] + i + 8), a1);
    }
    _mm256_storeu_ps(out + i, a0);
    _mm256_storeu_ps(out + i + 8, a1);
  }
  for (; i + 8 <= n; i += 8) {
    __m256 a0 = _mm256_setzero_ps();
    for (size_t t = 0; t < ntaps; ++t) {
      a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(taps + t), _mm256_loadu_ps(src[t] + i), a0);
    }
    _mm256_storeu_ps(out + i, a0);
  }
  for (; i < n; ++i) {
    float acc = 0.0f;
    for (size_t t = 0; t < ntaps; ++t) acc = std::fma(taps[t], src[t][i], acc);
    out[i] = acc;
  }
}

void maxrows_f32(const float* const* src, size_t nsrc, float* out, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 m = _mm256_loadu_ps(src[0] + i);
    for (size_t t = 1; t < nsrc; ++t) m = _mm256_max_ps(_mm256_loadu_ps(src[t] + i), m);
    _mm256_storeu_ps(out + i, m);
  }
  for (; i < n; ++i) {
    float m = src[0][i];
    for (size_t t = 1; t < nsrc; ++t) m = src[t][i] > m ? src[t][i] : m;
    out[i] = m;
  }
}

size_t peak_candidates_f32(const float* v, const float* pooled, size_t n, float threshold,
                           uint32_t* idx) {
  const __m256 thr = _mm256_set1_ps(threshold);
  size_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_loadu_ps(v + i);
    const __m256 hit = _mm256_and_ps(_mm256_cmp_ps(a, _mm256_loadu_ps(pooled + i), _CMP_EQ_OQ),
                                     _mm256_cmp_ps(a, thr, _CMP_GE_OQ));
    uint32_t m = static_cast<uint32_t>(_mm256_movemask_ps(hit));
    while (m) {
      idx[count++] = static_cast<uint32_t>(i + static_cast<size_t>(__builtin_ctz(m)));
      m &= m - 1;
    }
  }
  for (; i < n; ++i) {
    if (v[i] == pooled[i] && v[i] >= threshold) idx[count++] = static_cast<uint32_t>(i);
  }
  return count;
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
