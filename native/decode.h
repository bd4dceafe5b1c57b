// Heatmap and one-hot decoding: one coordinate pair, score and validity flag per plane.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "engine_limits.h"
#include "offsets.h"
#include "planes.h"
#include "thread_pool.h"
#include "transform.h"

namespace coordconv {

// kArgmax: the integer peak. kQuarter: argmax plus HRNet's 0.25 * sign(gradient) step.
// kDark: DARK (Zhang et al., CVPR 2020) Gaussian blur + log + one Newton step. kCentroid: the
// intensity-weighted centre of pixels >= threshold * max. kSoftargmax: the expectation under
// softmax(beta * h). kExact: the hand-built CoordConv decoder for one-hot planes. kUdp: mmpose 1.x's
// UDPHeatmap refinement (refine_keypoints_dark_udp) at the argmax. kMegvii: MegviiHeatmap.decode
// (blur, the blurred argmax, its quarter step plus 0.5, score / 255 + 0.5). native/refine.h.
enum class DecodeMethod { kExact, kArgmax, kQuarter, kDark, kCentroid, kSoftargmax, kUdp, kMegvii };

// Where 'quarter' steps. kMmpose: refine_keypoints (mmpose 1.x), x when 1 < x < W - 1 and 0 < y < H,
// y when 1 < y < H - 1 and 0 < x < W. kHrnet: HRNet's get_final_preds and mmpose 0.x's
// keypoints_from_heatmaps, both axes only when 1 < x < W - 1 and 1 < y < H - 1.
enum class QuarterRule { kUnset, kMmpose, kHrnet };

// No defaults: lib/ owns them and sends every field. The initial values are the unset ones, which
// check_decode_request rejects for the method that reads them.
struct DecodeParams {
  size_t kernel = 0;          // dark, udp, megvii: odd, 1..kMaxKernel
  double sigma = kUnset;      // dark: finite, >= 0 (0: OpenCV's kernel for the size)
  double threshold = kUnset;  // centroid: 0..1
  double beta = kUnset;       // softargmax: finite, > 0
  QuarterRule quarter_rule = QuarterRule::kUnset;  // quarter
  double min_score = kUnset;  // all but exact: a plane is valid when its maximum is > this (not NaN or +inf)
};

struct DecodeRequest {
  PlaneBatch input;
  DecodeMethod method = DecodeMethod::kArgmax;
  DecodeParams params;
  Offsets offsets;     // optional, kArgmax only: applied to the valid planes' integer peaks
  size_t threads = 0;  // >= 1
  float* coords = nullptr;   // planes * 2 (x, y)
  float* scores = nullptr;   // planes
  uint8_t* valid = nullptr;  // planes
  Transforms transform;      // optional, applied last: samples divide the planes
};

// Empty on success, else why the request is malformed (nothing is written then).
std::string check_decode_request(const DecodeRequest& req);

// Decodes every plane; the request must have passed check_decode_request. Throws std::bad_alloc
// when the per-thread scratch cannot be allocated (before anything is written).
void decode(const Kernels& k, ThreadPool& pool, const DecodeRequest& req);

// The exact decoder for one plane, written with the fused one-hot scan.
void decode_exact_plane(const Kernels& k, const void* plane, DType dtype, size_t height,
                        size_t width, float* xy, float* score, uint8_t* valid);

// 'dark' on one Float32 plane through the whole-plane blur, as the authors' code runs it and as
// decode() falls back to when the windowed blur cannot give the same answer (decode.cc gives the
// rule); the native tests compare decode() with it. False when the plane has no answer, else
// (x, y) as decode() would write them.
bool decode_dark_full_plane(const Kernels& k, const float* plane, size_t height, size_t width, size_t kernel,
                            double sigma, double* x, double* y);

// 'udp' on one Float32 plane through the whole-plane blur, as mmpose runs it and as decode() falls
// back to when the windowed blur cannot give the same answer; the native tests compare decode()
// with it. uint8 picks the clip bounds of Uint8 planes (refine.h). False when the plane has no
// answer (min_score 0), else (x, y) as decode() would write them.
bool decode_udp_full_plane(const Kernels& k, const float* plane, size_t height, size_t width, size_t kernel,
                           bool uint8, double* x, double* y);

// 'dark''s blur taps: for sigma > 0 the normalised Gaussian exp(-(i - r)^2 / (2 sigma^2)) / sum,
// r = (n - 1) / 2, computed in double and rounded to float (as OpenCV's getGaussianKernel does for
// float images); for sigma 0 OpenCV's own kernel for n (opencv_gaussian_taps).
void dark_taps(size_t n, double sigma, float* taps);

// The smallest float f with f >= v (v finite): comparing a float x >= f is then exactly x >= v.
float float_at_least(double v);

// How many parts a batch of `planes` is split into, each with its own scratch.
size_t split_parts(const ThreadPool& pool, size_t planes, size_t threads);

}  // namespace coordconv
