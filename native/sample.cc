#include "sample.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "checked.h"
#include "decode.h"  // split_parts

namespace coordconv {
namespace {

#include "half.h"

template <typename T>
float load(const T* p, size_t i);
template <>
float load<float>(const float* p, size_t i) { return p[i]; }
template <>
float load<uint8_t>(const uint8_t* p, size_t i) { return static_cast<float>(p[i]); }
template <>
float load<uint16_t>(const uint16_t* p, size_t i) { return half_to_float(p[i]); }

// The point clamped to [0, last], in double (every float32 coordinate is exact there).
double clamp_to(float v, size_t last) { return std::clamp(static_cast<double>(v), 0.0, static_cast<double>(last)); }

// One point of sample n into out[0..channels).
template <typename T>
void sample_point(const SampleRequest& req, const T* data, size_t n, const float* xy, float* out) {
  const PlaneBatch& m = req.maps;
  const size_t c_count = req.channels, w = m.width;
  const size_t stride = m.layout == Layout::kNhwc ? 1 : m.plane_size();
  if (!std::isfinite(xy[0]) || !std::isfinite(xy[1])) {
    std::fill_n(out, c_count, std::numeric_limits<float>::quiet_NaN());
    return;
  }
  const double x = clamp_to(xy[0], w - 1), y = clamp_to(xy[1], m.height - 1);
  if (req.mode == SampleMode::kNearest) {
    // floor(v + 0.5) is exact in double for |v| < 2^52, and v is clamped to [0, 2^24).
    const size_t xi = static_cast<size_t>(std::floor(x + 0.5)), yi = static_cast<size_t>(std::floor(y + 0.5));
    const size_t base = element_index(m, c_count, n, 0, yi * w + xi);
    for (size_t c = 0; c < c_count; ++c) out[c] = load(data, base + c * stride);
    return;
  }
  const size_t x0 = static_cast<size_t>(std::floor(x)), y0 = static_cast<size_t>(std::floor(y));
  const size_t x1 = std::min(x0 + 1, w - 1), y1 = std::min(y0 + 1, m.height - 1);
  const double fx = x - static_cast<double>(x0), fy = y - static_cast<double>(y0);
  const size_t i00 = element_index(m, c_count, n, 0, y0 * w + x0), i01 = element_index(m, c_count, n, 0, y0 * w + x1);
  const size_t i10 = element_index(m, c_count, n, 0, y1 * w + x0), i11 = element_index(m, c_count, n, 0, y1 * w + x1);
  // a (1 - f) + b f along x, then along y, in double. A zero weight leaves its taps unread, so a
  // point on a pixel centre gives that pixel exactly even beside a non-finite neighbour; the four
  // cases are split here, once per point, rather than tested per channel.
  const double gx = 1.0 - fx, gy = 1.0 - fy;
  if (fx == 0.0 && fy == 0.0) {
    for (size_t c = 0; c < c_count; ++c) out[c] = load(data, i00 + c * stride);
  } else if (fy == 0.0) {
    for (size_t c = 0; c < c_count; ++c) {
      const size_t o = c * stride;
      out[c] = static_cast<float>(static_cast<double>(load(data, i00 + o)) * gx + static_cast<double>(load(data, i01 + o)) * fx);
    }
  } else if (fx == 0.0) {
    for (size_t c = 0; c < c_count; ++c) {
      const size_t o = c * stride;
      out[c] = static_cast<float>(static_cast<double>(load(data, i00 + o)) * gy + static_cast<double>(load(data, i10 + o)) * fy);
    }
  } else {
    for (size_t c = 0; c < c_count; ++c) {
      const size_t o = c * stride;
      const double top = static_cast<double>(load(data, i00 + o)) * gx + static_cast<double>(load(data, i01 + o)) * fx;
      const double bottom = static_cast<double>(load(data, i10 + o)) * gx + static_cast<double>(load(data, i11 + o)) * fx;
      out[c] = static_cast<float>(top * gy + bottom * fy);
    }
  }
}

template <typename T>
void sample_range(const SampleRequest& req, size_t first, size_t last) {
  const T* data = static_cast<const T*>(req.maps.data);
  for (size_t i = first; i < last; ++i) {
    sample_point(req, data, i / req.points, req.coords + 2 * i, req.out + i * req.channels);
  }
}

}  // namespace

float element_value(const PlaneBatch& b, size_t index) {
  switch (b.dtype) {
    case DType::kFloat32:
      return load(static_cast<const float*>(b.data), index);
    case DType::kUint8:
      return load(static_cast<const uint8_t*>(b.data), index);
    case DType::kFloat16:
      return load(static_cast<const uint16_t*>(b.data), index);
  }
  return std::numeric_limits<float>::quiet_NaN();
}

std::string check_sample_request(const SampleRequest& req) {
  if (std::string problem = check_plane_batch(req.maps); !problem.empty()) return "maps: " + problem;
  size_t planes = 0, values = 0, coords = 0;
  if (!checked_mul(req.samples, req.channels, &planes) || planes != req.maps.planes) {
    return "maps must hold samples * channels planes";
  }
  if (req.maps.layout == Layout::kNhwc && req.maps.channels != req.channels) return "NHWC maps must have the request's channels";
  if (!checked_mul3(req.samples, req.points, 2 * sizeof(float), &coords) ||
      !checked_mul3(req.samples, req.points, req.channels, &values) || !checked_mul(values, sizeof(float), &values)) {
    return "sample size overflows";
  }
  if (req.samples * req.points != 0 && !req.coords) return "points are null";
  if (values != 0 && !req.out) return "output buffer is null";
  if (req.threads == 0) return "threads must be positive";
  return {};
}

void sample(const Kernels&, ThreadPool& pool, const SampleRequest& req) {
  const size_t total = req.samples * req.points;
  if (total == 0 || req.channels == 0) return;
  const size_t parts = split_parts(pool, total, req.threads);
  pool.parallel_for(parts, parts, [&](size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      const size_t first = total * p / parts, last = total * (p + 1) / parts;
      switch (req.maps.dtype) {
        case DType::kFloat32:
          sample_range<float>(req, first, last);
          break;
        case DType::kUint8:
          sample_range<uint8_t>(req, first, last);
          break;
        case DType::kFloat16:
          sample_range<uint16_t>(req, first, last);
          break;
      }
    }
  });
}

}  // namespace coordconv
