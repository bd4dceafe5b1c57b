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

// One tile of a direct convolution (issue 4: the conv2d / coordConv2d engine). For each output
// channel o < out_channels and column x < n:
//   out[o * out_stride + x] = relu?( bias[o] + sum over t < taps, in order, of weight[o * taps + t] * src[t][x] )
// accumulated as acc = fma(w, v, acc): one rounding per tap (std::fma on the scalar path, the FMA
// instruction on AVX2 and AVX-512), in the same order, so every path agrees bit for bit. bias may
// be null (0). relu maps v <= 0 to +0, NaN passes.
struct ConvTile {
  const float* const* src;  // taps row pointers, each readable for n floats
  size_t taps;
  const float* weight;      // out_channels x taps
  const float* bias;        // out_channels, or null
  size_t out_channels;
  float* out;
  size_t out_stride;
  size_t n;
  bool relu;
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
  // Encoder and CoordConv kernels (issue 4).
  // out[i] = exp_approx(-(u * u)) with u = (float(i) + offset) * scale, where exp_approx is the
  // fixed polynomial exp of kernels_common.h (results below 2^-126 flush to +0).
  void (*gauss_f32)(float* out, size_t n, float offset, float scale);
  // out[i] = max(out[i], s * g[i]); g and s finite and >= 0.
  void (*max_scaled_f32)(float* out, const float* g, float s, size_t n);
  // out[i] = max(out[i], u8(floor(s * g[i] + 0.5f))), the sum rounded to float first; s*g in [0, 255].
  void (*max_scaled_u8)(uint8_t* out, const float* g, float s, size_t n);
  void (*conv_tile_f32)(const ConvTile& tile);

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

  // The bitwise OR of n bytes, each read once: a read-only pass with no other work, which the
  // benchmark times as the memory roofline for the decoders. Internal (bench/ only).
  uint8_t (*sweep_u8)(const uint8_t* p, size_t n);
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
