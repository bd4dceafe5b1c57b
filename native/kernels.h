// The per-ISA kernel table. Every entry has a scalar reference in kernels_scalar.cc; the SIMD
// translation units fill the same table (kernel_table.h, written once) and must return
// bit-identical results, except the double sums of sum_f32, centroid_row_f32 and
// softmax_row_f32, whose accumulation order differs per path (see each entry).
#pragma once

#include <cstddef>
#include <cstdint>

namespace coordconv {

// The entries past n that peak_candidates_f32 may write (a vector of 16 indices).
constexpr size_t kIndexSlack = 16;

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

// One tile of a direct convolution (the conv2d / coordConv2d engine). For each output
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

// One entry of the table: a function the table must give. It has no default constructor and
// refuses nullptr, so a table that leaves an entry out does not compile, on every compiler (a
// plain pointer member would be zero-filled with at most a warning, and crash at its first
// call). A call k.entry(args) goes through the conversion to the function pointer.
template <typename Fn>
class Required {
 public:
  constexpr Required(Fn* fn) : fn_(fn) {}  // implicit, so that a table reads `.entry = function`
  Required(std::nullptr_t) = delete;
  constexpr operator Fn*() const { return fn_; }

 private:
  Fn* fn_;
};

struct Kernels {
  const char* name;  // never null: kernel_table.h checks it at compile time
  Required<void(const float* p, size_t n, OneHotScan* out)> onehot_f32;
  Required<void(const uint8_t* p, size_t n, OneHotScan* out)> onehot_u8;
  Required<ArgMax(const float* p, size_t n)> argmax_f32;
  Required<ArgMax(const uint8_t* p, size_t n)> argmax_u8;
  // argmax_f32 over IEEE binary16 bit patterns, each read as its float (half.h), in one pass that
  // converts in registers; value is the float of the half at index.
  Required<ArgMax(const uint16_t* p, size_t n)> argmax_f16;
  // argmax_f32 / argmax_u8 of each of `channels` interleaved planes at once, in one pass over
  // channels-last memory: out[c] is the argmax of p[j * stride + c], j < pixels (channels <= stride).
  // The index is the pixel j; bit-identical to argmax_f32 / argmax_u8 on the gathered plane.
  Required<void(const float* p, size_t pixels, size_t stride, size_t channels, ArgMax* out)> argmax_nhwc_f32;
  Required<void(const uint8_t* p, size_t pixels, size_t stride, size_t channels, ArgMax* out)> argmax_nhwc_u8;
  // out[c * pixels + j] = p[j * stride + c] for c < channels <= stride, j < pixels: a channels-last
  // run of pixels as one row per channel (values unchanged). The SIMD paths transpose
  // vector-square tiles in registers.
  Required<void(const float* p, size_t pixels, size_t stride, size_t channels, float* out)> deinterleave_f32;
  // The sum in double; the SIMD paths add in another order (relative difference below 1e-12).
  Required<double(const float* p, size_t n)> sum_f32;
  Required<double(const uint8_t* p, size_t n)> sum_u8;
  // out[i] = in[i] > 0 ? in[i] : +0, NaN propagates.
  Required<void(const float* in, float* out, size_t n)> relu_f32;
  // Encoder and CoordConv kernels.
  // out[i] = exp_approx(-(u * u)) with u = (float(i) + offset) * scale, where exp_approx is the
  // fixed polynomial exp of exp_approx.h (x < -87 gives +0).
  Required<void(float* out, size_t n, float offset, float scale)> gauss_f32;
  // out[i] = max(out[i], s * g[i]); g and s finite and >= 0.
  Required<void(float* out, const float* g, float s, size_t n)> max_scaled_f32;
  // out[i] = max(out[i], u8(floor(s * g[i] + 0.5f))), the sum rounded to float first; s*g in [0, 255].
  Required<void(uint8_t* out, const float* g, float s, size_t n)> max_scaled_u8;
  Required<void(const ConvTile& tile)> conv_tile_f32;

  // --- Decoder kernels. Integer-valued results and fir_f32 are bit-identical on every path.
  // centroid_row_f32 and softmax_row_f32 weigh every element bit-identically on every path
  // (softmax through exp_approx.h's exp everywhere, scalar included) but add the weights into
  // their double sums in a different order per path: scalar one by one, SIMD in one partial sum
  // per lane (kLanes of them: 4 NEON, 8 AVX2, 16 AVX-512) reduced at the end of the row. Two
  // orders of n additions differ by up to about n * 2^-53 relative, so the sums are not
  // bit-identical (about half of the rows differ in the last bits); the float coordinates
  // sx / sum usually are, but not whenever the quotient lies that close to a float rounding
  // boundary. Hence the tests compare these within 1e-6 relative (native) and 1e-5 / 1e-4 px.
  // out[i] = float(in[i]).
  Required<void(const uint8_t* in, float* out, size_t n)> u8_to_f32;
  // out[i] = the float of the binary16 bits in[i], exactly, by half.h's rule (NaNs quieted with
  // their payload kept): F16C / AVX-512 VCVTPH2PS and NEON FCVT, which flush no subnormal.
  Required<void(const uint16_t* in, float* out, size_t n)> f16_to_f32;
  // out[i] = sum over t of taps[t] * x[t][i], with x[t][i] = src[t][i] + mirror[t][i] (one float add)
  // where mirror and mirror[t] are not null, else src[t][i]: acc = fma(taps[t], x[t][i], acc) from +0
  // in the order t = 0..ntaps-1. Fused on every path (std::fma, correctly rounded, in scalar; FMA
  // instructions on AVX2, AVX-512 and NEON), so the paths agree bit for bit. One kernel does both
  // passes of a separable filter (src[t] = row + t along rows, the row t rows further down the
  // plane) in the order of terms and pairs OpenCV's own float filters use (refine.h).
  Required<void(const float* const* src, const float* const* mirror, const float* taps, size_t ntaps, float* out,
                size_t n)>
      fir_f32;
  // out[i] = max over t of src[t][i] (nsrc >= 1; inputs are finite or -inf).
  Required<void(const float* const* src, size_t nsrc, float* out, size_t n)> maxrows_f32;
  // With pooled[i] the maxrows_f32 of rows[0..nrows) (nrows >= 1) at i, computed in registers and
  // not stored: writes, in ascending order, every i with v[i] == pooled[i] and v[i] >= threshold
  // into idx; returns how many. idx has room for n + kIndexSlack entries: a path may write whole
  // vectors of indices, past the last one it returns.
  Required<size_t(const float* v, const float* const* rows, size_t nrows, size_t n, float threshold, uint32_t* idx)>
      peak_candidates_f32;
  // Over i with p[i] >= cut: sums[0] += p[i], sums[1] += p[i] * i (in double). cut >= 0 (the
  // decoder's threshold * max), so every weight is >= 0 and the orders' sums agree as above.
  Required<void(const float* p, size_t n, float cut, double* sums)> centroid_row_f32;
  // With e[i] = exp_approx(beta * (p[i] - max)) computed in float: sums[0] += e[i],
  // sums[1] += e[i] * i (in double). p[i] <= max, all finite.
  Required<void(const float* p, size_t n, float max, float beta, double* sums)> softmax_row_f32;

  // --- The flip test's merge (flip.cc), bit-identical on every path (one float add and one exact
  // halving per element; a NaN input gives a NaN, its payload per the ISA's NaN rule).
  // out[i] = (a[i] + b[i]) * 0.5f.
  Required<void(const float* a, const float* b, float* out, size_t n)> mean_f32;
  // out[i] = (a[i] + b[n - 1 - i]) * 0.5f: b read back to front (a row flipped along W).
  Required<void(const float* a, const float* b, float* out, size_t n)> mean_reversed_f32;

  // The bitwise OR of n bytes, each read once: a read-only pass with no other work, which the
  // benchmark times as the memory roofline for the decoders. Internal (bench/ only).
  Required<uint8_t(const uint8_t* p, size_t n)> sweep_u8;
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
