#include "peaks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "channels_last.h"
#include "checked.h"
#include "decode.h"

namespace coordconv {
namespace {

struct Candidate {
  float value;
  uint64_t index;
};

struct Scratch {
  std::vector<float> plane;   // a Uint8 plane widened to float; NHWC: a block of de-interleaved planes
  std::vector<float> rowmax;  // the horizontal max pass, whole plane
  std::vector<float> pooled;  // one row of the window max
  std::vector<float> padded;  // one row with (window - 1) / 2 -inf each side
  std::vector<uint32_t> idx;  // one row of candidate columns
  std::vector<const float*> src;
  std::vector<Candidate> found;
};

// The peaks of plane i of the request, given as contiguous floats f.
void peaks_of(const Kernels& k, const PeaksRequest& req, float threshold, size_t i, const float* f, Scratch& s) {
  const PlaneBatch& in = req.input;
  const size_t h = in.height, w = in.width, n = in.plane_size(), r = req.window / 2;
  float* xy = req.coords + 2 * req.k * i;
  float* score = req.scores + req.k * i;
  uint8_t* valid = req.valid + req.k * i;
  // Uint8 values are all finite.
  const bool finite = in.dtype == DType::kUint8 || k.argmax_f32(f, n).finite;
  s.found.clear();
  if (finite) {
    for (size_t t = 0; t < req.window; ++t) s.src[t] = s.padded.data() + t;
    for (size_t y = 0; y < h; ++y) {
      std::memcpy(s.padded.data() + r, f + y * w, w * sizeof(float));
      k.maxrows_f32(s.src.data(), req.window, s.rowmax.data() + y * w, w);
    }
    for (size_t y = 0; y < h; ++y) {
      const size_t top = y >= r ? y - r : 0, bottom = std::min(h - 1, y + r);
      size_t rows = 0;
      for (size_t yy = top; yy <= bottom; ++yy) s.src[rows++] = s.rowmax.data() + yy * w;
      k.maxrows_f32(s.src.data(), rows, s.pooled.data(), w);
      const size_t count = k.peak_candidates_f32(f + y * w, s.pooled.data(), w, threshold, s.idx.data());
      for (size_t c = 0; c < count; ++c) {
        s.found.push_back(Candidate{f[y * w + s.idx[c]], static_cast<uint64_t>(y) * w + s.idx[c]});
      }
    }
  }
  const size_t keep = std::min(req.k, s.found.size());
  auto before = [](const Candidate& a, const Candidate& b) {
    return a.value > b.value || (a.value == b.value && a.index < b.index);
  };
  std::partial_sort(s.found.begin(), s.found.begin() + static_cast<std::ptrdiff_t>(keep), s.found.end(), before);
  for (size_t j = 0; j < keep; ++j) {
    xy[2 * j] = static_cast<float>(s.found[j].index % w);
    xy[2 * j + 1] = static_cast<float>(s.found[j].index / w);
    score[j] = s.found[j].value;
    valid[j] = 1;
  }
  for (size_t j = keep; j < req.k; ++j) {
    xy[2 * j] = xy[2 * j + 1] = std::numeric_limits<float>::quiet_NaN();
    score[j] = 0.0f;
    valid[j] = 0;
  }
  req.counts[i] = static_cast<uint32_t>(keep);
}

void peaks_plane(const Kernels& k, const PeaksRequest& req, float threshold, size_t i, Scratch& s) {
  const PlaneBatch& in = req.input;
  if (in.dtype == DType::kFloat32) {
    peaks_of(k, req, threshold, i, static_cast<const float*>(in.plane(i)), s);
  } else {
    k.u8_to_f32(static_cast<const uint8_t*>(in.plane(i)), s.plane.data(), in.plane_size());
    peaks_of(k, req, threshold, i, s.plane.data(), s);
  }
}

// Channels [b.first, b.first + b.count) of one NHWC image, de-interleaved a bounded block at a time
// (the pooling reads every plane several times over, so planes in a row beat strided reads).
void peaks_nhwc_block(const Kernels& k, const PeaksRequest& req, float threshold, const ChannelBlock& b,
                      Scratch& s) {
  const PlaneBatch& in = req.input;
  const size_t n = in.plane_size(), step = s.plane.size() / n;
  for (size_t c0 = 0; c0 < b.count; c0 += step) {
    const size_t count = std::min(step, b.count - c0);
    deinterleave(in, b.image, b.first + c0, count, s.plane.data());
    for (size_t c = 0; c < count; ++c) {
      peaks_of(k, req, threshold, b.image * in.channels + b.first + c0 + c, s.plane.data() + c * n, s);
    }
  }
}

}  // namespace

std::string check_peaks_request(const PeaksRequest& req) {
  const PlaneBatch& in = req.input;
  if (std::string problem = check_plane_batch(in); !problem.empty()) return problem;
  size_t total;
  if (req.k < 1 || req.k > 0xFFFFFFFFu) return "k must be 1 to 2^32 - 1";
  if (!checked_mul3(in.planes, req.k, 2 * sizeof(float), &total)) return "output size overflows";
  if (!is_odd_size(req.window)) return odd_size_rule("window");
  if (!std::isfinite(req.threshold)) return "threshold must be finite";
  if (in.planes != 0 && (!req.coords || !req.scores || !req.valid || !req.counts)) {
    return "output buffers are null";
  }
  if (req.threads == 0) return "threads must be positive";
  return {};
}

void peaks(const Kernels& k, ThreadPool& pool, const PeaksRequest& req) {
  const PlaneBatch& in = req.input;
  if (in.planes == 0) return;
  const bool nhwc = in.layout == Layout::kNhwc;
  // NHWC work comes in channel blocks of images; NCHW in planes.
  const size_t blocks = nhwc ? nhwc_blocks_per_image(in, std::min(req.threads, pool.workers() + 1)) : 1;
  const size_t units = nhwc ? in.images() * blocks : in.planes;
  const size_t parts = split_parts(pool, units, req.threads);
  std::vector<Scratch> scratch(parts);
  for (Scratch& s : scratch) {
    if (nhwc) {
      s.plane.resize(deinterleave_planes(in.plane_size(), in.channels) * in.plane_size());
    } else if (in.dtype == DType::kUint8) {
      s.plane.resize(in.plane_size());
    }
    s.rowmax.resize(in.plane_size());
    s.pooled.resize(in.width);
    s.padded.assign(in.width + req.window - 1, -std::numeric_limits<float>::infinity());
    s.idx.resize(in.width);
    s.src.resize(req.window);
    s.found.reserve(in.plane_size());  // every pixel at most once: push_back never allocates
  }
  const float threshold = float_at_least(req.threshold);
  pool.parallel_for(parts, parts, [&](size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      const size_t first = units * p / parts, last = units * (p + 1) / parts;
      for (size_t u = first; u < last; ++u) {
        if (nhwc) {
          peaks_nhwc_block(k, req, threshold, nhwc_block(in, blocks, u), scratch[p]);
        } else {
          peaks_plane(k, req, threshold, u, scratch[p]);
        }
      }
    }
  });
}

}  // namespace coordconv
