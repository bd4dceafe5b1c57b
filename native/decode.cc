#include "decode.h"

#include <cmath>
#include <limits>

#include "checked.h"

namespace coordconv {
namespace {

void mark_invalid(float* xy, float* score, uint8_t* valid) {
  xy[0] = xy[1] = std::numeric_limits<float>::quiet_NaN();
  *score = 0.0f;
  *valid = 0;
}

}  // namespace

std::string check_decode_request(const DecodeRequest& req) {
  const PlaneBatch& in = req.input;
  if (!in.data && in.planes != 0) return "input data is null";
  if (in.height == 0 || in.width == 0) return "plane height and width must be positive";
  if (in.height > kMaxSide || in.width > kMaxSide) return "plane height or width exceeds 2^24";
  size_t total;
  if (!checked_mul3(in.planes, in.height, in.width, &total) ||
      !checked_mul(total, in.element_bytes(), &total)) {
    return "input size overflows";
  }
  if (in.planes != 0 && (!req.coords || !req.scores || !req.valid)) return "output buffers are null";
  if (req.threads == 0) return "threads must be positive";
  return {};
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

void decode(const Kernels& k, ThreadPool& pool, const DecodeRequest& req) {
  const PlaneBatch& in = req.input;
  pool.parallel_for(in.planes, req.threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      decode_exact_plane(k, in.plane(i), in.dtype, in.height, in.width, req.coords + 2 * i,
                         req.scores + i, req.valid + i);
    }
  });
}

}  // namespace coordconv
