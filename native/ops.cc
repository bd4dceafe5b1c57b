#include "ops.h"

#include <algorithm>
#include <vector>

#include "checked.h"

namespace coordconv {

bool conv2d_output_size(const Conv2dRequest& req, size_t* out_h, size_t* out_w) {
  if (req.padding == Padding::kSame) {
    *out_h = req.height;
    *out_w = req.width;
    return true;
  }
  if (req.kernel_h > req.height || req.kernel_w > req.width) return false;
  *out_h = req.height - req.kernel_h + 1;
  *out_w = req.width - req.kernel_w + 1;
  return true;
}

std::string check_conv2d_request(const Conv2dRequest& req) {
  if (!req.input || !req.weight || !req.output) return "a buffer is null";
  if (req.batch == 0 || req.channels == 0 || req.height == 0 || req.width == 0 ||
      req.out_channels == 0 || req.kernel_h == 0 || req.kernel_w == 0) {
    return "every dimension must be positive";
  }
  if (req.threads == 0) return "threads must be positive";
  size_t oh, ow, n;
  if (!conv2d_output_size(req, &oh, &ow)) return "the kernel is larger than the input";
  if (!checked_mul3(req.batch, req.channels, req.height, &n) || !checked_mul(n, req.width, &n) ||
      !checked_mul(n, sizeof(float), &n) ||
      !checked_mul3(req.batch, req.out_channels, oh, &n) || !checked_mul(n, ow, &n) ||
      !checked_mul(n, sizeof(float), &n) ||
      !checked_mul3(req.out_channels, req.channels, req.kernel_h, &n) ||
      !checked_mul(n, req.kernel_w, &n) || !checked_mul(n, sizeof(float), &n)) {
    return "a size overflows";
  }
  return {};
}

namespace {

// One output plane (sample b, output channel o). Each output element accumulates its taps in the
// order channel, row, column on every path, so all paths agree bit for bit.
void conv2d_plane(const Kernels& k, const Conv2dRequest& req, size_t out_h, size_t out_w, size_t b,
                  size_t o) {
  const size_t pad_top = req.padding == Padding::kSame ? (req.kernel_h - 1) / 2 : 0;
  const size_t pad_left = req.padding == Padding::kSame ? (req.kernel_w - 1) / 2 : 0;
  const size_t plane = req.height * req.width;
  const float* sample = req.input + b * req.channels * plane;
  const float* weights = req.weight + o * req.channels * req.kernel_h * req.kernel_w;
  float* out = req.output + (b * req.out_channels + o) * out_h * out_w;
  const float init = req.bias ? req.bias[o] : 0.0f;
  for (size_t yo = 0; yo < out_h; ++yo) {
    float* row = out + yo * out_w;
    std::fill(row, row + out_w, init);
    for (size_t c = 0; c < req.channels; ++c) {
      for (size_t ky = 0; ky < req.kernel_h; ++ky) {
        // Input row yi = yo + ky - pad_top, skipped when it falls in the zero padding.
        if (yo + ky < pad_top || yo + ky - pad_top >= req.height) continue;
        const float* in_row = sample + c * plane + (yo + ky - pad_top) * req.width;
        for (size_t kx = 0; kx < req.kernel_w; ++kx) {
          const float w = weights[(c * req.kernel_h + ky) * req.kernel_w + kx];
          // Output columns whose input column xo + kx - pad_left lies inside the row.
          const size_t lo = kx < pad_left ? pad_left - kx : 0;
          const size_t limit = req.width + pad_left;
          const size_t hi = kx >= limit ? 0 : std::min(out_w, limit - kx);
          if (lo < hi) k.axpy_f32(w, in_row + lo + kx - pad_left, row + lo, hi - lo);
        }
      }
    }
  }
}

}  // namespace

void conv2d(const Kernels& k, ThreadPool& pool, const Conv2dRequest& req) {
  size_t out_h, out_w;
  conv2d_output_size(req, &out_h, &out_w);
  pool.parallel_for(req.batch * req.out_channels, req.threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      conv2d_plane(k, req, out_h, out_w, i / req.out_channels, i % req.out_channels);
    }
  });
}

void relu(const Kernels& k, ThreadPool& pool, const float* in, float* out, size_t n,
          size_t threads) {
  // Chunks of 64 Ki elements keep each share large enough to be worth a thread.
  constexpr size_t kChunk = size_t(1) << 16;
  const size_t chunks = (n + kChunk - 1) / kChunk;
  pool.parallel_for(chunks, threads, [&](size_t begin, size_t end) {
    const size_t lo = begin * kChunk, hi = std::min(n, end * kChunk);
    k.relu_f32(in + lo, out + lo, hi - lo);
  });
}

void sum_planes(const Kernels& k, ThreadPool& pool, const PlaneBatch& in, size_t threads,
                double* out) {
  pool.parallel_for(in.planes, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      out[i] = in.dtype == DType::kFloat32
                   ? k.sum_f32(static_cast<const float*>(in.plane(i)), in.plane_size())
                   : k.sum_u8(static_cast<const uint8_t*>(in.plane(i)), in.plane_size());
    }
  });
}

void argmax_planes(const Kernels& k, ThreadPool& pool, const PlaneBatch& in, size_t threads,
                   float* values, double* indices, uint8_t* finite) {
  pool.parallel_for(in.planes, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const ArgMax r = in.dtype == DType::kFloat32
                           ? k.argmax_f32(static_cast<const float*>(in.plane(i)), in.plane_size())
                           : k.argmax_u8(static_cast<const uint8_t*>(in.plane(i)), in.plane_size());
      values[i] = r.value;
      indices[i] = static_cast<double>(r.index);
      finite[i] = r.finite ? 1 : 0;
    }
  });
}

uint8_t sweep_bytes(const Kernels& k, ThreadPool& pool, const uint8_t* p, size_t bytes,
                    size_t threads) {
  // One contiguous range per thread, so each streams through memory linearly.
  const size_t shares = std::max<size_t>(1, std::min(threads, bytes / 4096 + 1));
  std::vector<uint8_t> partial(shares, 0);
  pool.parallel_for(shares, shares, [&](size_t begin, size_t end) {
    for (size_t s = begin; s < end; ++s) {
      const size_t lo = bytes / shares * s, hi = s + 1 == shares ? bytes : bytes / shares * (s + 1);
      partial[s] = k.sweep_u8(p + lo, hi - lo);
    }
  });
  uint8_t r = 0;
  for (uint8_t v : partial) r |= v;
  return r;
}

}  // namespace coordconv
