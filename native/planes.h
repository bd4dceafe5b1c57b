// A batch of planes as the engine sees it: contiguous, row-major, one dtype.
#pragma once

#include <cstddef>
#include <cstdint>

namespace coordconv {

enum class DType { kFloat32, kUint8 };

struct PlaneBatch {
  const void* data = nullptr;
  DType dtype = DType::kFloat32;
  size_t planes = 0;
  size_t height = 0;
  size_t width = 0;

  size_t plane_size() const { return height * width; }
  size_t element_bytes() const { return dtype == DType::kFloat32 ? 4 : 1; }
  const void* plane(size_t i) const {
    return static_cast<const uint8_t*>(data) + i * plane_size() * element_bytes();
  }
};

// Largest height or width the engine accepts: coordinates are float32 and stay exact integers
// below 2^24.
constexpr size_t kMaxSide = size_t(1) << 24;

}  // namespace coordconv
