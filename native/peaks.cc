#include "peaks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "checked.h"
#include "decode.h"

namespace coordconv {
namespace {

struct Candidate {
  float value;
  uint32_t channel;  // within its image; 0 over planes
  uint64_t index;    // row-major, within its plane
};

// CenterNet leaves ties to torch.topk, which does not specify their order; ours is fixed.
bool before(const Candidate& a, const Candidate& b) {
  if (a.value != b.value) return a.value > b.value;
  if (a.channel != b.channel) return a.channel < b.channel;
  return a.index < b.index;
}

struct Scratch {
  std::vector<float> plane;   // a Uint8 or Float16 plane widened to float
  std::vector<float> rowmax;  // the horizontal max pass, whole plane
  std::vector<float> pooled;  // one row of the window max
  std::vector<float> padded;  // one row with (window - 1) / 2 -inf each side
  std::vector<uint32_t> idx;  // one row of candidate columns
  std::vector<const float*> src;
  std::vector<Candidate> found;
};

// Plane i's peaks into s.found, the strongest min(k, found) first and sorted; returns that count.
size_t find_peaks(const Kernels& k, const PeaksRequest& req, float threshold, size_t i, Scratch& s) {
  const PlaneBatch& in = req.input;
  const size_t h = in.height, w = in.width, n = in.plane_size(), r = req.window / 2;
  const uint32_t channel = req.over == PeaksOver::kImage ? static_cast<uint32_t>(i % req.per_image) : 0;
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
        s.found.push_back(Candidate{f[y * w + s.idx[c]], channel, static_cast<uint64_t>(y) * w + s.idx[c]});
      }
    }
  }
  const size_t keep = std::min(req.k, s.found.size());
  std::partial_sort(s.found.begin(), s.found.begin() + static_cast<std::ptrdiff_t>(keep), s.found.end(), before);
  return keep;
}

// Slot group g (a plane, or an image): `keep` sorted candidates, then the unused slots.
void write_slots(const PeaksRequest& req, size_t g, const Candidate* c, size_t keep) {
  const size_t w = req.input.width;
  float* xy = req.coords + 2 * req.k * g;
  float* score = req.scores + req.k * g;
  uint8_t* valid = req.valid + req.k * g;
  uint32_t* channel = req.over == PeaksOver::kImage ? req.channels + req.k * g : nullptr;
  for (size_t j = 0; j < keep; ++j) {
    xy[2 * j] = static_cast<float>(c[j].index % w);
    xy[2 * j + 1] = static_cast<float>(c[j].index / w);
    score[j] = c[j].value;
    valid[j] = 1;
    if (channel) channel[j] = c[j].channel;
  }
  for (size_t j = keep; j < req.k; ++j) {
    xy[2 * j] = xy[2 * j + 1] = std::numeric_limits<float>::quiet_NaN();
    score[j] = 0.0f;
    valid[j] = 0;
    if (channel) channel[j] = 0;
  }
  req.counts[g] = static_cast<uint32_t>(keep);
}

// Runs body(i, scratch) for i in [0, count), split into parts with a scratch each.
template <typename Body>
void for_each_split(ThreadPool& pool, size_t count, size_t parts, Body body) {
  pool.parallel_for(parts, parts, [&](size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      for (size_t i = count * p / parts; i < count * (p + 1) / parts; ++i) body(i, p);
    }
  });
}

}  // namespace

std::string check_peaks_request(const PeaksRequest& req) {
  const PlaneBatch& in = req.input;
  if (std::string problem = check_plane_batch(in); !problem.empty()) return problem;
  size_t total;
  if (req.k < 1 || req.k > 0xFFFFFFFFu) return "k must be 1 to 2^32 - 1";
  if (!is_odd_size(req.window)) return odd_size_rule("window");
  if (!std::isfinite(req.threshold)) return "threshold must be finite";
  if (req.over == PeaksOver::kPlane ? req.images != in.planes || req.per_image != 1
                                    : !checked_mul(req.images, req.per_image, &total) || total != in.planes) {
    return "images and per_image do not match the planes";
  }
  if (req.per_image > 0xFFFFFFFFu) return "per_image must be below 2^32";
  if (!checked_mul3(req.images, req.k, 2 * sizeof(float), &total)) return "output size overflows";
  if (req.images != 0 && (!req.coords || !req.scores || !req.valid || !req.counts ||
                          (req.over == PeaksOver::kImage && !req.channels))) {
    return "output buffers are null";
  }
  if (req.threads == 0) return "threads must be positive";
  return {};
}

void peaks(const Kernels& k, ThreadPool& pool, const PeaksRequest& req) {
  const PlaneBatch& in = req.input;
  const bool image = req.over == PeaksOver::kImage;
  // An image keeps at most k peaks of any one plane, and a plane has at most one per pixel.
  const size_t best = std::min(req.k, in.plane_size());
  std::vector<Candidate> kept;
  std::vector<size_t> kept_count;
  size_t bytes;
  if (image) {
    if (!checked_mul3(in.planes, best, sizeof(Candidate), &bytes)) throw std::bad_alloc();
    kept.resize(in.planes * best);
    kept_count.resize(in.planes);
  }
  const size_t parts = split_parts(pool, in.planes, req.threads);
  std::vector<Scratch> scratch(in.planes == 0 ? 0 : parts);
  for (Scratch& s : scratch) {
    if (in.dtype != DType::kFloat32) s.plane.resize(in.plane_size());
    s.rowmax.resize(in.plane_size());
    s.pooled.resize(in.width);
    s.padded.assign(in.width + req.window - 1, -std::numeric_limits<float>::infinity());
    s.idx.resize(in.width);
    s.src.resize(req.window);
    s.found.reserve(in.plane_size());  // every pixel at most once: push_back never allocates
  }
  const size_t image_parts = split_parts(pool, req.images, req.threads);
  std::vector<std::vector<Candidate>> merged(image ? image_parts : 0);
  if (image && !checked_mul3(req.per_image, best, sizeof(Candidate), &bytes)) throw std::bad_alloc();
  for (std::vector<Candidate>& m : merged) m.reserve(req.per_image * best);
  const float threshold = float_at_least(req.threshold);
  if (in.planes != 0) {
    for_each_split(pool, in.planes, parts, [&](size_t i, size_t p) {
      Scratch& s = scratch[p];
      const size_t keep = find_peaks(k, req, threshold, i, s);
      if (!image) {
        write_slots(req, i, s.found.data(), keep);
        return;
      }
      std::copy(s.found.begin(), s.found.begin() + static_cast<std::ptrdiff_t>(keep), kept.begin() + static_cast<std::ptrdiff_t>(i * best));
      kept_count[i] = keep;
    });
  }
  if (!image || req.images == 0) return;
  for_each_split(pool, req.images, image_parts, [&](size_t g, size_t p) {
    std::vector<Candidate>& m = merged[p];
    m.clear();
    for (size_t c = 0; c < req.per_image; ++c) {
      const size_t i = g * req.per_image + c;
      m.insert(m.end(), kept.begin() + static_cast<std::ptrdiff_t>(i * best),
               kept.begin() + static_cast<std::ptrdiff_t>(i * best + kept_count[i]));
    }
    const size_t keep = std::min(req.k, m.size());
    std::partial_sort(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(keep), m.end(), before);
    write_slots(req, g, m.data(), keep);
  });
}

}  // namespace coordconv
