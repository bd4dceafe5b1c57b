// The per-ISA kernel table. Every entry has a scalar reference in kernels_scalar.cc; the SIMD
// translation units fill the same table and must return bit-identical results, except sum_f32,
// whose double-precision accumulation order differs (relative difference below 1e-12).
#pragma once

#include <cstddef>
#include <cstdint>

namespace coordconv {

// Result of scanning a plane for a one-hot pixel. NaN counts as non-zero.
struct OneHotScan {
  uint64_t nonzero;  // number of non-zero elements, saturated at 2 (the scan stops there)
  uint64_t first;    // index of the first non-zero element, or n when there is none
};

// Result of an argmax. When any element is NaN or infinite, finite is false, index is 0 and
// value is NaN, on every path.
struct ArgMax {
  float value;     // the maximum, read back from the input at index
  uint64_t index;  // first index holding the maximum
  bool finite;     // every element was finite
};

struct Kernels {
  const char* name;
  void (*onehot_f32)(const float* p, size_t n, OneHotScan* out);
  void (*onehot_u8)(const uint8_t* p, size_t n, OneHotScan* out);
  ArgMax (*argmax_f32)(const float* p, size_t n);
  ArgMax (*argmax_u8)(const uint8_t* p, size_t n);
  double (*sum_f32)(const float* p, size_t n);
  double (*sum_u8)(const uint8_t* p, size_t n);
  // out[i] = in[i] > 0 ? in[i] : +0, NaN propagates.
  void (*relu_f32)(const float* in, float* out, size_t n);
  // y[i] = y[i] + a * x[i], rounded after the product and after the sum (never fused), so every
  // path accumulates a convolution bit for bit alike.
  void (*axpy_f32)(float a, const float* x, float* y, size_t n);
};

extern const Kernels kScalarKernels;
#if defined(__x86_64__) || defined(_M_X64)
extern const Kernels kAvx2Kernels;
extern const Kernels kAvx512Kernels;
#endif
#if defined(__aarch64__)
extern const Kernels kNeonKernels;
#endif

}  // namespace coordconv
