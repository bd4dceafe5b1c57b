#include "refine.h"

#include <cmath>
#include <vector>

namespace coordconv {

void opencv_gaussian_taps(size_t n, float* taps) {
  // OpenCV's fixed kernels for sigma <= 0, in 1/256ths (1: {1}, 3: 1 2 1 / 4, 5: 1 4 6 4 1 / 16,
  // 7: 1 3.5 7 9 7 3.5 1 / 32, 9: 4 13 30 51 60 ... / 256): exact in float.
  static const double k3[] = {64, 128, 64}, k5[] = {16, 64, 96, 64, 16}, k7[] = {8, 28, 56, 72, 56, 28, 8},
                      k9[] = {4, 13, 30, 51, 60, 51, 30, 13, 4};
  const double* fixed = n == 3 ? k3 : n == 5 ? k5 : n == 7 ? k7 : n == 9 ? k9 : nullptr;
  if (n == 1) {
    taps[0] = 1.0f;
    return;
  }
  if (fixed) {
    for (size_t i = 0; i < n; ++i) taps[i] = static_cast<float>(fixed[i] / 256.0);
    return;
  }
  // sigma = n * 0.15 + 0.35; the half-kernel's values exp(x^2 * (-0.125 / sigma^2)) at x = 1 - n,
  // 3 - n, ... (twice the distance to the centre), sum = 2 * their sum + 1, taps = value * (1 / sum).
  const double sigma = std::fma(static_cast<double>(n), 0.15, 0.35);  // OpenCV's mulAdd: one rounding
  const double scale2 = -0.125 / (sigma * sigma);
  const size_t half = (n - 1) / 2;
  std::vector<double> values(half);
  double sum = 0.0;
  for (size_t i = 0; i < half; ++i) {
    const double x = 2.0 * static_cast<double>(i) + 1.0 - static_cast<double>(n);
    values[i] = std::exp(x * x * scale2);
    sum += values[i];
  }
  sum = sum * 2.0 + 1.0;
  const double mul = 1.0 / sum;
  for (size_t i = 0; i < half; ++i) taps[i] = taps[n - 1 - i] = static_cast<float>(values[i] * mul);
  taps[half] = static_cast<float>(mul);
}

size_t opencv_blur_terms(BlurPass pass, const float* taps, size_t n, const float* base, size_t step, const float** src,
                         const float** mirror, float* coef) {
  const size_t r = n / 2;
  size_t count = 0;
  auto term = [&](size_t j, const float* pair) {
    src[count] = base + j * step;
    mirror[count] = pair;
    coef[count++] = taps[j];
  };
  auto pair = [&](size_t d) { term(r - d, base + (r + d) * step); };
  if (pass == BlurPass::kColumns) {
    term(r, nullptr);
    for (size_t d = 1; d <= r; ++d) pair(d);
  } else if (n == 3) {
    pair(1);
    term(1, nullptr);
  } else if (n == 5) {
    pair(1);
    term(2, nullptr);
    pair(2);
  } else {
    for (size_t j = 0; j < n; ++j) term(j, nullptr);
  }
  return count;
}

void BlurPlan::run(const Kernels& k, BlurPass pass, const float* taps, size_t n, const float* base, size_t step,
                   float* out, size_t count) {
  if (taps != taps_ || base != base_ || n != n_ || step != step_ || pass != pass_) {
    src_.resize(n);
    mirror_.resize(n);
    coef_.resize(n);
    terms_ = opencv_blur_terms(pass, taps, n, base, step, src_.data(), mirror_.data(), coef_.data());
    taps_ = taps;
    base_ = base;
    n_ = n;
    step_ = step;
    pass_ = pass;
  }
  k.fir_f32(src_.data(), mirror_.data(), coef_.data(), terms_, out, count);
}

UdpClip udp_clip(bool uint8) {
  return uint8 ? UdpClip{static_cast<float>(1e-3 * 255.0), 50.0f * 255.0f} : UdpClip{1e-3f, 50.0f};
}

bool udp_window_close(const UdpStep& s) {
  // First order: |do| <= |A^-1| (|dg| + |dA| |o|) with |dg| <= sqrt(2) e and |dA| <= 8 e (Frobenius:
  // dxx, dyy and dxy each weigh their logs by coefficients summing to 4 in magnitude). When
  // |A^-1| |dA| <= 0.1 the higher orders add at most 11%, so 1.25 times that bound holds. The bound
  // allowed, 2e-5 px, is what the blur's own float32 rounding already leaves open in any float32
  // run of mmpose's algorithm (OpenCV's or ours); on sigma-2 and sigma-3 heatmaps blurred with
  // kernels 11 and 17 the bound stays under 1.3e-5 px, so the window is the rule there.
  const double e = 0x1.01p-24;
  const double bound = 1.25 * s.inverse_norm * e * (std::sqrt(2.0) + 8.0 * std::sqrt(s.ox * s.ox + s.oy * s.oy));  // as in dark_window
  return s.inverse_norm * 8.0 * e <= 0.1 && bound <= 2e-5;
}

float megvii_score(float blurred_max) {
  // scores / 255.0 + 0.5 on a float32 array: NumPy keeps float32 and rounds after each operation.
  return blurred_max / 255.0f + 0.5f;
}

}  // namespace coordconv
