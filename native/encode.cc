#include "encode.h"

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

#include "checked.h"
#include "fp_env.h"

namespace coordconv {

std::string check_encode_request(const EncodeRequest& req) {
  if (req.height == 0 || req.width == 0) return "plane height and width must be positive";
  if (req.height > kMaxSide || req.width > kMaxSide) return "plane height or width exceeds 2^24";
  if (req.points == 0) return "there must be at least one point per plane";
  size_t total;
  if (!checked_mul3(req.planes, req.height, req.width, &total) ||
      !checked_mul(total, req.dtype == DType::kFloat32 ? 4 : 1, &total) ||
      !checked_mul3(req.planes, req.points, 2 * sizeof(float), &total)) {
    return "a size overflows";
  }
  if (req.planes != 0 && (!req.coords || !req.output)) return "a buffer is null";
  if (req.threads == 0) return "threads must be positive";
  if (req.planes != 0 && (req.channels == 0 || req.planes % req.channels != 0)) {
    return "channels must be positive and divide planes";
  }
  if (!std::isfinite(req.value) || !(req.value > 0.0f)) return "value must be finite and positive";
  if (req.dtype == DType::kUint8 && !(req.value <= 255.0f)) return "a uint8 value must be at most 255";
  if (req.dtype == DType::kUint8 && req.kind != EncodeKind::kGaussian &&
      req.value != std::floor(req.value)) {
    return "a uint8 value must be an integer";
  }
  if (req.kind == EncodeKind::kGaussian && (!std::isfinite(req.sigma) || !(req.sigma > 0))) {
    return "sigma must be finite and positive";
  }
  for (size_t i = 0; i < req.planes * req.points; ++i) {
    if (req.visible && !req.visible[i]) continue;
    if (!std::isfinite(req.coords[2 * i]) || !std::isfinite(req.coords[2 * i + 1])) {
      return "coordinate " + std::to_string(i) + " is not finite";
    }
  }
  return {};
}

namespace {

// The pixel span [lo, hi] of [centre - half, centre + half] clipped to [0, n), or false when empty.
// Computed in double so that far-away centres neither overflow nor wrap.
bool clip_span(double centre, double half, size_t n, size_t* lo, size_t* hi) {
  const double a = std::max(0.0, centre - half);
  const double b = std::min(static_cast<double>(n) - 1.0, centre + half);
  if (!(a <= b)) return false;
  *lo = static_cast<size_t>(a);
  *hi = static_cast<size_t>(b);
  return true;
}

template <typename T>
void fill_box(T* plane, size_t width, size_t x0, size_t x1, size_t y0, size_t y1, T value) {
  for (size_t y = y0; y <= y1; ++y) {
    T* row = plane + y * width;
    for (size_t x = x0; x <= x1; ++x) row[x] = std::max(row[x], value);
  }
}

struct GaussScratch {
  std::vector<float> gx, gy;
};

// Draws one gaussian, merged by maximum; `fresh` says the plane holds no value yet (not even the
// zeros): an unbiased gaussian covers it all and then stores its rows directly, in one pass.
void draw_gaussian(const Kernels& k, const EncodeRequest& r, GaussScratch& s, void* plane,
                   double x, double y, bool* fresh) {
  // u = (t - c) * scale with scale = 1 / (sqrt(2) sigma), kept finite so that u is never 0 * inf.
  const double inv = 1.0 / (std::sqrt(2.0) * r.sigma);
  const float scale = static_cast<float>(std::min(inv, static_cast<double>(FLT_MAX)));
  size_t x0 = 0, x1 = r.width - 1, y0 = 0, y1 = r.height - 1;
  float off_x = static_cast<float>(-x), off_y = static_cast<float>(-y);
  if (!r.unbiased) {
    const double cx = std::round(x), cy = std::round(y);
    const double half = std::floor(3.0 * r.sigma);
    if (!clip_span(cx, half, r.width, &x0, &x1) || !clip_span(cy, half, r.height, &y0, &y1)) return;
    off_x = static_cast<float>(static_cast<double>(x0) - cx);
    off_y = static_cast<float>(static_cast<double>(y0) - cy);
  }
  const size_t bytes = r.dtype == DType::kFloat32 ? 4 : 1;
  const bool store = *fresh && r.unbiased;  // covers the whole plane: rows written, not merged
  if (*fresh && !store) std::memset(plane, 0, r.height * r.width * bytes);
  *fresh = false;
  const size_t nx = x1 - x0 + 1, ny = y1 - y0 + 1;
  k.gauss_f32(s.gx.data(), nx, off_x, scale);
  k.gauss_f32(s.gy.data(), ny, off_y, scale);
  for (size_t j = 0; j < ny; ++j) {
    const float row_scale = r.value * s.gy[j];
    const size_t offset = (y0 + j) * r.width + x0;
    if (store) {
      // The same products as max_scaled against a zero row (the encoder runs under FTZ, so a
      // product below 2^-126 is +0 either way).
      // The test on row_scale hoisted and the rows declared apart from gx, so that the loops
      // vectorise (one multiply a value, one store: the row as fast as memory takes it).
      const float* __restrict gx = s.gx.data();
      if (r.dtype == DType::kFloat32) {
        float* __restrict row = static_cast<float*>(plane) + offset;
        if (row_scale > 0.0f) {
          for (size_t i = 0; i < nx; ++i) row[i] = row_scale * gx[i];
        } else {
          std::fill(row, row + nx, 0.0f);
        }
      } else {
        uint8_t* __restrict row = static_cast<uint8_t*>(plane) + offset;
        if (row_scale > 0.0f) {
          for (size_t i = 0; i < nx; ++i) row[i] = static_cast<uint8_t>(static_cast<int32_t>(row_scale * gx[i] + 0.5f));
        } else {
          std::fill(row, row + nx, uint8_t(0));
        }
      }
      continue;
    }
    if (!(row_scale > 0.0f)) continue;  // the whole row is 0: nothing to merge
    if (r.dtype == DType::kFloat32) {
      k.max_scaled_f32(static_cast<float*>(plane) + offset, s.gx.data(), row_scale, nx);
    } else {
      k.max_scaled_u8(static_cast<uint8_t*>(plane) + offset, s.gx.data(), row_scale, nx);
    }
  }
}

size_t element_bytes(const EncodeRequest& r) { return r.dtype == DType::kFloat32 ? 4 : 1; }

// Draws plane i of the request into `plane` (height x width, row-major).
void encode_plane(const Kernels& k, const EncodeRequest& r, GaussScratch& s, size_t i, void* plane) {
  const size_t bytes = element_bytes(r);
  bool fresh = true;  // the output is not zero-filled: the plane is cleared or covered first
  for (size_t p = 0; p < r.points; ++p) {
    const size_t at = i * r.points + p;
    if (r.visible && !r.visible[at]) continue;
    const double x = r.coords[2 * at], y = r.coords[2 * at + 1];
    if (r.kind == EncodeKind::kGaussian) {
      draw_gaussian(k, r, s, plane, x, y, &fresh);
      continue;
    }
    if (fresh) std::memset(plane, 0, r.height * r.width * bytes);
    fresh = false;
    const double half = r.kind == EncodeKind::kSquare ? static_cast<double>(r.radius) : 0.0;
    size_t x0, x1, y0, y1;
    if (!clip_span(std::round(x), half, r.width, &x0, &x1) ||
        !clip_span(std::round(y), half, r.height, &y0, &y1)) {
      continue;
    }
    if (r.dtype == DType::kFloat32) {
      fill_box(static_cast<float*>(plane), r.width, x0, x1, y0, y1, r.value);
    } else {
      fill_box(static_cast<uint8_t*>(plane), r.width, x0, x1, y0, y1, static_cast<uint8_t>(r.value));
    }
  }
  if (fresh) std::memset(plane, 0, r.height * r.width * bytes);  // no visible point
}

// Stores a drawn plane as channel c of a channels-last image of `channels` channels.
template <typename T>
void interleave(const T* plane, size_t pixels, size_t channels, size_t c, T* image) {
  for (size_t p = 0; p < pixels; ++p) image[p * channels + c] = plane[p];
}

}  // namespace

void encode(const Kernels& k, ThreadPool& pool, const EncodeRequest& req) {
  const size_t pixels = req.height * req.width, bytes = element_bytes(req);
  // Channels-last planes are drawn into a per-thread plane and interleaved from there, so every
  // value is the one the planar layout gets. Threads then take whole images where there are enough
  // to go round: two threads writing one image's interleaved cache lines would only contend.
  const bool nhwc = req.layout == Layout::kNhwc && req.channels > 1;
  if (req.planes == 0) return;
  const size_t per_unit = nhwc && req.planes / req.channels >= req.threads ? req.channels : 1;
  std::atomic<bool> failed{false};
  pool.parallel_for(req.planes / per_unit, req.threads, [&](size_t begin, size_t end) {
    try {
      const FlushSubnormals ftz;  // the gaussian tails: no subnormal results, on every path alike
      GaussScratch s;
      if (req.kind == EncodeKind::kGaussian) {
        s.gx.resize(req.width);
        s.gy.resize(req.height);
      }
      std::vector<float> staged(nhwc ? (pixels * bytes + 3) / 4 : 0);
      for (size_t i = begin * per_unit; i < end * per_unit; ++i) {
        if (!nhwc) {
          encode_plane(k, req, s, i, static_cast<uint8_t*>(req.output) + i * pixels * bytes);
          continue;
        }
        encode_plane(k, req, s, i, staged.data());
        const size_t image = i / req.channels, c = i % req.channels;
        if (req.dtype == DType::kFloat32) {
          interleave(staged.data(), pixels, req.channels, c, static_cast<float*>(req.output) + image * pixels * req.channels);
        } else {
          interleave(reinterpret_cast<const uint8_t*>(staged.data()), pixels, req.channels, c,
                     static_cast<uint8_t*>(req.output) + image * pixels * req.channels);
        }
      }
    } catch (const std::bad_alloc&) {
      failed = true;
    }
  });
  if (failed) throw std::bad_alloc();
}

}  // namespace coordconv
