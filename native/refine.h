// mmpose 1.x's heatmap refinements, as decode methods 'udp' and 'megvii': the kernel their
// cv2.GaussianBlur calls use and the order its passes round in (which every blur of the decoders
// and SimCC's takes), UDP's Newton step on a 3 x 3 block and the windowed step's error bound.
// decode.cc lays out the planes and feeds them; these hold the arithmetic of each rule.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "kernels.h"

namespace coordconv {

// The taps cv2.GaussianBlur(img, (n, n), 0) filters a float image with (OpenCV 4.x
// smooth.dispatch.cpp, getGaussianKernelBitExact then getGaussianKernel(..., CV_32F)): for sigma 0,
// n = 1, 3, 5, 7 and 9 take OpenCV's fixed binomial tables, any other odd n the Gaussian of sigma
// fma(n, 0.15, 0.35) (= 0.3 ((n - 1) / 2 - 1) + 0.8), each tap exp(-d^2 / (2 sigma^2)) times 1 / sum,
// computed in double and rounded to float. n odd, 1 to kMaxKernel. SimCC's 'dark' blurs with it too.
void opencv_gaussian_taps(size_t n, float* taps);

// One pass of cv2.GaussianBlur on a float image, as fir_f32 terms in the order OpenCV 4.x's float
// filters fuse them on AVX2 and NEON (imgproc filter.simd.hpp), so that the blur gives OpenCV's
// float32 values bit for bit (checked against OpenCV 4.6): the order decides which of two mirrored
// neighbours of an exactly symmetric peak is larger, and with it the step of 'megvii' and 'quarter'.
//  - Rows, SymmRowSmallFilter for n <= 5: n = 3 takes (left + right) k1, then + centre k0; n = 5
//    takes (l1 + r1) k1, + centre k0, + (l2 + r2) k2. RowFilter for n >= 7: tap by tap from the
//    left, unpaired (so OpenCV's row pass is not mirror-symmetric there).
//  - Columns, SymmColumnFilter for every n: centre k0, then + (above + below) k_t outwards.
// Tap j of the pass reads base + j * step (j < n, the output's centre at j = n / 2). Fills up to n
// entries of src, mirror and coef; returns how many.
enum class BlurPass { kRows, kColumns };
size_t opencv_blur_terms(BlurPass pass, const float* taps, size_t n, const float* base, size_t step, const float** src,
                         const float** mirror, float* coef);

// One pass of the blur at one call site: out[i] for i < count by fir_f32 with opencv_blur_terms'
// terms, which are kept and rebuilt only when the taps, the buffer or its step change (a window
// blur per keypoint would otherwise rebuild them twice a keypoint).
class BlurPlan {
 public:
  void run(const Kernels& k, BlurPass pass, const float* taps, size_t n, const float* base, size_t step, float* out,
           size_t count);

 private:
  const float* taps_ = nullptr;
  const float* base_ = nullptr;
  size_t n_ = 0, step_ = 0, terms_ = 0;
  BlurPass pass_ = BlurPass::kRows;
  std::vector<const float*> src_, mirror_;
  std::vector<float> coef_;
};

// np.finfo(np.float32).eps, which refine_keypoints_dark_udp adds to the Hessian's diagonal.
constexpr double kUdpEps = 0x1p-23;

// The clip bounds of refine_keypoints_dark_udp, np.clip(heatmaps, 1e-3, 50.) on float32 heatmaps,
// so float32(1e-3); Uint8 heatmaps are read in [0, 1] units (value / 255), the bounds then
// being 255 times larger in the raw values (the log's constant cancels from every difference).
struct UdpClip {
  float lo, hi;
};
UdpClip udp_clip(bool uint8);

// One UDP step (refine_keypoints_dark_udp in mmpose/codecs/utils/refinement.py) from the log values
// of the blurred heatmap around the argmax, L(dx, dy) for dx, dy in -1..1 (edge-padded: the caller
// clamps). Its stencils: dx = (L(1,0) - L(-1,0)) / 2, dxx = L(1,0) - 2 L(0,0) + L(-1,0) (y alike),
// dxy = (L(1,1) - L(1,0) - L(0,1) + 2 L(0,0) - L(-1,0) - L(0,-1) + L(-1,-1)) / 2, and the offset
// -(H + eps I)^-1 g. False when H + eps I is singular (np.linalg.inv raises there) or the offset
// is not finite; then the argmax stands.
struct UdpStep {
  double ox, oy;
  // The Frobenius norm of (H + eps I)^-1, for the windowed blur's bound.
  double inverse_norm;
};
template <typename Log>
bool udp_step(Log L, UdpStep* out);

// Whether a step computed from logs that are each off by at most 2^-24 (the float rounding of the
// rescaled values the whole-plane algorithm takes logs of, absent from the window) stays within
// 2e-5 px of the exact one: decode.cc's windowed blur keeps its answer then (docs/decoder.md).
bool udp_window_close(const UdpStep& s);

// MegviiHeatmap.decode's score: the blurred maximum / 255 + 0.5, in float32 as NumPy computes it.
float megvii_score(float blurred_max);

template <typename Log>
bool udp_step(Log L, UdpStep* out) {
  const double c = L(0, 0), r = L(1, 0), l = L(-1, 0), d = L(0, 1), u = L(0, -1);
  const double gx = 0.5 * (r - l), gy = 0.5 * (d - u);
  const double hxx = r - 2.0 * c + l + kUdpEps, hyy = d - 2.0 * c + u + kUdpEps;
  const double hxy = 0.5 * (L(1, 1) - r - d + c + c - l - u + L(-1, -1));
  const double det = hxx * hyy - hxy * hxy;
  if (det == 0.0) return false;
  out->ox = -(hyy * gx - hxy * gy) / det;
  out->oy = -(hxx * gy - hxy * gx) / det;
  out->inverse_norm = std::sqrt(hxx * hxx + hyy * hyy + 2.0 * hxy * hxy) / std::fabs(det);
  return std::isfinite(out->ox) && std::isfinite(out->oy);
}

}  // namespace coordconv
