#include "simcc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "decode.h"  // split_parts
#include "refine.h"  // opencv_gaussian_taps

namespace coordconv {
namespace {

// The argmax of keypoint i's vector; a new dtype adds a case here and in widen().
ArgMax vector_argmax(const Kernels& k, const PlaneBatch& b, size_t i) {
  switch (b.dtype) {
    case DType::kFloat32:
      return k.argmax_f32(static_cast<const float*>(b.plane(i)), b.width);
    case DType::kUint8:
      return k.argmax_u8(static_cast<const uint8_t*>(b.plane(i)), b.width);
    case DType::kFloat16:
      return k.argmax_f16(static_cast<const uint16_t*>(b.plane(i)), b.width);
  }
  return ArgMax{std::numeric_limits<float>::quiet_NaN(), 0, false};
}

// Keypoint i's vector as floats into `out` (width elements).
void widen(const Kernels& k, const PlaneBatch& b, size_t i, float* out) {
  switch (b.dtype) {
    case DType::kFloat32:
      std::copy_n(static_cast<const float*>(b.plane(i)), b.width, out);
      return;
    case DType::kUint8:
      k.u8_to_f32(static_cast<const uint8_t*>(b.plane(i)), out, b.width);
      return;
    case DType::kFloat16:
      k.f16_to_f32(static_cast<const uint16_t*>(b.plane(i)), out, b.width);
      return;
  }
}

// One axis's 'dark' working memory, allocated before any keypoint is decoded.
struct AxisScratch {
  std::vector<float> taps;
  std::vector<float> padded;   // the vector with kernel / 2 zeros either side
  std::vector<float> blurred;  // width
  BlurPlan blur;

  AxisScratch(size_t width, size_t kernel) : taps(kernel), padded(width + kernel - 1, 0.0f), blurred(width) {
    opencv_gaussian_taps(kernel, taps.data());
  }
};

struct Scratch {
  AxisScratch x, y;
};

// refine_simcc_dark for one vector, in float32 as mmpose computes it (NumPy keeps float32
// throughout: the scalars 0.5, 0.25, 1e-9, 1e-3 and 50 are rounded to float32 first):
//   gaussian_blur1d: zero-pad kernel / 2 each side, cv2.GaussianBlur(., (kernel, 1), 0), scale by
//     max(v) / max(blurred); clip to [1e-3, 50]; log; edge-pad 2;
//   dx = 0.5 (L[p+1] - L[p-1]), dxx = 1e-9 + 0.25 ((L[p+2] - 2 L[p]) + L[p-2]), p -= dx / dxx.
// The neighbours are read through the edge padding, so the step runs at the ends of the vector
// too. Returns the refined index, or the argmax p when the step is not finite (mmpose would
// write it: NaN or infinite coordinates, which only all-zero or overflowing vectors reach).
float refine_dark(const Kernels& k, const PlaneBatch& b, size_t i, const ArgMax& am, AxisScratch& s) {
  const size_t w = b.width, r = s.taps.size() / 2;
  widen(k, b, i, s.padded.data() + r);
  s.blur.run(k, BlurPass::kRows, s.taps.data(), s.taps.size(), s.padded.data(), 1, s.blurred.data(), w);
  float bmax = s.blurred[0];
  for (size_t j = 1; j < w; ++j) bmax = std::fmax(bmax, s.blurred[j]);  // np.max: NaN cannot occur (finite input)
  const float scale = am.value / bmax;
  auto log_at = [&](long j) {
    const long last = static_cast<long>(w) - 1;
    float v = s.blurred[static_cast<size_t>(std::clamp(j, 0L, last))] * scale;
    // np.clip: NaN passes through, as it does here.
    if (v < 1e-3f) v = 1e-3f;
    if (v > 50.0f) v = 50.0f;
    return static_cast<float>(std::log(static_cast<double>(v)));
  };
  const long p = static_cast<long>(am.index);
  const float l0 = log_at(p), l1 = log_at(p + 1), l_1 = log_at(p - 1), l2 = log_at(p + 2), l_2 = log_at(p - 2);
  const float dx = 0.5f * (l1 - l_1);
  const float dxx = 1e-9f + 0.25f * ((l2 - 2.0f * l0) + l_2);
  const float refined = static_cast<float>(am.index) - dx / dxx;
  return std::isfinite(refined) ? refined : static_cast<float>(am.index);
}

void mark_invalid(float* xy, float* score, uint8_t* valid) {
  xy[0] = xy[1] = std::numeric_limits<float>::quiet_NaN();
  *score = 0.0f;
  *valid = 0;
}

void decode_keypoint(const Kernels& k, const SimccRequest& req, size_t i, Scratch* s) {
  float* xy = req.coords + 2 * i;
  const ArgMax ax = vector_argmax(k, req.x, i), ay = vector_argmax(k, req.y, i);
  // get_simcc_maximum's score: the smaller of the two maxima.
  const float score = std::min(ax.value, ay.value);
  if (!ax.finite || !ay.finite || !(static_cast<double>(score) > req.min_score)) {
    mark_invalid(xy, req.scores + i, req.valid + i);
    return;
  }
  float px = static_cast<float>(ax.index), py = static_cast<float>(ay.index);
  if (req.method == SimccMethod::kDark) {
    px = refine_dark(k, req.x, i, ax, s->x);
    py = refine_dark(k, req.y, i, ay, s->y);
  }
  // keypoints /= simcc_split_ratio on a float32 array: the ratio is rounded to float32 first.
  const float ratio = static_cast<float>(req.split_ratio);
  const float x = px / ratio, y = py / ratio;
  if (!std::isfinite(x) || !std::isfinite(y)) {  // a tiny ratio overflowed float32: no answer
    mark_invalid(xy, req.scores + i, req.valid + i);
    return;
  }
  xy[0] = x;
  xy[1] = y;
  req.scores[i] = score;
  req.valid[i] = 1;
}

std::string check_vectors(const PlaneBatch& b, const char* name) {
  if (std::string problem = check_plane_batch(b); !problem.empty()) return std::string(name) + ": " + problem;
  if (b.height != 1) return std::string(name) + " vectors must have height 1";
  return {};
}

}  // namespace

std::string check_simcc_request(const SimccRequest& req) {
  if (std::string problem = check_vectors(req.x, "x"); !problem.empty()) return problem;
  if (std::string problem = check_vectors(req.y, "y"); !problem.empty()) return problem;
  if (req.x.planes != req.y.planes) return "x and y must hold the same number of vectors";
  if (req.x.planes != 0 && (!req.coords || !req.scores || !req.valid)) return "output buffers are null";
  if (req.threads == 0) return "threads must be positive";
  if (!std::isfinite(req.split_ratio) || !(req.split_ratio > 0)) return "split ratio must be finite and positive";
  // Rounded to float32 as mmpose divides, the ratio must stay a positive finite float.
  const float ratio = static_cast<float>(req.split_ratio);
  if (!std::isfinite(ratio) || !(ratio > 0.0f)) return "split ratio must be a positive finite float32";
  if (std::isnan(req.min_score)) return "min score must not be NaN";
  if (req.method == SimccMethod::kDark && (!is_odd_size(req.kernel_x) || !is_odd_size(req.kernel_y))) {
    return odd_size_rule("kernel");
  }
  return check_transforms(req.transform, req.x.planes);
}

void decode_simcc(const Kernels& k, ThreadPool& pool, const SimccRequest& req) {
  const size_t n = req.x.planes;
  if (n == 0) return;
  const size_t parts = split_parts(pool, n, req.threads);
  std::vector<Scratch> scratch;
  if (req.method == SimccMethod::kDark) {
    scratch.reserve(parts);
    for (size_t p = 0; p < parts; ++p) {
      scratch.push_back(Scratch{AxisScratch(req.x.width, req.kernel_x), AxisScratch(req.y.width, req.kernel_y)});
    }
  }
  pool.parallel_ranges(n, parts, req.x.byte_size() + req.y.byte_size(), [&](size_t part, size_t first, size_t last) {
    Scratch* s = scratch.empty() ? nullptr : &scratch[part];
    for (size_t i = first; i < last; ++i) decode_keypoint(k, req, i, s);
  });
  apply_transforms(req.transform, n, req.coords, req.valid);  // the last step
}

}  // namespace coordconv
