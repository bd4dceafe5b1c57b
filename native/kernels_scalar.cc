// Scalar reference kernels: the complete implementation every SIMD path is tested against.
#include <cmath>
#include <limits>

#include "kernels.h"

namespace coordconv {
namespace {

template <typename T>
void onehot_scalar(const T* p, size_t n, OneHotScan* out) {
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

void axpy_f32(float a, const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float prod = a * x[i];
    y[i] = y[i] + prod;
  }
}

uint8_t sweep_u8(const uint8_t* p, size_t n) {
  uint8_t r = 0;
  for (size_t i = 0; i < n; ++i) r |= p[i];
  return r;
}

}  // namespace

const Kernels kScalarKernels = {
    .name = "scalar",
    .onehot_f32 = onehot_scalar<float>,
    .onehot_u8 = onehot_scalar<uint8_t>,
    .argmax_f32 = argmax_f32,
    .argmax_u8 = argmax_u8,
    .sum_f32 = sum_f32,
    .sum_u8 = sum_u8,
    .relu_f32 = relu_f32,
    .axpy_f32 = axpy_f32,
    .sweep_u8 = sweep_u8,
};

}  // namespace coordconv
