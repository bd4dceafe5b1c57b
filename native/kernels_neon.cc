// NEON kernels (4 floats or 16 bytes a vector). NEON is part of every AArch64 CPU, so this
// translation unit needs no target flags and the path is always available there.
#include <arm_neon.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels.h"

namespace coordconv {
namespace neon {

constexpr const char* kName = "neon";

// --- The primitives exp_approx.h and simd_generic.h are written on. vmulq/vaddq stay separate
// operations under -ffp-contract=off.
using F = float32x4_t;
using M = uint32x4_t;  // all-ones or all-zero lanes
using D = float64x2_t;
constexpr size_t kLanes = 4;
inline F splat(float v) { return vdupq_n_f32(v); }
inline F add(F a, F b) { return vaddq_f32(a, b); }
inline F sub(F a, F b) { return vsubq_f32(a, b); }
inline F mul(F a, F b) { return vmulq_f32(a, b); }
inline F neg(F v) { return vnegq_f32(v); }
inline M ge(F a, F b) { return vcgeq_f32(a, b); }
inline F zero_unless(M m, F v) { return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(v), m)); }
inline F pow2(F n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23));
}
inline F iota() {
  const float lanes[4] = {0, 1, 2, 3};
  return vld1q_f32(lanes);
}
inline F load(const float* p) { return vld1q_f32(p); }
inline F load_first(const float* p, size_t left) {
  if (left >= kLanes) return vld1q_f32(p);
  float tmp[4] = {0, 0, 0, 0};
  for (size_t j = 0; j < left; ++j) tmp[j] = p[j];
  return vld1q_f32(tmp);
}
inline void store_first(float* p, F v, size_t left) {
  if (left >= kLanes) return vst1q_f32(p, v);
  float tmp[4];
  vst1q_f32(tmp, v);
  for (size_t j = 0; j < left; ++j) p[j] = tmp[j];
}
inline M first(size_t left) {
  const uint32_t lanes[4] = {0, 1, 2, 3};
  return vcltq_u32(vld1q_u32(lanes), vdupq_n_u32(static_cast<uint32_t>(left < kLanes ? left : kLanes)));
}
inline D splat_d(double v) { return vdupq_n_f64(v); }
inline D add(D a, D b) { return vaddq_f64(a, b); }
inline D mul(D a, D b) { return vmulq_f64(a, b); }
inline D widen_lo(F v) { return vcvt_f64_f32(vget_low_f32(v)); }
inline D widen_hi(F v) { return vcvt_high_f64_f32(v); }
inline D index_d() {
  const double lanes[2] = {0.0, 1.0};
  return vld1q_f64(lanes);
}
inline double reduce(D v) { return vaddvq_f64(v); }

#include "simd_generic.h"

void onehot_f32(const float* p, size_t n, OneHotScan* out) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  uint64_t nonzero = 0;
  uint64_t first = n;
  size_t i = 0;
  for (; i + 16 <= n && nonzero < 2; i += 16) {
    // A lane is non-zero when it does not compare equal to 0 (NaN included).
    const uint32x4_t eq = vandq_u32(
        vandq_u32(vceqq_f32(vld1q_f32(p + i), zero), vceqq_f32(vld1q_f32(p + i + 4), zero)),
        vandq_u32(vceqq_f32(vld1q_f32(p + i + 8), zero), vceqq_f32(vld1q_f32(p + i + 12), zero)));
    if (vminvq_u32(eq) == 0) note_nonzero_each(p, i, i + 16, &nonzero, &first);
  }
  note_nonzero_each(p, i, n, &nonzero, &first);
  out->nonzero = nonzero;
  out->first = first;
}

void onehot_u8(const uint8_t* p, size_t n, OneHotScan* out) {
  uint64_t nonzero = 0;
  uint64_t first = n;
  size_t i = 0;
  for (; i + 32 <= n && nonzero < 2; i += 32) {
    if (vmaxvq_u8(vorrq_u8(vld1q_u8(p + i), vld1q_u8(p + i + 16))) != 0) note_nonzero_each(p, i, i + 32, &nonzero, &first);
  }
  note_nonzero_each(p, i, n, &nonzero, &first);
  out->nonzero = nonzero;
  out->first = first;
}

ArgMax argmax_f32(const float* p, size_t n) {
  const ArgMax bad{std::numeric_limits<float>::quiet_NaN(), 0, false};
  if (n == 0) return ArgMax{-std::numeric_limits<float>::infinity(), 0, true};
  float32x4_t m0 = vdupq_n_f32(-std::numeric_limits<float>::infinity()), m1 = m0;
  uint32x4_t finite = vdupq_n_u32(~0u);  // v - v equals itself only when v is finite
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t a = vld1q_f32(p + i), b = vld1q_f32(p + i + 4);
    m0 = vmaxq_f32(m0, a);
    m1 = vmaxq_f32(m1, b);
    const float32x4_t da = vsubq_f32(a, a), db = vsubq_f32(b, b);
    finite = vandq_u32(finite, vandq_u32(vceqq_f32(da, da), vceqq_f32(db, db)));
  }
  if (vminvq_u32(finite) == 0) return bad;
  float best = vmaxvq_f32(vmaxq_f32(m0, m1));
  for (; i < n; ++i) {
    if (!std::isfinite(p[i])) return bad;
    if (p[i] > best) best = p[i];
  }
  const float32x4_t target = vdupq_n_f32(best);
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    if (vmaxvq_u32(vceqq_f32(vld1q_f32(p + j), target)) != 0) break;
  }
  for (; j < n; ++j) {
    if (p[j] == best) return ArgMax{p[j], j, true};
  }
  return bad;  // unreachable: the maximum is an element
}

ArgMax argmax_u8(const uint8_t* p, size_t n) {
  if (n == 0) return ArgMax{0.0f, 0, true};
  uint8x16_t m = vdupq_n_u8(0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) m = vmaxq_u8(m, vld1q_u8(p + i));
  uint8_t best = vmaxvq_u8(m);
  for (; i < n; ++i) {
    if (p[i] > best) best = p[i];
  }
  const uint8x16_t target = vdupq_n_u8(best);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    if (vmaxvq_u8(vceqq_u8(vld1q_u8(p + j), target)) != 0) break;
  }
  for (; j < n; ++j) {
    if (p[j] == best) return ArgMax{static_cast<float>(best), j, true};
  }
  return ArgMax{static_cast<float>(best), 0, true};  // unreachable
}

double sum_f32(const float* p, size_t n) {
  float64x2_t s0 = vdupq_n_f64(0.0), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t a = vld1q_f32(p + i), b = vld1q_f32(p + i + 4);
    s0 = vaddq_f64(s0, vcvt_f64_f32(vget_low_f32(a)));
    s1 = vaddq_f64(s1, vcvt_high_f64_f32(a));
    s2 = vaddq_f64(s2, vcvt_f64_f32(vget_low_f32(b)));
    s3 = vaddq_f64(s3, vcvt_high_f64_f32(b));
  }
  double total = vaddvq_f64(vaddq_f64(vaddq_f64(s0, s1), vaddq_f64(s2, s3)));
  for (; i < n; ++i) total += p[i];
  return total;
}

double sum_u8(const uint8_t* p, size_t n) {
  uint64x2_t s = vdupq_n_u64(0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) s = vpadalq_u32(s, vpaddlq_u16(vpaddlq_u8(vld1q_u8(p + i))));
  uint64_t total = vaddvq_u64(s);
  for (; i < n; ++i) total += p[i];
  return static_cast<double>(total);
}

void relu_f32(const float* in, float* out, size_t n) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = vld1q_f32(in + i);
    // FMAX gives +0 for -0; NaN lanes keep v itself, bit for bit, as the scalar path does.
    const uint32x4_t is_number = vceqq_f32(v, v);
    vst1q_f32(out + i, vbslq_f32(is_number, vmaxq_f32(v, zero), v));
  }
  for (; i < n; ++i) {
    const float v = in[i];
    out[i] = (v <= 0.0f) ? 0.0f : v;
  }
}

void u8_to_f32(const uint8_t* in, float* out, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const uint8x16_t b = vld1q_u8(in + i);
    const uint16x8_t lo = vmovl_u8(vget_low_u8(b)), hi = vmovl_high_u8(b);
    vst1q_f32(out + i, vcvtq_f32_u32(vmovl_u16(vget_low_u16(lo))));
    vst1q_f32(out + i + 4, vcvtq_f32_u32(vmovl_high_u16(lo)));
    vst1q_f32(out + i + 8, vcvtq_f32_u32(vmovl_u16(vget_low_u16(hi))));
    vst1q_f32(out + i + 12, vcvtq_f32_u32(vmovl_high_u16(hi)));
  }
  for (; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

void fir_f32(const float* const* src, const float* taps, size_t ntaps, float* out, size_t n) {
  // vfmaq_f32 is a fused multiply-add (one rounding), as std::fma in the scalar kernel.
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (size_t t = 0; t < ntaps; ++t) {
      const float32x4_t w = vdupq_n_f32(taps[t]);
      const float* p = src[t] + i;
      a0 = vfmaq_f32(a0, w, vld1q_f32(p));
      a1 = vfmaq_f32(a1, w, vld1q_f32(p + 4));
      a2 = vfmaq_f32(a2, w, vld1q_f32(p + 8));
      a3 = vfmaq_f32(a3, w, vld1q_f32(p + 12));
    }
    vst1q_f32(out + i, a0);
    vst1q_f32(out + i + 4, a1);
    vst1q_f32(out + i + 8, a2);
    vst1q_f32(out + i + 12, a3);
  }
  for (; i + 4 <= n; i += 4) {
    float32x4_t a0 = vdupq_n_f32(0.0f);
    for (size_t t = 0; t < ntaps; ++t) a0 = vfmaq_f32(a0, vdupq_n_f32(taps[t]), vld1q_f32(src[t] + i));
    vst1q_f32(out + i, a0);
  }
  for (; i < n; ++i) {
    float acc = 0.0f;
    for (size_t t = 0; t < ntaps; ++t) acc = std::fma(taps[t], src[t][i], acc);
    out[i] = acc;
  }
}

void maxrows_f32(const float* const* src, size_t nsrc, float* out, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    float32x4_t m = vld1q_f32(src[0] + i);
    for (size_t t = 1; t < nsrc; ++t) {
      const float32x4_t v = vld1q_f32(src[t] + i);
      m = vbslq_f32(vcgtq_f32(v, m), v, m);  // the scalar rule: replace only when greater
    }
    vst1q_f32(out + i, m);
  }
  for (; i < n; ++i) {
    float m = src[0][i];
    for (size_t t = 1; t < nsrc; ++t) m = src[t][i] > m ? src[t][i] : m;
    out[i] = m;
  }
}

size_t peak_candidates_f32(const float* v, const float* pooled, size_t n, float threshold,
                           uint32_t* idx) {
  const float32x4_t thr = vdupq_n_f32(threshold);
  size_t count = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t a = vld1q_f32(v + i);
    const uint32x4_t hit = vandq_u32(vceqq_f32(a, vld1q_f32(pooled + i)), vcgeq_f32(a, thr));
    if (vmaxvq_u32(hit) == 0) continue;
    uint32_t lanes[4];
    vst1q_u32(lanes, hit);
    for (size_t j = 0; j < 4; ++j) {
      if (lanes[j]) idx[count++] = static_cast<uint32_t>(i + j);
    }
  }
  for (; i < n; ++i) {
    if (v[i] == pooled[i] && v[i] >= threshold) idx[count++] = static_cast<uint32_t>(i);
  }
  return count;
}

void max_scaled_f32(float* out, const float* g, float s, size_t n) {
  const float32x4_t vs = vdupq_n_f32(s);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(out + i, vmaxq_f32(vld1q_f32(out + i), vmulq_f32(vs, vld1q_f32(g + i))));
  for (; i < n; ++i) {
    const float v = s * g[i];
    out[i] = out[i] < v ? v : out[i];
  }
}

void max_scaled_u8(uint8_t* out, const float* g, float s, size_t n) {
  const float32x4_t vs = vdupq_n_f32(s), half = vdupq_n_f32(0.5f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint32x4_t a = vcvtq_u32_f32(vaddq_f32(vmulq_f32(vs, vld1q_f32(g + i)), half));
    const uint32x4_t b = vcvtq_u32_f32(vaddq_f32(vmulq_f32(vs, vld1q_f32(g + i + 4)), half));
    const uint8x8_t v = vmovn_u16(vcombine_u16(vmovn_u32(a), vmovn_u32(b)));
    vst1_u8(out + i, vmax_u8(vld1_u8(out + i), v));
  }
  for (; i < n; ++i) {
    const float q = s * g[i] + 0.5f;
    const uint8_t v = static_cast<uint8_t>(static_cast<int32_t>(q));
    out[i] = out[i] > v ? out[i] : v;
  }
}

// OB output channels by two vectors (8 columns), fused multiply-adds (vfmaq_f32, as std::fma).
template <size_t OB>
void conv_block(const ConvTile& t, size_t o0, size_t x) {
  float32x4_t a0[OB], a1[OB];
  for (size_t j = 0; j < OB; ++j) a0[j] = a1[j] = vdupq_n_f32(t.bias ? t.bias[o0 + j] : 0.0f);
  const float* w = t.weight + o0 * t.taps;
  for (size_t k = 0; k < t.taps; ++k) {
    const float32x4_t v0 = vld1q_f32(t.src[k] + x), v1 = vld1q_f32(t.src[k] + x + 4);
    for (size_t j = 0; j < OB; ++j) {
      const float32x4_t wj = vdupq_n_f32(w[j * t.taps + k]);
      a0[j] = vfmaq_f32(a0[j], wj, v0);
      a1[j] = vfmaq_f32(a1[j], wj, v1);
    }
  }
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (size_t j = 0; j < OB; ++j) {
    float32x4_t r0 = a0[j], r1 = a1[j];
    if (t.relu) {
      // v <= 0 becomes +0; NaN fails the comparison and passes through, as in the scalar path.
      r0 = vbslq_f32(vcleq_f32(r0, zero), zero, r0);
      r1 = vbslq_f32(vcleq_f32(r1, zero), zero, r1);
    }
    float* out = t.out + (o0 + j) * t.out_stride + x;
    vst1q_f32(out, r0);
    vst1q_f32(out + 4, r1);
  }
}

void conv_tile_f32(const ConvTile& t) {
  size_t x = 0;
  for (; x + 8 <= t.n; x += 8) {
    size_t o = 0;
    for (; o + 8 <= t.out_channels; o += 8) conv_block<8>(t, o, x);
    if (o + 4 <= t.out_channels) conv_block<4>(t, o, x), o += 4;
    if (o + 2 <= t.out_channels) conv_block<2>(t, o, x), o += 2;
    if (o < t.out_channels) conv_block<1>(t, o, x);
  }
  // The last columns, as the scalar path computes them.
  for (size_t o = 0; o < t.out_channels && x < t.n; ++o) {
    const float* w = t.weight + o * t.taps;
    float* out = t.out + o * t.out_stride;
    for (size_t c = x; c < t.n; ++c) {
      float acc = t.bias ? t.bias[o] : 0.0f;
      for (size_t k = 0; k < t.taps; ++k) acc = std::fma(w[k], t.src[k][c], acc);
      out[c] = (t.relu && acc <= 0.0f) ? 0.0f : acc;
    }
  }
}

uint8_t sweep_u8(const uint8_t* p, size_t n) {
  // Four independent accumulators keep four 16-byte loads in flight per iteration.
  uint8x16_t a0 = vdupq_n_u8(0), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = vorrq_u8(a0, vld1q_u8(p + i));
    a1 = vorrq_u8(a1, vld1q_u8(p + i + 16));
    a2 = vorrq_u8(a2, vld1q_u8(p + i + 32));
    a3 = vorrq_u8(a3, vld1q_u8(p + i + 48));
  }
  for (; i + 16 <= n; i += 16) a0 = vorrq_u8(a0, vld1q_u8(p + i));
  const uint64x2_t a = vreinterpretq_u64_u8(vorrq_u8(vorrq_u8(a0, a1), vorrq_u8(a2, a3)));
  uint64_t w = vgetq_lane_u64(a, 0) | vgetq_lane_u64(a, 1);
  w |= w >> 32;
  w |= w >> 16;
  w |= w >> 8;
  uint8_t r = static_cast<uint8_t>(w);
  for (; i < n; ++i) r |= p[i];
  return r;
}

#include "kernel_table.h"

}  // namespace neon

const Kernels kNeonKernels = neon::kTable;

}  // namespace coordconv
