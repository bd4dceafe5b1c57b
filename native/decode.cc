#include "decode.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <vector>

#include "channels_last.h"
#include "fp_env.h"
#include "refine.h"
#include "scratch_floats.h"

namespace coordconv {
namespace {

#include "half.h"

// Element j of a plane of any dtype, as a float (exact for all three).
float element_at(const void* plane, DType dtype, size_t j) {
  switch (dtype) {
    case DType::kFloat32: return static_cast<const float*>(plane)[j];
    case DType::kFloat16: return half_to_float(static_cast<const uint16_t*>(plane)[j]);
    case DType::kUint8: break;
  }
  return static_cast<float>(static_cast<const uint8_t*>(plane)[j]);
}

// A Uint8 or Float16 plane as floats, into `out` (plane_size floats).
const float* widen(const Kernels& k, const void* plane, DType dtype, size_t n, float* out) {
  if (dtype == DType::kFloat16) {
    k.f16_to_f32(static_cast<const uint16_t*>(plane), out, n);
  } else {
    k.u8_to_f32(static_cast<const uint8_t*>(plane), out, n);
  }
  return out;
}

// Whether a plane's argmax gives it an answer: finite, and its maximum above the request's min_score.
bool scored(const DecodeRequest& req, const ArgMax& am) {
  return am.finite && static_cast<double>(am.value) > req.params.min_score;
}

void mark_invalid(float* xy, float* score, uint8_t* valid) {
  xy[0] = xy[1] = std::numeric_limits<float>::quiet_NaN();
  *score = 0.0f;
  *valid = 0;
}

void write_result(double x, double y, float score, float* xy, float* out_score, uint8_t* valid) {
  xy[0] = static_cast<float>(x);
  xy[1] = static_cast<float>(y);
  *out_score = score;
  *valid = 1;
}

// The methods that blur the plane: 'dark', 'udp' (around the argmax, or the whole plane) and 'megvii'.
bool blurs(DecodeMethod m) { return m == DecodeMethod::kDark || m == DecodeMethod::kUdp || m == DecodeMethod::kMegvii; }

bool needs_float_plane(DecodeMethod m) {
  return blurs(m) || m == DecodeMethod::kCentroid || m == DecodeMethod::kSoftargmax;
}

// 'dark' and 'udp' widen a plane only when the window around the argmax cannot give their answer.
bool widens_on_demand(DecodeMethod m) { return m == DecodeMethod::kDark || m == DecodeMethod::kUdp; }

// 'centroid' and 'softargmax' weigh every row of the plane after the argmax.
bool weighs_rows(DecodeMethod m) { return m == DecodeMethod::kCentroid || m == DecodeMethod::kSoftargmax; }

// The weighted sums of 'centroid' and 'softargmax', added row by row in row order.
struct Weights {
  double sum = 0.0, sx = 0.0, sy = 0.0;
};

// The row kernels' parameter: centroid's cut, softargmax's maximum.
float row_parameter(const DecodeRequest& req, const ArgMax& am) {
  return req.method == DecodeMethod::kCentroid ? float_at_least(req.params.threshold * static_cast<double>(am.value))
                                               : am.value;
}

// Row yy of a plane (w floats, contiguous) into the sums.
void weigh_row(const Kernels& k, const DecodeRequest& req, float parameter, const float* row, size_t w, size_t yy,
               Weights* acc) {
  double r[2] = {0.0, 0.0};
  if (req.method == DecodeMethod::kCentroid) {
    k.centroid_row_f32(row, w, parameter, r);
  } else {
    k.softmax_row_f32(row, w, parameter, static_cast<float>(req.params.beta), r);
  }
  acc->sum += r[0];
  acc->sx += r[1];
  acc->sy += r[0] * static_cast<double>(yy);
}

// NHWC argmax: channels a pass at most. Wider pixels are read in chunks of this many channels (each
// chunk 4 KiB or more of every pixel, so no cache line is read twice), which bounds the scratch.
constexpr size_t kArgmaxChannels = 4096;

// One plane's pixels where they lie: pixel j at element j * stride from base.
struct PlaneView {
  const void* base;
  DType dtype;
  size_t stride;
  float at(size_t j) const { return element_at(base, dtype, j * stride); }
};

// A Float16 window row of n columns is widened as this many: a multiple of every vector width's
// halves (8 for AVX2, 16 for AVX-512, 4 for NEON), so the row kernel takes no partial vector.
constexpr size_t widened_span(size_t n) { return (n + 15) / 16 * 16; }

// Per-part working memory, allocated before any plane is decoded and reused plane after plane.
struct Scratch {
  ScratchFloats plane;  // a Uint8 or Float16 plane widened to float, or an NHWC channel gathered
  // 'dark' works on rows of stride S = W + kernel - 1, the plane's columns at r = (kernel - 1) / 2.
  ScratchFloats padded;   // H x S: each row with r zeros either side
  ScratchFloats tmp;      // (H + 2r) x S: the horizontal pass, r zero rows above and below
  ScratchFloats blurred;  // H x S: the blurred plane (columns >= W unused)
  bool padding_zeroed = false;  // padded and tmp, on the first whole-plane blur
  // Float16 channels-last: one image widened to float32, and which image it is.
  ScratchFloats image;
  size_t widened_image = SIZE_MAX;
  // The blur's passes: the whole plane's rows and columns, the window's rows and columns.
  BlurPlan plane_row_pass, plane_column_pass, window_row_pass, window_column_pass;
  // The windowed blur: the 5 x 5 block the Newton step reads, from the (kernel + 4)^2 pixels
  // around the argmax that it depends on (stride kernel + 4).
  std::vector<float> window;      // (kernel + 4) columns of the zero-padded plane
  std::vector<float> window_tmp;  // its horizontal pass, 5 columns
  std::vector<float> window_out;  // 5 columns of stride kernel + 4: the blurred block
  std::vector<float> window_rows;  // a Float16 window's rows, widened
  // NHWC: the argmax of each channel of a chunk; 'centroid' and 'softargmax': each channel's sums,
  // parameter and one row of it de-interleaved; 'exact': de-interleaved planes.
  std::vector<ArgMax> maxima;
  std::vector<Weights> weights;
  std::vector<float> parameters;
  std::vector<float> rows;
  std::vector<float> block;
};

Scratch make_scratch(const DecodeRequest& req) {
  Scratch s;
  const PlaneBatch& in = req.input;
  const size_t n = in.plane_size();
  // NHWC 'dark', 'udp' and 'megvii' gather a channel into s.plane to blur the whole plane. 'exact' on halves
  // scans the widened plane: widening keeps every zero a zero and every other half (NaN included)
  // non-zero.
  const bool nhwc = in.layout == Layout::kNhwc;
  if ((in.dtype == DType::kUint8 && needs_float_plane(req.method)) ||
      (in.dtype == DType::kFloat16 && (needs_float_plane(req.method) || req.method == DecodeMethod::kExact)) ||
      (nhwc && blurs(req.method))) {
    s.plane.allocate(n);
  }
  if (nhwc && in.dtype == DType::kFloat16) s.image.allocate(n * in.channels);  // decode_widened_block
  if (nhwc) {
    s.maxima.resize(std::min(in.channels, kArgmaxChannels));
    const size_t chunk = std::min(in.channels, kArgmaxChannels);
    if (weighs_rows(req.method)) {
      s.weights.resize(chunk);
      s.parameters.resize(chunk);
      s.rows.resize(chunk * in.width);
    }
    if (req.method == DecodeMethod::kExact) s.block.resize(deinterleave_planes(n, in.channels) * n);
  }
  if (blurs(req.method)) {
    const size_t kernel = req.params.kernel;
    const size_t stride = in.width + kernel - 1;
    s.padded.allocate(in.height * stride);
    s.tmp.allocate((in.height + kernel - 1) * stride);
    s.blurred.allocate(in.height * stride);
    const size_t side = kernel + 4;
    s.window.resize(side * side);
    s.window_tmp.assign(5 * side, 0.0f);
    s.window_out.resize(5 * side);
    if (req.input.dtype == DType::kFloat16) s.window_rows.resize(side * widened_span(side));
  }
  return s;
}

// Separable Gaussian blur with zero padding: the plane is treated as if surrounded by zeros,
// as DARK does by padding (kernel - 1) / 2 zeros before OpenCV's GaussianBlur. Each pass is one
// fir_f32 call over the whole plane laid out with row stride S, so the SIMD kernels see thousands
// of independent outputs rather than a short row at a time; the outputs in the padding columns
// are computed, then zeroed. Returns the row stride of s.blurred.
size_t blur(const Kernels& k, const float* in, size_t height, size_t width, const float* taps,
            size_t kernel, Scratch& s, bool flush_subnormals = true) {
  // A Gaussian's tails are full of subnormals, ~100 cycles each; 'megvii' turns the flush off
  // where it would change the answer.
  std::optional<FlushSubnormals> flush;
  if (flush_subnormals) flush.emplace();
  const size_t r = kernel / 2, stride = width + kernel - 1;
  if (!s.padding_zeroed) {
    std::memset(s.padded.data(), 0, height * stride * sizeof(float));
    std::memset(s.tmp.data(), 0, (height + kernel - 1) * stride * sizeof(float));
    s.padding_zeroed = true;
  }
  for (size_t y = 0; y < height; ++y) {
    std::memcpy(s.padded.data() + y * stride + r, in + y * width, width * sizeof(float));
  }
  // Horizontal: tmp[r + y][x] = sum_t taps[t] * padded[y][x + t].
  s.plane_row_pass.run(k, BlurPass::kRows, taps, kernel, s.padded.data(), 1, s.tmp.data() + r * stride,
                   height * stride - (kernel - 1));
  // The outputs in the padding columns straddle two rows; zero them, so that the vertical pass
  // gives exactly 0 there and the maximum of the whole blurred buffer is max(plane's, 0).
  for (size_t y = 0; y + 1 < height; ++y) {
    std::memset(s.tmp.data() + (r + y) * stride + width, 0, (kernel - 1) * sizeof(float));
  }
  // Vertical: blurred[y][x] = sum_t taps[t] * tmp[y + t][x]; rows outside the plane are zeros.
  s.plane_column_pass.run(k, BlurPass::kColumns, taps, kernel, s.tmp.data(), stride, s.blurred.data(), height * stride);
  return stride;
}

// The derivatives of log(blurred) at the argmax from the 5 x 5 block around it, as DARK takes
// them, and the Newton step -H^-1 g.
struct NewtonStep {
  double dx, dy, dxx, dyy, dxy, det, ox, oy;
};

// L(dx, dy) is the log of the block's value at (dx, dy) from the centre.
template <typename Log>
NewtonStep newton_step(Log L) {
  NewtonStep n;
  const double c = L(0, 0);
  n.dx = 0.5 * (L(1, 0) - L(-1, 0));
  n.dy = 0.5 * (L(0, 1) - L(0, -1));
  n.dxx = 0.25 * (L(2, 0) - 2.0 * c + L(-2, 0));
  n.dyy = 0.25 * (L(0, 2) - 2.0 * c + L(0, -2));
  n.dxy = 0.25 * (L(1, 1) - L(1, -1) - L(-1, 1) + L(-1, -1));
  n.det = n.dxx * n.dyy - n.dxy * n.dxy;
  n.ox = n.det == 0.0 ? 0.0 : -(n.dyy * n.dx - n.dxy * n.dy) / n.det;
  n.oy = n.det == 0.0 ? 0.0 : -(n.dxx * n.dy - n.dxy * n.dx) / n.det;
  return n;
}

// One Newton step on log(max(blurred * scale, 1e-10)) at (px, py); false when the Hessian is
// singular or the step is not finite, so the argmax stands.
bool dark_step(const float* b, size_t width, size_t px, size_t py, float scale, double* x, double* y) {
  const NewtonStep n = newton_step([&](long dx, long dy) {
    const float v = b[(py + dy) * width + (px + dx)] * scale;
    return std::log(static_cast<double>(std::max(v, 1e-10f)));
  });
  if (n.det == 0.0 || !std::isfinite(n.ox) || !std::isfinite(n.oy)) return false;
  *x = static_cast<double>(px) + n.ox;
  *y = static_cast<double>(py) + n.oy;
  return true;
}

// The maximum of the blurred plane's own pixels (not its padding columns), the first in row-major
// order: what np.max and np.argmax see on the blurred heatmap. One argmax over the rows and the
// padding between them (a row at a time costs a call per row, most of the time on 48-pixel rows),
// each row's padding set to the row's first pixel: a copy of a pixel at a lower index is never
// the first maximum. (Not -FLT_MAX: four of those overflow the kernel's NaN test, x - x of their
// sum, and send every plane down its element-by-element path.)
ArgMax blurred_max(const Kernels& k, float* b, size_t h, size_t w, size_t stride) {
  for (size_t y = 0; y + 1 < h; ++y) std::fill(b + y * stride + w, b + (y + 1) * stride, b[y * stride]);
  const ArgMax m = k.argmax_f32(b, (h - 1) * stride + w);
  return ArgMax{m.value, m.index / stride * w + m.index % stride, m.finite};
}

// DARK on the whole plane, as the authors' code runs it: blur, rescale by the plane's maximum
// over the blurred maximum (np.max of the blurred plane's own pixels), one Newton step at the
// argmax (px, py) of the raw plane. A positive peak whose blur is negative everywhere gives a
// negative rescale, which flips the plane's sign before the log: the authors' code steps on that
// flipped plane, and so does this. A blurred maximum of exactly 0 would rescale by infinity (NaN
// coordinates there); the argmax stands.
void dark_full_plane(const Kernels& k, const float* f, size_t h, size_t w, const float* taps, size_t kernel,
                     float peak, size_t px, size_t py, Scratch& s, double* x, double* y) {
  const size_t stride = blur(k, f, h, w, taps, kernel, s);
  const ArgMax bm = blurred_max(k, s.blurred.data(), h, w, stride);
  if (peak > 0.0f && bm.finite && bm.value != 0.0f) {
    dark_step(s.blurred.data(), stride, px, py, peak / bm.value, x, y);
  }
}

// Window columns [c0, c1), rows [j0, j1), column by column (stride `side`): the plane from column
// x, row y on, in channels-last or plane memory. A Float16 plane's rows are widened by the row
// kernel into `rows` first (a half widened alone costs about as much as its share of the blur),
// each as a whole number of vectors (widened_span) where the row has room for them, for a
// partial vector costs as much as the rest of the row; channels-last Float16 never comes here
// (decode_planes widens those images).
void window_block(const Kernels& k, const PlaneView& plane, size_t w, size_t x, size_t y, size_t c0, size_t c1,
                  size_t j0, size_t j1, float* window, size_t side, float* rows) {
  const size_t stride = plane.stride, row = w * stride;
  if (plane.dtype == DType::kFloat16 && stride == 1) {
    const size_t n = c1 - c0;
    const size_t span = widened_span(n) <= w ? widened_span(n) : n;
    const size_t from = std::min(x, w - span);  // the span's first column: [x, x + n) lies within it
    const uint16_t* p = static_cast<const uint16_t*>(plane.base) + y * w + from;
    for (size_t j = j0; j < j1; ++j) k.f16_to_f32(p + (j - j0) * w, rows + (j - j0) * span, span);
    const float* first = rows + (x - from);
    for (size_t c = c0; c < c1; ++c) {
      for (size_t j = j0; j < j1; ++j) window[c * side + j] = first[(j - j0) * span + (c - c0)];
    }
    return;
  }
  for (size_t c = c0; c < c1; ++c) {
    const size_t at = (y * w + x + (c - c0)) * stride;
    float* out = window + c * side;
    switch (plane.dtype) {
      case DType::kFloat32: {
        const float* p = static_cast<const float*>(plane.base) + at;
        for (size_t j = j0; j < j1; ++j) out[j] = p[(j - j0) * row];
        break;
      }
      case DType::kFloat16: {
        const uint16_t* p = static_cast<const uint16_t*>(plane.base) + at;
        for (size_t j = j0; j < j1; ++j) out[j] = half_to_float(p[(j - j0) * row]);
        break;
      }
      case DType::kUint8: {
        const uint8_t* p = static_cast<const uint8_t*>(plane.base) + at;
        for (size_t j = j0; j < j1; ++j) out[j] = static_cast<float>(p[(j - j0) * row]);
        break;
      }
    }
  }
}

// The 5 x 5 block of the blurred plane around (px, py), column by column: the value at
// (px - 2 + c, py - 2 + j) at c * (kernel + 4) + j. It comes from the (kernel + 4)^2 pixels around
// it, laid out column by column too, so that each pass is one fir_f32 call over little more than
// what the next one reads (5 columns of each row, then 5 rows of those), by the same fused
// operations in the same order as the whole plane's blur (zero padding included): every value at
// a position on the plane is bit for bit blur()'s there (those off the plane are not blur()'s: the
// callers do not read them).
const float* blur_window(const Kernels& k, const PlaneView& plane, size_t h, size_t w, const float* taps,
                         size_t kernel, size_t px, size_t py, Scratch& s) {
  const FlushSubnormals flush;  // as blur(): the same flush gives the same values
  const size_t r = kernel / 2, side = kernel + 4;
  // Window column c, row j: the zero-padded plane at column px - 2 - r + c, row py - 2 - r + j.
  const long left = static_cast<long>(px) - static_cast<long>(2 + r);
  const size_t c0 = left < 0 ? static_cast<size_t>(-left) : 0;
  const size_t c1 = std::min(side, static_cast<size_t>(static_cast<long>(w) - left));
  float* window = s.window.data();
  // Rows [j0, j1) of the window are on the plane; zeros only where it leaves the plane.
  const long top = static_cast<long>(py) - static_cast<long>(2 + r);
  const size_t j0 = top < 0 ? static_cast<size_t>(-top) : 0;
  const size_t j1 = std::min(side, static_cast<size_t>(static_cast<long>(h) - top));
  std::fill(window, window + c0 * side, 0.0f);
  std::fill(window + c1 * side, window + side * side, 0.0f);
  for (size_t c = c0; c < c1; ++c) {
    std::fill(window + c * side, window + c * side + j0, 0.0f);
    std::fill(window + c * side + j1, window + (c + 1) * side, 0.0f);
  }
  window_block(k, plane, w, static_cast<size_t>(left + static_cast<long>(c0)), static_cast<size_t>(top + static_cast<long>(j0)),
               c0, c1, j0, j1, window, side, s.window_rows.data());
  // Horizontal: window_tmp at c * side + j for c < 5, x-neighbours `side` apart.
  s.window_row_pass.run(k, BlurPass::kRows, taps, kernel, window, side, s.window_tmp.data(), 5 * side);
  // Rows outside the plane are zeros after the horizontal pass on the whole plane.
  for (size_t c = 0; c < 5; ++c) {
    std::fill(s.window_tmp.data() + c * side, s.window_tmp.data() + c * side + j0, 0.0f);
    std::fill(s.window_tmp.data() + c * side + j1, s.window_tmp.data() + (c + 1) * side, 0.0f);
  }
  // Vertical: window_out at c * side + j for c, j < 5 (the outputs between hold nothing read).
  s.window_column_pass.run(k, BlurPass::kColumns, taps, kernel, s.window_tmp.data(), 1, s.window_out.data(),
                            4 * side + 5);
  return s.window_out.data();
}

// DARK's step from the 5 x 5 blurred block around (px, py) alone, blurred by the same fir_f32
// calls in the same order as the whole plane (zero padding included), so those 25 values are
// bit for bit the whole-plane blur's; false when the whole plane is needed for today's answer.
//
// The whole plane is blurred only for its maximum M, which rescales the block to the raw
// maximum: log(v * peak / M). In exact arithmetic the rescale adds one constant to every log and
// cancels out of every difference the step takes, so the block alone gives the step, except:
//  - where the floor max(v * scale, 1e-10) binds. Every blurred value is a weighted mean (taps >= 0,
//    summing to 1 within 2^-24) of raw values <= peak and of zeros, each pass adding at most kernel
//    fused roundings of 2^-24, so M <= peak * (1 + 2^-13) for kernel <= 255 and scale >= 1 - 2^-13:
//    when each of the 13 values read is >= 1e-10 / (1 - 2^-12), the floor cannot bind on the whole
//    plane either. Otherwise we fall back, as we do for a peak above 1e37, whose blur could overflow.
//  - the float rounding of v * scale, which moves each log by e < 2^-24 (the other roundings, in
//    double, are some 2^-29 times smaller). To first order the step o = -H^-1 g then moves by at most
//    |H^-1| (|dg| + |dH| |o|), with |dg| <= sqrt(2) e, |dH| <= 2 e (Frobenius norms). When
//    |H^-1| |dH| <= 0.1 the higher orders add at most 11%, so 1.25 times that bound holds; we keep the
//    window when it is at most 5e-6 px, else fall back, as we do for a singular Hessian or a step that
//    is not finite. Rounding the coordinate to float32 adds at most one float ulp on either side
//    (3.8e-6 px below 64 px), so the coordinates written stay within 1e-5 px of the whole plane's.
// On a pose model's heatmaps the peak's neighbourhood is far above the floor and the Hessian well
// conditioned, so the fallback is rare; flat or noisy planes fall back.
bool dark_window(const Kernels& k, const PlaneView& plane, size_t h, size_t w, const float* taps,
                 size_t kernel, float peak, size_t px, size_t py, Scratch& s, double* x, double* y) {
  if (!(peak <= 1e37f)) return false;
  const size_t side = kernel + 4;
  const float* b = blur_window(k, plane, h, w, taps, kernel, px, py, s);
  const float floor = 1e-10f / (1.0f - 0x1p-12f);
  bool above_floor = true;
  const NewtonStep n = newton_step([&](long dx, long dy) {
    const float v = b[(2 + dx) * side + (2 + dy)];
    above_floor = above_floor && v >= floor;
    return std::log(static_cast<double>(v > 0.0f ? v : 1e-10f));
  });
  if (!above_floor || n.det == 0.0 || !std::isfinite(n.ox) || !std::isfinite(n.oy)) return false;
  const double e = 0x1.01p-24;
  const double inv = std::sqrt(n.dxx * n.dxx + n.dyy * n.dyy + 2.0 * n.dxy * n.dxy) / std::fabs(n.det);
  // |o| as a plain square root: a step large enough to overflow it fails the bound, as it should.
  const double bound = 1.25 * inv * e * (std::sqrt(2.0) + 2.0 * std::sqrt(n.ox * n.ox + n.oy * n.oy));
  if (!(inv * 2.0 * e <= 0.1 && bound <= 5e-6)) return false;
  *x = static_cast<double>(px) + n.ox;
  *y = static_cast<double>(py) + n.oy;
  return true;
}

// The value at (px + dx, py + dy) of a blurred block, edge-padded as np.pad(..., mode='edge'):
// positions off the plane read the nearest pixel on it. at(xx, yy) reads an on-plane pixel.
template <typename At>
float edge_padded(At at, size_t h, size_t w, size_t px, size_t py, long dx, long dy) {
  const long xx = std::clamp(static_cast<long>(px) + dx, 0L, static_cast<long>(w) - 1);
  const long yy = std::clamp(static_cast<long>(py) + dy, 0L, static_cast<long>(h) - 1);
  return at(static_cast<size_t>(xx), static_cast<size_t>(yy));
}

// The seven values UDP's stencils read, as (dx, dy) from the argmax.
constexpr long kUdpTaps[7][2] = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}};

// np.clip(v, lo, hi), NaN kept.
float clip(float v, const UdpClip& c) { return std::isnan(v) ? v : std::min(std::max(v, c.lo), c.hi); }

// UDP as mmpose runs it (refine_keypoints_dark_udp): blur the whole plane (gaussian_blur: zero
// padding, rescaled by peak / its maximum in float32), clip to [lo, hi], log, one step at (px, py)
// with edge padding. The argmax stands where the step has no finite answer.
void udp_full_plane(const Kernels& k, const float* f, size_t h, size_t w, const float* taps, size_t kernel,
                    float peak, size_t px, size_t py, const UdpClip& c, Scratch& s, double* x, double* y) {
  const size_t stride = blur(k, f, h, w, taps, kernel, s);
  float* b = s.blurred.data();
  const float scale = peak / blurred_max(k, b, h, w, stride).value;
  UdpStep step;
  const bool ok = udp_step([&](long dx, long dy) {
    const float v = edge_padded([&](size_t xx, size_t yy) { return b[yy * stride + xx]; }, h, w, px, py, dx, dy);
    return std::log(static_cast<double>(clip(v * scale, c)));
  }, &step);
  if (ok) {
    *x = static_cast<double>(px) + step.ox;
    *y = static_cast<double>(py) + step.oy;
  }
}

// UDP's step from the blurred block around (px, py) alone (blur_window: bit for bit the whole
// plane's values), false when the whole plane is needed. As for 'dark' (dark_window), the whole
// plane's maximum M only rescales: log(clip(v * peak / M)) differs from log(v) by one constant,
// which cancels from every stencil (each weighs its logs by coefficients summing to 0; eps is
// added after), unless
//  - the clip binds. M <= peak (1 + 2^-13) for peak > 0 (dark_window), so the scale is >= 1 - 2^-13
//    and a value v >= lo / (1 - 2^-12) stays above lo on the whole plane; and M >= every value of
//    the block, so the scale is <= peak / (the block's largest value), which bounds v * scale under
//    hi. A block that fails either test falls back: lo binds in a heatmap's tails (a sigma-2
//    Gaussian peaking at 1 falls below 1e-3 beyond 7.4 px of its centre before the blur, 10.5 px
//    after it), where an argmax lands only on flat or noisy planes; hi binds on heatmaps above 50.
//  - the float rounding of v * scale, each log off by at most 2^-24: udp_window_close bounds what
//    that does to the step (within 2e-5 px, else fall back), as dark_window does; with one float
//    ulp of the coordinate (3.8e-6 px below 64 px) the coordinates stay within 3e-5 px of the
//    whole plane's.
bool udp_window(const Kernels& k, const PlaneView& plane, size_t h, size_t w, const float* taps, size_t kernel,
                float peak, size_t px, size_t py, const UdpClip& c, Scratch& s, double* x, double* y) {
  if (!(peak > 0.0f && peak <= 1e37f)) return false;
  const size_t side = kernel + 4;
  const float* b = blur_window(k, plane, h, w, taps, kernel, px, py, s);
  auto at = [&](size_t xx, size_t yy) { return b[(xx + 2 - px) * side + (yy + 2 - py)]; };  // on the plane: within 1 of (px, py)
  float v[7], top = 0.0f;
  for (size_t i = 0; i < 7; ++i) {
    v[i] = edge_padded(at, h, w, px, py, kUdpTaps[i][0], kUdpTaps[i][1]);
    top = std::max(top, v[i]);
  }
  if (!(top > 0.0f)) return false;
  const float most = peak / top, floor = c.lo / (1.0f - 0x1p-12f);
  for (float value : v) {
    if (!(value >= floor && value * most <= c.hi)) return false;
  }
  UdpStep step;
  const bool ok = udp_step([&](long dx, long dy) {
    return std::log(static_cast<double>(edge_padded(at, h, w, px, py, dx, dy)));
  }, &step);
  if (!ok || !udp_window_close(step)) return false;
  *x = static_cast<double>(px) + step.ox;
  *y = static_cast<double>(py) + step.oy;
  return true;
}

struct PlaneContext {
  const Kernels& k;
  const DecodeRequest& req;
  const float* taps;  // 'dark', 'udp', 'megvii'
};

// The whole plane as contiguous floats: as it lies (a Float32 plane of stride 1, NCHW or a
// one-channel NHWC image, which the caller need not have passed as f), widened, or gathered.
const float* whole_plane(const Kernels& k, const PlaneView& plane, size_t n, const float* f, Scratch& s) {
  if (f) return f;
  if (plane.stride != 1) {
    for (size_t j = 0; j < n; ++j) s.plane[j] = plane.at(j);
    return s.plane.data();
  }
  if (plane.dtype == DType::kFloat32) return static_cast<const float*>(plane.base);
  return widen(k, plane.base, plane.dtype, n, s.plane.data());
}

// MegviiHeatmap.decode (mmpose/codecs/megvii_heatmap.py) for plane i: gaussian_blur (zero padding,
// rescaled by the raw peak / the blurred maximum, in float32), get_heatmap_maximum on the blurred
// plane, then where 1 < x < W - 1 and 1 < y < H - 1 (both at once) each axis moves by
// 0.25 * sign(right - left) + 0.5 (the 0.5 only there: mmpose's quirk), and the score is the blurred
// maximum / 255 + 0.5. The plane is valid when the raw plane is finite and the blurred maximum is
// > min_score (mmpose marks <= 0 with -1).
void megvii_plane(const PlaneContext& ctx, size_t i, const ArgMax& am, const PlaneView& plane, const float* f,
                  Scratch& s) {
  const Kernels& k = ctx.k;
  const DecodeRequest& req = ctx.req;
  const size_t h = req.input.height, w = req.input.width;
  float* xy = req.coords + 2 * i;
  if (!am.finite) {
    mark_invalid(xy, req.scores + i, req.valid + i);
    return;
  }
  const float* whole = whole_plane(k, plane, h * w, f, s);
  size_t stride = blur(k, whole, h, w, ctx.taps, req.params.kernel, s);
  float* b = s.blurred.data();
  float top = blurred_max(k, b, h, w, stride).value;
  // mmpose blurs without flushing subnormals. With a blurred maximum of 2^-96 or more, the values
  // the answer reads (the maximum and its neighbours, within a few taps' ratio of it) are normal
  // floats far above 2^-126, and a flushed tail term is below half an ulp of any sum it joins: the
  // flush changes none of them. A smaller maximum (a plane scaled into the subnormals, which the
  // flush may leave at 0, so invalid) is blurred again without it, as mmpose blurs.
  if (!(std::fabs(top) >= 0x1p-96f)) {
    stride = blur(k, whole, h, w, ctx.taps, req.params.kernel, s, false);
    top = blurred_max(k, b, h, w, stride).value;
  }
  const float scale = am.value / top;
  for (size_t y = 0; y < h; ++y) {
    for (size_t x = 0; x < w; ++x) b[y * stride + x] *= scale;
  }
  const ArgMax m = blurred_max(k, b, h, w, stride);
  if (!m.finite || !(static_cast<double>(m.value) > req.params.min_score)) {
    mark_invalid(xy, req.scores + i, req.valid + i);
    return;
  }
  const size_t px = m.index % w, py = m.index / w;
  double x = static_cast<double>(px), y = static_cast<double>(py);
  if (px > 1 && px + 1 < w && py > 1 && py + 1 < h) {
    auto at = [&](size_t xx, size_t yy) { return b[yy * stride + xx]; };
    auto sign = [](float d) { return d > 0.0f ? 1.0 : d < 0.0f ? -1.0 : 0.0; };
    x += sign(at(px + 1, py) - at(px - 1, py)) * 0.25 + 0.5;
    y += sign(at(px, py + 1) - at(px, py - 1)) * 0.25 + 0.5;
  }
  write_result(x, y, megvii_score(m.value), xy, req.scores + i, req.valid + i);
}

// Every method but 'exact' from the plane's argmax am (the first index of the maximum) on, for
// plane i of the request, whose pixels `plane` views. f is the plane as contiguous floats, or null
// where the method does not need it ('dark' gathers it from `plane` when it falls back on the whole
// plane; 'centroid' and 'softargmax' take their sums from `weights` when given, else from f).
void finish_plane(const PlaneContext& ctx, size_t i, const ArgMax& am, const PlaneView& plane, const float* f,
                  const Weights* weights, Scratch& s) {
  const Kernels& k = ctx.k;
  const DecodeRequest& req = ctx.req;
  const PlaneBatch& in = req.input;
  float* xy = req.coords + 2 * i;
  float* score = req.scores + i;
  uint8_t* valid = req.valid + i;
  const size_t h = in.height, w = in.width, n = in.plane_size();
  if (req.method == DecodeMethod::kMegvii) {
    megvii_plane(ctx, i, am, plane, f, s);
    return;
  }
  if (!scored(req, am)) {
    mark_invalid(xy, score, valid);
    return;
  }
  const size_t px = am.index % w, py = am.index / w;
  double x = static_cast<double>(px), y = static_cast<double>(py);
  switch (req.method) {
    case DecodeMethod::kArgmax:
    case DecodeMethod::kExact:
      break;
    case DecodeMethod::kQuarter: {
      auto at = [&](size_t xx, size_t yy) { return plane.at(yy * w + xx); };
      // QuarterRule (decode.h): mmpose's refine_keypoints tests each axis with the other's
      // 0 < y < H or 0 < x < W, so nothing moves along row 0 or column 0; HRNet's needs both.
      const bool inner = px > 1 && px + 1 < w && py > 1 && py + 1 < h;
      const bool hrnet = req.params.quarter_rule == QuarterRule::kHrnet;
      // Finite floats: sign(a - b) is the sign of the comparison (a - b is never 0 for a != b).
      if (hrnet ? inner : px > 1 && px + 1 < w && py > 0) {
        const float r = at(px + 1, py), l = at(px - 1, py);
        x += r > l ? 0.25 : (r < l ? -0.25 : 0.0);
      }
      if (hrnet ? inner : py > 1 && py + 1 < h && px > 0) {
        const float d = at(px, py + 1), u = at(px, py - 1);
        y += d > u ? 0.25 : (d < u ? -0.25 : 0.0);
      }
      break;
    }
    case DecodeMethod::kDark: {
      if (px >= 2 && px + 2 < w && py >= 2 && py + 2 < h &&
          !dark_window(k, plane, h, w, ctx.taps, req.params.kernel, am.value, px, py, s, &x, &y)) {
        dark_full_plane(k, whole_plane(k, plane, n, f, s), h, w, ctx.taps, req.params.kernel, am.value, px, py, s, &x, &y);
      }
      break;
    }
    case DecodeMethod::kUdp: {
      // At every keypoint, borders included (edge padding), as refine_keypoints_dark_udp.
      const UdpClip c = udp_clip(plane.dtype == DType::kUint8);
      if (!udp_window(k, plane, h, w, ctx.taps, req.params.kernel, am.value, px, py, c, s, &x, &y)) {
        udp_full_plane(k, whole_plane(k, plane, n, f, s), h, w, ctx.taps, req.params.kernel, am.value, px, py, c, s, &x, &y);
      }
      break;
    }
    case DecodeMethod::kMegvii:
      break;  // megvii_plane
    case DecodeMethod::kCentroid:
    case DecodeMethod::kSoftargmax: {
      Weights acc;
      if (weights) {
        acc = *weights;
      } else {
        const float parameter = row_parameter(req, am);
        for (size_t yy = 0; yy < h; ++yy) weigh_row(k, req, parameter, f + yy * w, w, yy, &acc);
      }
      // centroid: sum >= max > 0 (min_score >= 0), the maximum itself passes the cut; softargmax:
      // sum >= 1, the maximum contributes exp(0).
      x = acc.sx / acc.sum;
      y = acc.sy / acc.sum;
      break;
    }
  }
  write_result(x, y, am.value, xy, score, valid);
}

void decode_plane(const PlaneContext& ctx, size_t i, Scratch& s) {
  const Kernels& k = ctx.k;
  const DecodeRequest& req = ctx.req;
  const PlaneBatch& in = req.input;
  const size_t n = in.plane_size();
  if (req.method == DecodeMethod::kExact) {
    if (in.dtype == DType::kFloat16) {
      decode_exact_plane(k, widen(k, in.plane(i), in.dtype, n, s.plane.data()), DType::kFloat32, in.height, in.width,
                         req.coords + 2 * i, req.scores + i, req.valid + i);
    } else {
      decode_exact_plane(k, in.plane(i), in.dtype, in.height, in.width, req.coords + 2 * i, req.scores + i,
                         req.valid + i);
    }
    return;
  }
  const float* f = nullptr;
  ArgMax am;
  if (in.dtype == DType::kFloat32) {
    f = static_cast<const float*>(in.plane(i));
    am = k.argmax_f32(f, n);
  } else {
    am = in.dtype == DType::kFloat16 ? k.argmax_f16(static_cast<const uint16_t*>(in.plane(i)), n)
                                     : k.argmax_u8(static_cast<const uint8_t*>(in.plane(i)), n);
    if (needs_float_plane(req.method) && !widens_on_demand(req.method)) {
      f = widen(k, in.plane(i), in.dtype, n, s.plane.data());
    }
  }
  finish_plane(ctx, i, am, PlaneView{in.plane(i), in.dtype, 1}, f, nullptr, s);
}

// Channels [b.first, b.first + b.count) of one NHWC image, in chunks of at most kArgmaxChannels:
// every channel's argmax in one pass over the image, then what the method reads past it, in
// place ('quarter' and 'dark' read a few neighbours with the channel stride) or, for 'centroid' and
// 'softargmax', a second pass that de-interleaves one row at a time (W x the chunk's channels, in
// L1) and weighs each channel's row with the same row kernels in the same order as on a plane.
// 'exact' runs the plane code on the channels de-interleaved a bounded block at a time. Either way
// the result is the NCHW call's bit for bit.
void decode_nhwc_block(const PlaneContext& ctx, const ChannelBlock& b, Scratch& s) {
  const Kernels& k = ctx.k;
  const DecodeRequest& req = ctx.req;
  const PlaneBatch& in = req.input;
  const size_t n = in.plane_size(), w = in.width, first_plane = b.image * in.channels + b.first;
  if (req.method == DecodeMethod::kExact) {
    const size_t step = s.block.size() / n;
    for (size_t c0 = 0; c0 < b.count; c0 += step) {
      const size_t count = std::min(step, b.count - c0);
      deinterleave(in, b.image, b.first + c0, count, s.block.data());
      for (size_t c = 0; c < count; ++c) {
        const size_t i = first_plane + c0 + c;
        decode_exact_plane(k, s.block.data() + c * n, DType::kFloat32, in.height, w, req.coords + 2 * i,
                           req.scores + i, req.valid + i);
      }
    }
    return;
  }
  for (size_t c0 = 0; c0 < b.count; c0 += kArgmaxChannels) {
    const size_t count = std::min(kArgmaxChannels, b.count - c0), first = b.first + c0;
    const void* base = nhwc_channel(in, b.image, first);
    if (in.dtype == DType::kFloat32) {
      k.argmax_nhwc_f32(static_cast<const float*>(base), n, in.channels, count, s.maxima.data());
    } else {
      k.argmax_nhwc_u8(static_cast<const uint8_t*>(base), n, in.channels, count, s.maxima.data());
    }
    const bool rows = weighs_rows(req.method);
    if (rows) {
      for (size_t c = 0; c < count; ++c) {
        s.weights[c] = Weights{};
        s.parameters[c] = row_parameter(req, s.maxima[c]);
      }
      // Channels with no answer (finish_plane marks them) need no weighing, as on planes.
      for (size_t y = 0; y < in.height; ++y) {
        deinterleave_row(k, in, b.image, y, first, count, s.rows.data());
        for (size_t c = 0; c < count; ++c) {
          if (scored(req, s.maxima[c])) weigh_row(k, req, s.parameters[c], s.rows.data() + c * w, w, y, &s.weights[c]);
        }
      }
    }
    for (size_t c = 0; c < count; ++c) {
      const PlaneView plane{nhwc_channel(in, b.image, first + c), in.dtype, in.channels};
      finish_plane(ctx, first_plane + c0 + c, s.maxima[c], plane, nullptr, rows ? &s.weights[c] : nullptr, s);
    }
  }
}

}  // namespace

std::string check_decode_request(const DecodeRequest& req) {
  const PlaneBatch& in = req.input;
  if (std::string problem = check_plane_batch(in); !problem.empty()) return problem;
  if (in.planes != 0 && (!req.coords || !req.scores || !req.valid)) return "output buffers are null";
  if (std::string problem = check_offsets(req.offsets, in); !problem.empty()) return problem;
  if (req.offsets.given() && req.method != DecodeMethod::kArgmax) return "offsets need method argmax";
  if (req.threads == 0) return "threads must be positive";
  const DecodeParams& p = req.params;
  if (blurs(req.method) && !is_odd_size(p.kernel)) return odd_size_rule("kernel");
  if (req.method == DecodeMethod::kDark && (!std::isfinite(p.sigma) || !(p.sigma >= 0))) {
    return "sigma must be finite and >= 0";
  }
  if (req.method == DecodeMethod::kQuarter && p.quarter_rule == QuarterRule::kUnset) return "quarter rule is unset";
  if (req.method == DecodeMethod::kCentroid && !(p.threshold >= 0 && p.threshold <= 1)) {
    return "threshold must be in [0, 1]";
  }
  if (req.method == DecodeMethod::kSoftargmax && (!std::isfinite(p.beta) || !(p.beta > 0))) {
    return "beta must be finite and positive";
  }
  // The centroid weighs pixels by their values, so its planes' maxima must be positive.
  if (req.method != DecodeMethod::kExact &&
      (std::isnan(p.min_score) || p.min_score == std::numeric_limits<double>::infinity() ||
       (req.method == DecodeMethod::kCentroid && !(p.min_score >= 0)))) {
    return req.method == DecodeMethod::kCentroid ? "min_score must be finite and >= 0 for centroid"
                                                 : "min_score must be a number below +inf";
  }
  return check_transforms(req.transform, in.planes);
}

void decode_exact_plane(const Kernels& k, const void* plane, DType dtype, size_t height,
                        size_t width, float* xy, float* score, uint8_t* valid) {
  const size_t n = height * width;
  OneHotScan scan;
  float v;
  if (dtype == DType::kFloat32) {
    k.onehot_f32(static_cast<const float*>(plane), n, &scan);
    v = scan.nonzero == 1 ? static_cast<const float*>(plane)[scan.first] : 0.0f;
  } else {
    k.onehot_u8(static_cast<const uint8_t*>(plane), n, &scan);
    v = scan.nonzero == 1 ? static_cast<float>(static_cast<const uint8_t*>(plane)[scan.first]) : 0.0f;
  }
  // A one-hot plane has exactly one pixel, finite and positive; anything else has no answer.
  if (scan.nonzero != 1 || !std::isfinite(v) || !(v > 0.0f)) {
    mark_invalid(xy, score, valid);
    return;
  }
  // The hand-built network, DX = ReLU(W * A / v - X), x = W - sum(DX), evaluated where it can be
  // non-zero: X >= 0 makes every other term ReLU(-X) = 0. Likewise for y with H and Y.
  const float a = v / v;
  const float x0 = static_cast<float>(scan.first % width);
  const float y0 = static_cast<float>(scan.first / width);
  const float w = static_cast<float>(width), h = static_cast<float>(height);
  xy[0] = w - std::fmax(0.0f, w * a - x0);
  xy[1] = h - std::fmax(0.0f, h * a - y0);
  *score = v;
  *valid = 1;
}

// (i - r) / sigma before squaring: a sigma whose square underflows still gives the centre tap 1
// and the others 0, not 0 / 0.
void dark_taps(size_t n, double sigma, float* taps) {
  if (sigma == 0.0) {
    opencv_gaussian_taps(n, taps);
    return;
  }
  const double r = static_cast<double>(n - 1) / 2.0;
  std::vector<double> g(n);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double z = (static_cast<double>(i) - r) / sigma;
    g[i] = std::exp(-0.5 * z * z);
    sum += g[i];
  }
  for (size_t i = 0; i < n; ++i) taps[i] = static_cast<float>(g[i] / sum);
}

float float_at_least(double v) {
  // Outside float's range the cast is undefined; no finite float passes a cut above it.
  constexpr double kMax = std::numeric_limits<float>::max();
  if (v > kMax) return std::numeric_limits<float>::infinity();
  if (v <= -kMax) return -std::numeric_limits<float>::max();
  float f = static_cast<float>(v);
  if (static_cast<double>(f) < v) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

namespace {

// decode_dark_full_plane and decode_udp_full_plane: scratch for one Float32 plane, its argmax, and
// `refine(scratch, peak, px, py)` where decode() would refine it; false where decode() would call
// the plane invalid (its default min_score, 0).
template <typename Refine>
bool full_plane_reference(const Kernels& k, const float* plane, size_t height, size_t width, size_t kernel,
                          DecodeMethod method, double* x, double* y, Refine refine) {
  DecodeRequest req;
  req.input.height = height;
  req.input.width = width;
  req.input.dtype = DType::kFloat32;
  req.method = method;
  req.params.kernel = kernel;
  Scratch s = make_scratch(req);
  const ArgMax am = k.argmax_f32(plane, height * width);
  if (!am.finite || !(am.value > 0.0f)) return false;
  const size_t px = am.index % width, py = am.index / width;
  *x = static_cast<double>(px);
  *y = static_cast<double>(py);
  refine(s, am.value, px, py);
  return true;
}

}  // namespace

bool decode_dark_full_plane(const Kernels& k, const float* plane, size_t height, size_t width, size_t kernel,
                            double sigma, double* x, double* y) {
  std::vector<float> taps(kernel);
  dark_taps(kernel, sigma, taps.data());
  return full_plane_reference(k, plane, height, width, kernel, DecodeMethod::kDark, x, y,
                              [&](Scratch& s, float peak, size_t px, size_t py) {
                                if (px >= 2 && px + 2 < width && py >= 2 && py + 2 < height) {
                                  dark_full_plane(k, plane, height, width, taps.data(), kernel, peak, px, py, s, x, y);
                                }
                              });
}

bool decode_udp_full_plane(const Kernels& k, const float* plane, size_t height, size_t width, size_t kernel,
                           bool uint8, double* x, double* y) {
  std::vector<float> taps(kernel);
  opencv_gaussian_taps(kernel, taps.data());
  return full_plane_reference(k, plane, height, width, kernel, DecodeMethod::kUdp, x, y,
                              [&](Scratch& s, float peak, size_t px, size_t py) {
                                udp_full_plane(k, plane, height, width, taps.data(), kernel, peak, px, py, udp_clip(uint8), s, x, y);
                              });
}

size_t split_parts(const ThreadPool& pool, size_t planes, size_t threads) {
  return std::max<size_t>(1, std::min({threads, planes, pool.workers() + 1}));
}

namespace {

// Float16 channels-last: the block's image widened to float32 (exactly) into the part's scratch,
// once for the blocks of that image the part runs in a row, and decoded there as a float32 image,
// which gives the NCHW call's answer bit for bit. Widening the whole batch on the calling thread
// first took 1.7x as long on 2 threads as on 1 (16 images of 64 x 48 x 17), and made float16
// 2.3x slower than float32 on 1.
void decode_widened_block(const PlaneContext& ctx, const ChannelBlock& b, Scratch& s) {
  const PlaneBatch& in = ctx.req.input;
  const size_t elements = in.plane_size() * in.channels;
  if (s.widened_image != b.image) {
    ctx.k.f16_to_f32(static_cast<const uint16_t*>(in.data) + b.image * elements, s.image.data(), elements);
    s.widened_image = b.image;
  }
  DecodeRequest image = ctx.req;
  image.input.data = s.image.data();
  image.input.dtype = DType::kFloat32;
  image.input.planes = in.channels;
  const size_t i0 = b.image * in.channels;
  image.coords += 2 * i0;
  image.scores += i0;
  image.valid += i0;
  decode_nhwc_block(PlaneContext{ctx.k, image, ctx.taps}, ChannelBlock{0, b.first, b.count}, s);
}

void decode_planes(const Kernels& k, ThreadPool& pool, const DecodeRequest& req) {
  const PlaneBatch& in = req.input;
  if (in.planes == 0) return;
  if (in.layout == Layout::kNhwc && in.channels == 1) {
    // One channel: the images are the planes, in the same memory.
    DecodeRequest planes = req;
    planes.input.layout = Layout::kNchw;
    decode_planes(k, pool, planes);
    return;
  }
  std::vector<float> taps;
  if (req.method == DecodeMethod::kDark) {
    taps.resize(req.params.kernel);
    dark_taps(req.params.kernel, req.params.sigma, taps.data());
  } else if (blurs(req.method)) {  // mmpose's gaussian_blur: cv2.GaussianBlur with sigma 0
    taps.resize(req.params.kernel);
    opencv_gaussian_taps(req.params.kernel, taps.data());
  }
  const bool nhwc = in.layout == Layout::kNhwc;
  // NHWC work comes in channel blocks of images; NCHW in planes.
  const size_t blocks = nhwc ? nhwc_blocks_per_image(in, std::min(req.threads, pool.workers() + 1)) : 1;
  const size_t units = nhwc ? in.images() * blocks : in.planes;
  const size_t parts = split_parts(pool, units, req.threads);
  std::vector<Scratch> scratch;
  scratch.reserve(parts);
  for (size_t p = 0; p < parts; ++p) scratch.push_back(make_scratch(req));
  const PlaneContext ctx{k, req, taps.data()};
  pool.parallel_ranges(units, parts, in.byte_size(), [&](size_t part, size_t first, size_t last) {
    for (size_t u = first; u < last; ++u) {
      if (nhwc && in.dtype == DType::kFloat16) {
        decode_widened_block(ctx, nhwc_block(in, blocks, u), scratch[part]);
      } else if (nhwc) {
        decode_nhwc_block(ctx, nhwc_block(in, blocks, u), scratch[part]);
      } else {
        decode_plane(ctx, u, scratch[part]);
      }
    }
  });
}

}  // namespace

void decode(const Kernels& k, ThreadPool& pool, const DecodeRequest& req) {
  decode_planes(k, pool, req);
  offset_planes(req.offsets, req.input.planes, req.valid, req.coords);
  apply_transforms(req.transform, req.input.planes, req.coords, req.valid);  // the last step
}

}  // namespace coordconv
