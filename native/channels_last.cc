#include "channels_last.h"

#include <algorithm>
#include <cstdint>
#include <new>
#include <vector>

#include "checked.h"
#include "half.h"

namespace coordconv {

size_t nhwc_blocks_per_image(const PlaneBatch& in, size_t wanted) {
  const size_t images = in.images();
  if (images == 0 || images >= wanted) return 1;
  return std::min(in.channels, (wanted + images - 1) / images);
}

ChannelBlock nhwc_block(const PlaneBatch& in, size_t blocks, size_t unit) {
  const size_t b = unit % blocks, c = in.channels;
  const size_t first = c * b / blocks, last = c * (b + 1) / blocks;
  return ChannelBlock{unit / blocks, first, last - first};
}

const void* nhwc_channel(const PlaneBatch& in, size_t image, size_t c) {
  const size_t at = image * in.plane_size() * in.channels + c;
  return static_cast<const uint8_t*>(in.data) + at * in.element_bytes();
}

size_t deinterleave_planes(size_t plane_size, size_t count) {
  const size_t fit = kDeinterleaveBytes / (plane_size * sizeof(float));
  return std::max<size_t>(1, std::min(fit, count));
}

namespace {

// A tile of kTile pixels at a time: its channels (at most a few KiB per pixel row) stay in L1 while
// each plane receives kTile consecutive floats. Pixel by pixel instead, the writes land in `count`
// planes at once; with planes a multiple of 4 KiB apart they all fall in the same cache sets and
// evict each other (peaks on [1, 128, 128, 80] ran 30 times slower so).
constexpr size_t kTile = 64;

inline float as_float(float v) { return v; }
inline float as_float(uint8_t v) { return v; }
inline float as_float(uint16_t half) { return half_to_float(half); }

template <typename T>
void deinterleave_as(const T* src, size_t pixels, size_t stride, size_t count, float* out) {
  for (size_t j0 = 0; j0 < pixels; j0 += kTile) {
    const size_t j1 = std::min(pixels, j0 + kTile);
    for (size_t c = 0; c < count; ++c) {
      float* o = out + c * pixels;
      const T* s = src + c;
      for (size_t j = j0; j < j1; ++j) o[j] = as_float(s[j * stride]);
    }
  }
}

}  // namespace

void deinterleave(const PlaneBatch& in, size_t image, size_t first, size_t count, float* out) {
  const void* src = nhwc_channel(in, image, first);
  if (in.dtype == DType::kFloat32) {
    deinterleave_as(static_cast<const float*>(src), in.plane_size(), in.channels, count, out);
  } else if (in.dtype == DType::kFloat16) {
    deinterleave_as(static_cast<const uint16_t*>(src), in.plane_size(), in.channels, count, out);
  } else {
    deinterleave_as(static_cast<const uint8_t*>(src), in.plane_size(), in.channels, count, out);
  }
}

void deinterleave_row(const Kernels& k, const PlaneBatch& in, size_t image, size_t y, size_t first, size_t count,
                      float* out) {
  const size_t offset = y * in.width * in.channels * in.element_bytes();
  const void* src = static_cast<const uint8_t*>(nhwc_channel(in, image, first)) + offset;
  if (in.dtype == DType::kFloat32) {
    // A row's out is count rows of W, small and contiguous: no plane-apart writes to keep in tiles.
    k.deinterleave_f32(static_cast<const float*>(src), in.width, in.channels, count, out);
  } else if (in.dtype == DType::kFloat16) {
    deinterleave_as(static_cast<const uint16_t*>(src), in.width, in.channels, count, out);
  } else {
    deinterleave_as(static_cast<const uint8_t*>(src), in.width, in.channels, count, out);
  }
}

}  // namespace coordconv
