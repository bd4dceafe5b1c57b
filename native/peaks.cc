#include "peaks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "checked.h"
#include "decode.h"

namespace coordconv {
namespace {

struct Candidate {
  float value;
  uint64_t index;
};

struct Scratch {
  std::vector<float> plane;   // a Uint8 or Float16 plane widened to float
  std::vector<float> rowmax;  // the horizontal max pass, whole plane
  std::vector<float> pooled;  // one row of the window max
  std::vector<float> padded;  // one row with (window - 1) / 2 -inf each side
  std::vector<uint32_t> idx;  // one row of candidate columns
  std::vector<const float*> src;
  std::vector<Candidate> found;
};

void peaks_plane(const Kernels& k, const PeaksRequest& req, float threshold, size_t i, Scratch& s) {
  const PlaneBatch& in = req.input;
  const size_t h = in.height, w = in.width, n = in.plane_size(), r = req.window / 2;
  float* xy = req.coords + 2 * req.k * i;
  float* score = req.scores + req.k * i;
  uint8_t* valid = req.valid + req.k * i;
  const float* f;
  bool finite = true;
  if (in.dtype == DType::kFloat32) {
    f = static_cast<const float*>(in.plane(i));
    finite = k.argmax_f32(f, n).finite;
  } else if (in.dtype == DType::kFloat16) {
    k.f16_to_f32(static_cast<const uint16_t*>(in.plane(i)), s.plane.data(), n);
    f = s.plane.data();
    finite = k.argmax_f32(f, n).finite;  // halves may be NaN or +-Inf
  } else {
    k.u8_to_f32(static_cast<const uint8_t*>(in.plane(i)), s.plane.data(), n);
    f = s.plane.data();
  }
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
  const size_t parts = split_parts(pool, in.planes, req.threads);
  std::vector<Scratch> scratch(parts);
  for (Scratch& s : scratch) {
    if (in.dtype != DType::kFloat32) s.plane.resize(in.plane_size());
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
      const size_t first = in.planes * p / parts, last = in.planes * (p + 1) / parts;
      for (size_t i = first; i < last; ++i) peaks_plane(k, req, threshold, i, scratch[p]);
    }
  });
}

}  // namespace coordconv
