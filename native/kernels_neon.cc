// NEON kernels (4 floats or 16 bytes a vector). NEON is part of every AArch64 CPU, so this
// translation unit needs no target flags and the path is always available there.
#include <arm_neon.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels.h"
#include "prefetch.h"

namespace coordconv {
namespace neon {

constexpr const char* kName = "neon";

// --- The primitives exp_approx.h and simd_generic.h are written on. vmulq/vaddq stay separate
// operations under -ffp-contract=off.
using F = float32x4_t;
using M = uint32x4_t;  // all-ones or all-zero lanes
using D = float64x2_t;
constexpr size_t kLanes = 4;
constexpr size_t kVectorRegisters = 32;
constexpr size_t kConvRows = 8;
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
inline void store(float* p, F v) { vst1q_f32(p, v); }
// Lane by lane, in registers (a copy through a stack buffer costs a round trip per call).
inline F load_first(const float* p, size_t left) {
  if (left >= kLanes) return vld1q_f32(p);
  F v = vdupq_n_f32(0.0f);
  if (left > 0) v = vsetq_lane_f32(p[0], v, 0);
  if (left > 1) v = vsetq_lane_f32(p[1], v, 1);
  if (left > 2) v = vsetq_lane_f32(p[2], v, 2);
  return v;
}
inline void store_first(float* p, F v, size_t left) {
  if (left >= kLanes) return vst1q_f32(p, v);
  if (left > 0) vst1q_lane_f32(p, v, 0);
  if (left > 1) vst1q_lane_f32(p + 1, v, 1);
  if (left > 2) vst1q_lane_f32(p + 2, v, 2);
}
inline M first(size_t left) {
  const uint32_t lanes[4] = {0, 1, 2, 3};
  return vcltq_u32(vld1q_u32(lanes), vdupq_n_u32(static_cast<uint32_t>(left < kLanes ? left : kLanes)));
}
inline F fmadd(F a, F b, F c) { return vfmaq_f32(c, a, b); }
// A 4 x 4 transpose: TRN1/TRN2 on row pairs, then the 64-bit halves recombined.
inline void transpose_tile(const float* src, size_t stride, float* out, size_t out_stride) {
  const float32x4x2_t a = vtrnq_f32(vld1q_f32(src), vld1q_f32(src + stride));
  const float32x4x2_t b = vtrnq_f32(vld1q_f32(src + 2 * stride), vld1q_f32(src + 3 * stride));
  vst1q_f32(out, vcombine_f32(vget_low_f32(a.val[0]), vget_low_f32(b.val[0])));
  vst1q_f32(out + out_stride, vcombine_f32(vget_low_f32(a.val[1]), vget_low_f32(b.val[1])));
  vst1q_f32(out + 2 * out_stride, vcombine_f32(vget_high_f32(a.val[0]), vget_high_f32(b.val[0])));
  vst1q_f32(out + 3 * out_stride, vcombine_f32(vget_high_f32(a.val[1]), vget_high_f32(b.val[1])));
}

// v, in a register: the compiler cannot fold its load into each instruction that reads it (a
// second load of the same bytes, which takes a load slot of its own).
inline F in_register(F v) {
  __asm__("" : "+w"(v));
  return v;
}
inline F max(F a, F b) { return vmaxq_f32(a, b); }
inline F greater_or(F v, F m) { return vbslq_f32(vcgtq_f32(v, m), v, m); }
inline M eq(F a, F b) { return vceqq_f32(a, b); }
inline M is_nan(F v) { return vmvnq_u32(vceqq_f32(v, v)); }
inline M both(M a, M b) { return vandq_u32(a, b); }
inline F select(M m, F a, F b) { return vbslq_f32(m, a, b); }
inline uint32_t bits(M m) {
  const uint32_t weights[4] = {1, 2, 4, 8};
  return vaddvq_u32(vandq_u32(m, vld1q_u32(weights)));
}
inline M gt(F a, F b) { return vcgtq_f32(a, b); }
inline M either(M a, M b) { return vorrq_u32(a, b); }
inline float hmax(F v) { return vmaxvq_f32(v); }
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
// FCVT from half ignores FPCR.FZ and FZ16 (the Arm ARM's FPUnpackCV), so a subnormal half comes out
// as its float under FlushSubnormals too.
inline F load_f16(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
inline F load_f16_first(const uint16_t* p, size_t left) {
  uint16_t lanes[4] = {};
  for (size_t j = 0; j < left && j < 4; ++j) lanes[j] = p[j];
  return load_f16(lanes);
}

inline F load_u8(const uint8_t* p) {
  uint32_t w;
  __builtin_memcpy(&w, p, 4);  // four bytes: vld1_u8 would read eight
  return vcvtq_f32_u32(vmovl_u16(vget_low_u16(vmovl_u8(vcreate_u8(w)))));
}

// The lanes in reverse order: swap within each half (REV64), then swap the halves (EXT).
inline F reverse(F v) {
  const F r = vrev64q_f32(v);
  return vextq_f32(r, r, 2);
}

// One index per set bit, lowest first (a branch per candidate).
inline size_t append_indices(uint32_t* out, size_t count, uint32_t mask, size_t base) {
  for (; mask != 0; mask &= mask - 1) out[count++] = static_cast<uint32_t>(base + static_cast<size_t>(__builtin_ctz(mask)));
  return count;
}

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

// Float16 planes: each block widened to floats as it is loaded (simd_generic.h).
ArgMax argmax_f16(const uint16_t* p, size_t n) { return argmax_plane(p, n); }

// One pass, as argmax_f32 (simd_generic.h): a block of four vectors costs a max tree and one
// across-lanes max compared with the running maximum. Once the maximum is 255 the scan stops.
ArgMax argmax_u8(const uint8_t* p, size_t n) {
  uint8_t best = 0;
  size_t index = 0;
  size_t i = 0;
  for (; i + 64 <= n && best != 255; i += 64) {
    const uint8x16_t v[4] = {vld1q_u8(p + i), vld1q_u8(p + i + 16), vld1q_u8(p + i + 32), vld1q_u8(p + i + 48)};
    const uint8_t top = vmaxvq_u8(vmaxq_u8(vmaxq_u8(v[0], v[1]), vmaxq_u8(v[2], v[3])));
    if (top <= best) continue;
    best = top;
    const uint8x16_t target = vdupq_n_u8(best);
    size_t k = 0;
    while (vmaxvq_u8(vceqq_u8(v[k], target)) == 0) ++k;  // best is a byte of the block
    size_t j = i + 16 * k;
    while (p[j] != best) ++j;
    index = j;
  }
  return argmax_u8_rest(p, i, n, best, index);
}

double sum_u8(const uint8_t* p, size_t n) {
  uint64x2_t s = vdupq_n_u64(0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) s = vpadalq_u32(s, vpaddlq_u16(vpaddlq_u8(vld1q_u8(p + i))));
  uint64_t total = vaddvq_u64(s);
  for (; i < n; ++i) total += p[i];
  return static_cast<double>(total);
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
