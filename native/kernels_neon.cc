// NEON kernels (4 floats or 16 bytes a vector). NEON is part of every AArch64 CPU, so this
// translation unit needs no target flags and the path is always available there.
#include <arm_neon.h>

#include <cmath>
#include <limits>

#include "kernels.h"

namespace coordconv {
namespace {

inline void note_nonzero_f32(const float* p, size_t base, size_t count, uint64_t* nonzero, uint64_t* first) {
  for (size_t j = 0; j < count && *nonzero < 2; ++j) {
    if (p[base + j] != 0.0f) {
      if (*nonzero == 0) *first = base + j;
      ++*nonzero;
    }
  }
}

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
    if (vminvq_u32(eq) == 0) note_nonzero_f32(p, i, 16, &nonzero, &first);
  }
  note_nonzero_f32(p, i, n - i, &nonzero, &first);
  out->nonzero = nonzero;
  out->first = first;
}

void onehot_u8(const uint8_t* p, size_t n, OneHotScan* out) {
  uint64_t nonzero = 0;
  uint64_t first = n;
  size_t i = 0;
  auto scan = [&](size_t base, size_t count) {
    for (size_t j = 0; j < count && nonzero < 2; ++j) {
      if (p[base + j] != 0) {
        if (nonzero == 0) first = base + j;
        ++nonzero;
      }
    }
  };
  for (; i + 32 <= n && nonzero < 2; i += 32) {
    if (vmaxvq_u8(vorrq_u8(vld1q_u8(p + i), vld1q_u8(p + i + 16))) != 0) scan(i, 32);
  }
  scan(i, n - i);
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

void axpy_f32(float a, const float* x, float* y, size_t n) {
  const float32x4_t va = vdupq_n_f32(a);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t p0 = vmulq_f32(va, vld1q_f32(x + i));
    const float32x4_t p1 = vmulq_f32(va, vld1q_f32(x + i + 4));
    vst1q_f32(y + i, vaddq_f32(vld1q_f32(y + i), p0));
    vst1q_f32(y + i + 4, vaddq_f32(vld1q_f32(y + i + 4), p1));
  }
  for (; i < n; ++i) {
    const float prod = a * x[i];
    y[i] = y[i] + prod;
  }
}

}  // namespace

const Kernels kNeonKernels = {
    .name = "neon",
    .onehot_f32 = onehot_f32,
    .onehot_u8 = onehot_u8,
    .argmax_f32 = argmax_f32,
    .argmax_u8 = argmax_u8,
    .sum_f32 = sum_f32,
    .sum_u8 = sum_u8,
    .relu_f32 = relu_f32,
    .axpy_f32 = axpy_f32,
};

}  // namespace coordconv
