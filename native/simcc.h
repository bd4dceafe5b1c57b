// SimCC decoding (RTMPose, DWPose, RTMW): one x vector and one y vector per keypoint, each read as
// mmpose 1.x's SimCCLabel.decode reads them (get_simcc_maximum, refine_simcc_dark).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine_limits.h"
#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"
#include "transform.h"

namespace coordconv {

// kArgmax: the first index of each vector's maximum. kDark: that index refined by one 1-D Newton
// step on the log of the Gaussian-blurred vector, as refine_simcc_dark.
enum class SimccMethod { kArgmax, kDark };

// No defaults: lib/ owns them and sends every field.
struct SimccRequest {
  // Keypoint i's vectors are x.plane(i) (width Wx) and y.plane(i) (width Wy); both batches have
  // height 1 and the same number of planes (N * K).
  PlaneBatch x;
  PlaneBatch y;
  SimccMethod method = SimccMethod::kArgmax;
  double split_ratio = kUnset;  // finite, > 0: coordinates are indices / split_ratio
  double min_score = kUnset;    // valid when the score > min_score; any number but NaN
  size_t kernel_x = 0;          // dark: the blur sizes along x and y, odd, 1..kMaxKernel
  size_t kernel_y = 0;
  size_t threads = 0;  // >= 1
  float* coords = nullptr;   // planes * 2 (x, y)
  float* scores = nullptr;   // planes
  uint8_t* valid = nullptr;  // planes
  Transforms transform;      // optional, applied last: samples divide the planes
};

// Empty on success, else why the request is malformed (nothing is written then).
std::string check_simcc_request(const SimccRequest& req);

// Decodes every keypoint; the request must have passed check_simcc_request. Throws std::bad_alloc
// when the per-thread scratch cannot be allocated (before anything is written).
void decode_simcc(const Kernels& k, ThreadPool& pool, const SimccRequest& req);

// The taps OpenCV's getGaussianKernel(n, 0, CV_32F) gives, which cv2.GaussianBlur(v, (n, 1), 0)
// applies: fixed binomial-like tables for n = 1, 3, 5, 7, 9, else the Gaussian of sigma
// 0.15 n + 0.35 normalised in double, each tap rounded to float.
void opencv_auto_taps(size_t n, float* taps);

}  // namespace coordconv
