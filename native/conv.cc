#include "conv.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <new>
#include <vector>

#include "checked.h"
#include "planes.h"

namespace coordconv {

bool conv_output_size(const ConvRequest& req, size_t* out_h, size_t* out_w) {
  // Every term is bounded by check_conv_request before this is trusted for allocation; here the
  // arithmetic only needs to not wrap for sides and pads below 2^24 and kernels below 2^24.
  const size_t span_h = req.dilation_h * (req.kernel_h - 1) + 1;
  const size_t span_w = req.dilation_w * (req.kernel_w - 1) + 1;
  const size_t padded_h = req.height + req.pad_top + req.pad_bottom;
  const size_t padded_w = req.width + req.pad_left + req.pad_right;
  if (req.stride_h == 0 || req.stride_w == 0 || span_h > padded_h || span_w > padded_w) return false;
  *out_h = (padded_h - span_h) / req.stride_h + 1;
  *out_w = (padded_w - span_w) / req.stride_w + 1;
  return true;
}

std::string check_conv_request(const ConvRequest& req) {
  if (!req.input || !req.weight || !req.output) return "a buffer is null";
  if (req.batch == 0 || req.height == 0 || req.width == 0 || req.out_channels == 0 ||
      req.kernel_h == 0 || req.kernel_w == 0 || req.stride_h == 0 || req.stride_w == 0 ||
      req.dilation_h == 0 || req.dilation_w == 0) {
    return "every dimension must be positive";
  }
  if (req.coord_channels != 0 && req.coord_channels != 2 && req.coord_channels != 3) {
    return "coord_channels must be 0, 2 or 3";
  }
  if (req.channels + req.coord_channels == 0) return "there must be at least one channel";
  if (req.threads == 0) return "threads must be positive";
  const size_t limit = kMaxSide;
  if (req.height > limit || req.width > limit || req.kernel_h > limit || req.kernel_w > limit ||
      req.stride_h > limit || req.stride_w > limit || req.dilation_h > limit ||
      req.dilation_w > limit || req.pad_top > limit || req.pad_left > limit ||
      req.pad_bottom > limit || req.pad_right > limit || req.channels > limit) {
    return "a side, kernel, stride, dilation, padding or channel count exceeds 2^24";
  }
  size_t span;
  if (!checked_mul(req.dilation_h, req.kernel_h, &span) || !checked_mul(req.dilation_w, req.kernel_w, &span)) {
    return "a size overflows";
  }
  size_t oh, ow, n;
  if (!conv_output_size(req, &oh, &ow)) return "the dilated kernel is larger than the padded input";
  const size_t all = req.channels + req.coord_channels;
  if (!checked_mul3(req.batch, req.channels, req.height, &n) || !checked_mul(n, req.width, &n) ||
      !checked_mul(n, sizeof(float), &n) ||
      !checked_mul3(req.batch, req.out_channels, oh, &n) || !checked_mul(n, ow, &n) ||
      !checked_mul(n, sizeof(float), &n) ||
      !checked_mul3(req.out_channels, all, req.kernel_h, &n) || !checked_mul(n, req.kernel_w, &n) ||
      !checked_mul(n, sizeof(float), &n)) {
    return "a size overflows";
  }
  // The per-thread scratch: all * kh phase-split padded rows, and one pointer per tap.
  const size_t padded_w = req.width + req.pad_left + req.pad_right;
  const size_t phase_len = padded_w / req.stride_w + 1;
  if (!checked_mul3(all, req.kernel_h, req.stride_w, &n) || !checked_mul(n, phase_len, &n) ||
      !checked_mul(n, sizeof(float), &n) ||
      !checked_mul3(all, req.kernel_h, req.kernel_w, &n) || !checked_mul(n, sizeof(void*), &n)) {
    return "a size overflows";
  }
  return {};
}

namespace {

// r = sqrt(xx * xx + yy * yy), each product and the sum rounded to float32.
inline float radius(float xx, float yy) {
  const float a = xx * xx;
  const float b = yy * yy;
  return std::sqrt(a + b);
}

// One thread's working set: for every (channel, kernel row) the input row that output row needs,
// zero padded and split into stride_w phases so that every tap reads a contiguous run:
// phase p, element m holds padded column m * stride_w + p.
class RowScratch {
 public:
  RowScratch(const ConvRequest& req, size_t out_w)
      : req_(req),
        all_(req.channels + req.coord_channels),
        padded_w_(req.width + req.pad_left + req.pad_right),
        phase_len_(padded_w_ / req.stride_w + 1),
        rows_(all_ * req.kernel_h * req.stride_w * phase_len_, 0.0f),
        taps_(all_ * req.kernel_h * req.kernel_w),
        xx_(req.coord_channels ? req.width : 0) {
    (void)out_w;
    for (size_t x = 0; x < xx_.size(); ++x) xx_[x] = axis_coord(x, req.width);
    // Tap pointers never change: tap (c, ky, kx) reads phase (kx * dw) % sw from (kx * dw) / sw.
    for (size_t c = 0; c < all_; ++c) {
      for (size_t ky = 0; ky < req.kernel_h; ++ky) {
        for (size_t kx = 0; kx < req.kernel_w; ++kx) {
          const size_t off = kx * req.dilation_w;
          taps_[(c * req.kernel_h + ky) * req.kernel_w + kx] =
              row(c, ky) + (off % req.stride_w) * phase_len_ + off / req.stride_w;
        }
      }
    }
  }

  // Fills every (channel, kernel row) for output row yo of sample b.
  void fill(size_t b, size_t yo) {
    const ConvRequest& r = req_;
    const size_t plane = r.height * r.width;
    const float* sample = r.input + b * r.channels * plane;
    for (size_t ky = 0; ky < r.kernel_h; ++ky) {
      // Padded row yo * sh + ky * dh is input row yi = that - pad_top, when inside.
      const size_t py = yo * r.stride_h + ky * r.dilation_h;
      const bool inside = py >= r.pad_top && py - r.pad_top < r.height;
      const size_t yi = inside ? py - r.pad_top : 0;
      const float yy = axis_coord(yi, r.height);
      for (size_t c = 0; c < all_; ++c) {
        float* dst = row(c, ky);
        if (!inside) {
          std::fill(dst, dst + r.stride_w * phase_len_, 0.0f);
          continue;
        }
        const size_t coord = c < r.channels ? 0 : c - r.channels + 1;  // 0 input, 1 xx, 2 yy, 3 r
        const float* src = coord == 0 ? sample + c * plane + yi * r.width : nullptr;
        if (r.stride_w == 1) {
          // One phase: the padded row itself.
          std::fill(dst, dst + r.pad_left, 0.0f);
          float* body = dst + r.pad_left;
          switch (coord) {
            case 0: std::copy(src, src + r.width, body); break;
            case 1: std::copy(xx_.begin(), xx_.end(), body); break;
            case 2: std::fill(body, body + r.width, yy); break;
            default:
              for (size_t xi = 0; xi < r.width; ++xi) body[xi] = radius(xx_[xi], yy);
          }
          std::fill(body + r.width, dst + phase_len_, 0.0f);
          continue;
        }
        for (size_t p = 0; p < r.stride_w; ++p) {
          float* phase = dst + p * phase_len_;
          for (size_t m = 0; m < phase_len_; ++m) {
            const size_t px = m * r.stride_w + p;
            float v = 0.0f;
            if (px >= r.pad_left && px - r.pad_left < r.width) {
              const size_t xi = px - r.pad_left;
              switch (coord) {
                case 0: v = src[xi]; break;
                case 1: v = xx_[xi]; break;
                case 2: v = yy; break;
                default: v = radius(xx_[xi], yy);
              }
            }
            phase[m] = v;
          }
        }
      }
    }
  }

  const float* const* taps() const { return taps_.data(); }

 private:
  float* row(size_t c, size_t ky) { return rows_.data() + (c * req_.kernel_h + ky) * req_.stride_w * phase_len_; }

  const ConvRequest& req_;
  size_t all_, padded_w_, phase_len_;
  std::vector<float> rows_;
  std::vector<const float*> taps_;
  std::vector<float> xx_;
};

}  // namespace

void conv(const Kernels& k, ThreadPool& pool, const ConvRequest& req) {
  size_t out_h = 0, out_w = 0;
  if (!conv_output_size(req, &out_h, &out_w)) return;  // check_conv_request refuses such a request first
  const size_t taps = (req.channels + req.coord_channels) * req.kernel_h * req.kernel_w;
  const size_t out_plane = out_h * out_w;
  std::atomic<bool> failed{false};
  // Work items are (sample, output row) pairs, so a batch of one still spreads over the threads.
  pool.parallel_for(req.batch * out_h, req.threads, [&](size_t begin, size_t end) {
    try {
      RowScratch scratch(req, out_w);
      for (size_t i = begin; i < end; ++i) {
        const size_t b = i / out_h, yo = i % out_h;
        scratch.fill(b, yo);
        ConvTile tile{scratch.taps(), taps, req.weight, req.bias, req.out_channels,
                      req.output + b * req.out_channels * out_plane + yo * out_w, out_plane,
                      out_w, req.relu};
        k.conv_tile_f32(tile);
      }
    } catch (const std::bad_alloc&) {
      failed = true;
    }
  });
  if (failed) throw std::bad_alloc();
}

std::string check_add_coords_request(const AddCoordsRequest& req) {
  if (!req.input || !req.output) return "a buffer is null";
  if (req.batch == 0 || req.channels == 0 || req.height == 0 || req.width == 0) {
    return "every dimension must be positive";
  }
  if (req.height > kMaxSide || req.width > kMaxSide) return "height or width exceeds 2^24";
  if (req.threads == 0) return "threads must be positive";
  size_t n;
  const size_t out_channels = req.channels + (req.with_r ? 3 : 2);
  if (out_channels < req.channels || !checked_mul3(req.batch, out_channels, req.height, &n) ||
      !checked_mul(n, req.width, &n) || !checked_mul(n, sizeof(float), &n)) {
    return "a size overflows";
  }
  return {};
}

void add_coords(ThreadPool& pool, const AddCoordsRequest& r) {
  const size_t extra = r.with_r ? 3 : 2;
  const size_t out_c = r.channels + extra;
  const size_t plane = r.height * r.width;
  pool.parallel_for(r.batch, r.threads, [&](size_t begin, size_t end) {
    for (size_t b = begin; b < end; ++b) {
      const float* in = r.input + b * r.channels * plane;
      float* out = r.output + b * out_c * plane;
      if (!r.nhwc) {
        std::copy(in, in + r.channels * plane, out);
        float* xx = out + r.channels * plane;
        float* yy = xx + plane;
        for (size_t y = 0; y < r.height; ++y) {
          const float vy = axis_coord(y, r.height);
          for (size_t x = 0; x < r.width; ++x) {
            const float vx = axis_coord(x, r.width);
            xx[y * r.width + x] = vx;
            yy[y * r.width + x] = vy;
            if (r.with_r) yy[plane + y * r.width + x] = radius(vx, vy);
          }
        }
        continue;
      }
      for (size_t y = 0; y < r.height; ++y) {
        const float vy = axis_coord(y, r.height);
        for (size_t x = 0; x < r.width; ++x) {
          const float* src = in + (y * r.width + x) * r.channels;
          float* dst = out + (y * r.width + x) * out_c;
          std::copy(src, src + r.channels, dst);
          const float vx = axis_coord(x, r.width);
          dst[r.channels] = vx;
          dst[r.channels + 1] = vy;
          if (r.with_r) dst[r.channels + 2] = radius(vx, vy);
        }
      }
    }
  });
}

}  // namespace coordconv
