// A batch of planes as the engine sees it: contiguous, row-major, one dtype, either plane after
// plane (NCHW) or channels-last (NHWC: the C channels of a pixel side by side, as tfjs hands them).
// kFloat16 holds IEEE binary16 bit patterns (native/half.h), read as the floats they are exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "checked.h"
#include "engine_limits.h"

namespace coordconv {

enum class DType { kFloat32, kUint8, kFloat16 };

// Where a batch's channels sit: kNchw, planes after one another ([N, C, H, W]); kNhwc, channels
// interleaved per pixel ([N, H, W, C]), as tfjs and TFLite models give them.
// kNchw: plane i, pixel p at i * H * W + p. kNhwc: images of `channels` planes each, plane i at
// channel i % C of image i / C, so pixel p at ((i / C) * H * W + p) * C + i % C.
enum class Layout { kNchw, kNhwc };

struct PlaneBatch {
  const void* data = nullptr;
  DType dtype = DType::kFloat32;
  size_t planes = 0;
  size_t height = 0;
  size_t width = 0;
  Layout layout = Layout::kNchw;
  size_t channels = 1;  // planes per image (kNhwc); 1 for kNchw

  size_t plane_size() const { return height * width; }
  size_t element_bytes() const { return dtype == DType::kFloat32 ? 4 : dtype == DType::kFloat16 ? 2 : 1; }
  size_t images() const { return channels == 0 ? 0 : planes / channels; }
  // The whole batch's bytes; within size_t once check_plane_batch has passed.
  size_t byte_size() const { return planes * plane_size() * element_bytes(); }
  // kNchw only: the plane's first element; its pixels follow contiguously.
  const void* plane(size_t i) const {
    return static_cast<const uint8_t*>(data) + i * plane_size() * element_bytes();
  }
};

// Empty when the batch can be read (data present, sides 1 to kMaxSide, byte size within size_t,
// channels dividing the planes),
// else why not. The checks every request over a plane batch starts with.
inline std::string check_plane_batch(const PlaneBatch& in) {
  if (!in.data && in.planes != 0) return "input data is null";
  if (in.height == 0 || in.width == 0) return "plane height and width must be positive";
  if (in.height > kMaxSide || in.width > kMaxSide) return side_rule("plane height or width");
  size_t total;
  if (!checked_mul3(in.planes, in.height, in.width, &total) ||
      !checked_mul(total, in.element_bytes(), &total)) {
    return "input size overflows";
  }
  if (in.layout == Layout::kNchw && in.channels != 1) return "channels must be 1 for NCHW";
  // An empty batch may have no channels at all ([N, H, W, 0]).
  if (in.layout == Layout::kNhwc && (in.channels == 0 ? in.planes != 0 : in.planes % in.channels != 0)) {
    return "channels must be positive and divide the planes for NHWC";
  }
  return {};
}

}  // namespace coordconv
