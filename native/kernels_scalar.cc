// Scalar reference kernels: the complete implementation every SIMD path is tested against.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels.h"

namespace coordconv {
namespace scalar {

constexpr const char* kName = "scalar";

// The primitives exp_approx.h is written on, one float a "vector".
using F = float;
using M = bool;
inline F splat(float v) { return v; }
inline F add(F a, F b) { return a + b; }
inline F sub(F a, F b) { return a - b; }
inline F mul(F a, F b) { return a * b; }
inline M ge(F a, F b) { return a >= b; }
inline F zero_unless(M m, F v) { return m ? v : 0.0f; }
inline F pow2(F n) {
  const uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(n) + 127) << 23;
  float r;
  std::memcpy(&r, &bits, sizeof r);
  return r;
}

#include "exp_approx.h"
#include "half.h"

template <typename T>
void onehot(const T* p, size_t n, OneHotScan* out) {
  uint64_t nonzero = 0;
  uint64_t first = n;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != T(0)) {  // true for NaN as well
      if (nonzero == 0) first = i;
      if (++nonzero == 2) break;
    }
  }
  out->nonzero = nonzero;
  out->first = first;
}
void onehot_f32(const float* p, size_t n, OneHotScan* out) { onehot(p, n, out); }
void onehot_u8(const uint8_t* p, size_t n, OneHotScan* out) { onehot(p, n, out); }

ArgMax argmax_f32(const float* p, size_t n) {
  ArgMax r{-std::numeric_limits<float>::infinity(), 0, true};
  for (size_t i = 0; i < n; ++i) {
    const float v = p[i];
    if (!std::isfinite(v)) return ArgMax{std::numeric_limits<float>::quiet_NaN(), 0, false};
    if (v > r.value || i == 0) {
      r.value = v;
      r.index = i;
    }
  }
  return r;
}

// Compared as integers, with no conversion in the loop: a finite half's magnitude bits order as
// its value does, so the signed magnitude orders the halves as their floats do (-0 and +0 both
// 0, equal as they are as floats). Only the maximum found is converted.
ArgMax argmax_f16(const uint16_t* p, size_t n) {
  int32_t best = 0;
  size_t index = 0;
  for (size_t i = 0; i < n; ++i) {
    const int32_t magnitude = p[i] & 0x7FFF;
    if (magnitude >= 0x7C00) return ArgMax{std::numeric_limits<float>::quiet_NaN(), 0, false};  // Inf or NaN
    const int32_t key = (p[i] & 0x8000) != 0 ? -magnitude : magnitude;
    if (key > best || i == 0) {
      best = key;
      index = i;
    }
  }
  return n == 0 ? ArgMax{-std::numeric_limits<float>::infinity(), 0, true} : ArgMax{half_to_float(p[index]), index, true};
}

ArgMax argmax_u8(const uint8_t* p, size_t n) {
  ArgMax r{0.0f, 0, true};
  uint8_t best = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] > best) {
      best = p[i];
      r.index = i;
    }
  }
  r.value = static_cast<float>(best);
  return r;
}

// The reference: each channel on its own, gathered with the stride, by the rules above.
void argmax_nhwc_f32(const float* p, size_t pixels, size_t stride, size_t channels, ArgMax* out) {
  for (size_t c = 0; c < channels; ++c) {
    ArgMax r{-std::numeric_limits<float>::infinity(), 0, true};
    for (size_t j = 0; j < pixels; ++j) {
      const float v = p[j * stride + c];
      if (!std::isfinite(v)) {
        r = ArgMax{std::numeric_limits<float>::quiet_NaN(), 0, false};
        break;
      }
      if (v > r.value || j == 0) {
        r.value = v;
        r.index = j;
      }
    }
    out[c] = r;
  }
}

void argmax_nhwc_u8(const uint8_t* p, size_t pixels, size_t stride, size_t channels, ArgMax* out) {
  for (size_t c = 0; c < channels; ++c) {
    uint8_t best = 0;
    uint64_t index = 0;
    for (size_t j = 0; j < pixels; ++j) {
      if (p[j * stride + c] > best) {
        best = p[j * stride + c];
        index = j;
      }
    }
    out[c] = ArgMax{static_cast<float>(best), index, true};
  }
}

double sum_f32(const float* p, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += p[i];
  return s;
}

double sum_u8(const uint8_t* p, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; ++i) s += p[i];
  return static_cast<double>(s);
}

void relu_f32(const float* in, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float v = in[i];
    out[i] = (v <= 0.0f) ? 0.0f : v;  // NaN fails the comparison and passes through
  }
}

void gauss_f32(float* out, size_t n, float offset, float scale) {
  for (size_t i = 0; i < n; ++i) {
    const float u = (static_cast<float>(i) + offset) * scale;
    out[i] = exp_approx(-(u * u));
  }
}

void max_scaled_f32(float* out, const float* g, float s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float v = s * g[i];
    out[i] = std::max(out[i], v);
  }
}

void max_scaled_u8(uint8_t* out, const float* g, float s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float q = s * g[i] + 0.5f;
    const uint8_t v = static_cast<uint8_t>(static_cast<int32_t>(q));
    out[i] = std::max(out[i], v);
  }
}

void conv_tile_f32(const ConvTile& t) {
  for (size_t o = 0; o < t.out_channels; ++o) {
    const float* w = t.weight + o * t.taps;
    const float init = t.bias ? t.bias[o] : 0.0f;
    float* out = t.out + o * t.out_stride;
    for (size_t x = 0; x < t.n; ++x) {
      float acc = init;
      for (size_t k = 0; k < t.taps; ++k) acc = std::fma(w[k], t.src[k][x], acc);
      out[x] = (t.relu && acc <= 0.0f) ? 0.0f : acc;
    }
  }
}

void deinterleave_f32(const float* p, size_t pixels, size_t stride, size_t channels, float* out) {
  for (size_t c = 0; c < channels; ++c) {
    for (size_t j = 0; j < pixels; ++j) out[c * pixels + j] = p[j * stride + c];
  }
}

void u8_to_f32(const uint8_t* in, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

void f16_to_f32(const uint16_t* in, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = half_to_float(in[i]);
}

void fir_f32(const float* const* src, const float* const* mirror, const float* taps, size_t ntaps, float* out,
             size_t n) {
  for (size_t i = 0; i < n; ++i) {
    float acc = 0.0f;
    for (size_t t = 0; t < ntaps; ++t) {
      const float* m = mirror ? mirror[t] : nullptr;
      acc = std::fma(taps[t], m ? src[t][i] + m[i] : src[t][i], acc);
    }
    out[i] = acc;
  }
}

void maxrows_f32(const float* const* src, size_t nsrc, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    float m = src[0][i];
    for (size_t t = 1; t < nsrc; ++t) m = src[t][i] > m ? src[t][i] : m;
    out[i] = m;
  }
}

size_t peak_candidates_f32(const float* v, const float* const* rows, size_t nrows, size_t n, float threshold,
                           uint32_t* idx) {
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    float m = rows[0][i];
    for (size_t t = 1; t < nrows; ++t) m = rows[t][i] > m ? rows[t][i] : m;
    if (v[i] == m && v[i] >= threshold) idx[count++] = static_cast<uint32_t>(i);
  }
  return count;
}

void centroid_row_f32(const float* p, size_t n, float cut, double* sums) {
  double w = 0.0, wx = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] >= cut) {
      w += p[i];
      wx += static_cast<double>(p[i]) * static_cast<double>(i);
    }
  }
  sums[0] += w;
  sums[1] += wx;
}

void softmax_row_f32(const float* p, size_t n, float max, float beta, double* sums) {
  double s = 0.0, sx = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const float d = p[i] - max;
    const double e = exp_approx(beta * d);  // the float result, widened
    s += e;
    sx += e * static_cast<double>(i);
  }
  sums[0] += s;
  sums[1] += sx;
}

void mean_f32(const float* a, const float* b, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = (a[i] + b[i]) * 0.5f;
}

void mean_reversed_f32(const float* a, const float* b, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = (a[i] + b[n - 1 - i]) * 0.5f;
}

uint8_t sweep_u8(const uint8_t* p, size_t n) {
  uint8_t r = 0;
  for (size_t i = 0; i < n; ++i) r |= p[i];
  return r;
}

#include "kernel_table.h"

}  // namespace scalar

const Kernels kScalarKernels = scalar::kTable;

}  // namespace coordconv
