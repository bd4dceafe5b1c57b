// Coordinates to images (the inverse of decode).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"

namespace coordconv {

enum class EncodeKind { kOneHot, kSquare, kGaussian };

// Draws `points` points into each of `planes` planes of height x width, merged by maximum over a
// background of 0. A coordinate is rounded half away from zero (std::round) where a kind needs a
// pixel. Per visible point (x, y):
//   kOneHot:   value at (round(x), round(y));
//   kSquare:   value on the (2 radius + 1)^2 square centred on (round(x), round(y));
//   kGaussian: value * g(y) * g(x) with g(t) = exp(-((t - c) / (sqrt(2) sigma))^2), computed
//              separably as (value * gy[row]) * gx[col]; unbiased: c = the exact coordinate over
//              the whole plane; else c = the rounded coordinate, only within floor(3 sigma) of it.
// Runs with subnormals flushed (fp_env.h): values below 2^-126 are written as 0.
// Only what falls inside the canvas is drawn. A uint8 output stores value as is for kOneHot and
// kSquare and floor(v + 0.5) (computed in float32) of the float value v for kGaussian.
struct EncodeRequest {
  const float* coords = nullptr;      // planes * points * 2: x then y
  const uint8_t* visible = nullptr;   // planes * points, non-zero = drawn; null = all drawn
  size_t planes = 0, points = 0, height = 0, width = 0;
  EncodeKind kind = EncodeKind::kOneHot;
  size_t radius = 4;
  double sigma = 2.0;
  bool unbiased = true;
  float value = 1.0f;
  DType dtype = DType::kFloat32;
  // kNhwc writes the planes of each image interleaved, [N, H, W, C] with planes = N * channels;
  // every value is the one kNchw would write to the same (image, channel, pixel).
  Layout layout = Layout::kNchw;
  size_t channels = 0;                // >= 1, divides planes (kNchw ignores it)
  void* output = nullptr;             // planes * height * width of dtype
  size_t threads = 1;
};

// Empty when the request is well formed; else why not. Checks every visible coordinate is finite.
std::string check_encode_request(const EncodeRequest& req);

// Writes every output plane. Throws std::bad_alloc when row scratch cannot be allocated.
void encode(const Kernels& k, ThreadPool& pool, const EncodeRequest& req);

}  // namespace coordconv
