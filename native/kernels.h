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

  // --- Decoder kernels (issue 3). Integer-valued results and fir_f32 are bit-identical on every
  // path; centroid_row_f32 and softmax_row_f32 sum in double in a different order per path and
  // softmax uses each path's own exp (scalar: std::exp), so they agree within 1e-6 relative.
  // out[i] = float(in[i]).
  void (*u8_to_f32)(const uint8_t* in, float* out, size_t n);
  // out[i] = sum over t of taps[t] * src[t][i]: acc = fma(taps[t], src[t][i], acc) from +0 in the
  // order t = 0..ntaps-1. Fused on every path (std::fma, correctly rounded, in scalar; FMA
  // instructions in AVX2/AVX-512), so the paths agree bit for bit and the blur needs half the
  // floating-point operations. One kernel does both passes of a separable filter: src[t] = row + t
  // along rows, src[t] = the row t rows further down the plane.
  void (*fir_f32)(const float* const* src, const float* taps, size_t ntaps, float* out, size_t n);
  // out[i] = max over t of src[t][i] (nsrc >= 1; inputs are finite or -inf).
  void (*maxrows_f32)(const float* const* src, size_t nsrc, float* out, size_t n);
  // Writes, in ascending order, every i with v[i] == pooled[i] and v[i] >= threshold into idx;
  // returns how many. idx has room for n entries.
  size_t (*peak_candidates_f32)(const float* v, const float* pooled, size_t n, float threshold,
                                uint32_t* idx);
  // Over i with p[i] >= cut: sums[0] += p[i], sums[1] += p[i] * i (in double).
  void (*centroid_row_f32)(const float* p, size_t n, float cut, double* sums);
  // With e[i] = exp(beta * (p[i] - max)) computed in float: sums[0] += e[i], sums[1] += e[i] * i
  // (in double). p[i] <= max, all finite.
  void (*softmax_row_f32)(const float* p, size_t n, float max, float beta, double* sums);
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
