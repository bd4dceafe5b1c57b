// Reading C-channel maps at points: for each of the P points of a sample, the C values of that
// sample's maps there, by nearest pixel or by bilinear interpolation between pixel centres.
// Coordinates follow the library's convention: x is the column, y the row, pixel centres at
// integers, (0, 0) the centre of the top-left pixel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"

namespace coordconv {

// kNearest: the pixel at (floor(x + 0.5), floor(y + 0.5)), halves rounded up as Math.round does,
// so an integer point reads its own pixel exactly. kBilinear: the 4-tap interpolation between the
// pixel centres around the point. Both clamp a finite point to [0, W - 1] x [0, H - 1] first (the
// edge is replicated: grid_sample's padding_mode 'border' with align_corners=True, OpenCV's
// BORDER_REPLICATE); a point with a non-finite coordinate reads NaN in every channel.
enum class SampleMode { kNearest, kBilinear };

// No defaults: lib/ owns them and sends every field.
struct SampleRequest {
  // samples * channels planes of H x W; kNchw: maps.channels is 1, kNhwc: maps.channels == channels.
  PlaneBatch maps;
  size_t samples = 0;   // N
  size_t channels = 0;  // C (0 allowed: nothing is read or written)
  size_t points = 0;    // P per sample
  SampleMode mode = SampleMode::kNearest;
  size_t threads = 0;              // >= 1
  const float* coords = nullptr;   // samples * points * 2: x, y
  float* out = nullptr;            // samples * points * channels
};

// Empty on success, else why the request is malformed (nothing is written then).
std::string check_sample_request(const SampleRequest& req);

// Fills out; the request must have passed check_sample_request.
void sample(const Kernels& k, ThreadPool& pool, const SampleRequest& req);

// Where channel c of pixel p of image n lies in a batch whose images hold `channels` planes each
// (kNchw: plane after plane; kNhwc: interleaved), in elements.
inline size_t element_index(const PlaneBatch& b, size_t channels, size_t n, size_t c, size_t p) {
  const size_t pixels = b.plane_size();
  return b.layout == Layout::kNhwc ? (n * pixels + p) * channels + c : (n * channels + c) * pixels + p;
}

// The element at `index` as a float: Float32 as it is, Uint8 its integer value (0 to 255), a half
// the float32 it is exactly.
float element_value(const PlaneBatch& b, size_t index);

}  // namespace coordconv
