#include "boxes.h"

#include <cmath>
#include <limits>
#include <new>
#include <vector>

#include "checked.h"
#include "decode.h"
#include "peaks.h"

namespace coordconv {
namespace {

#include "half.h"

// The top-k of the request's heatmaps over each image, with the centres' coordinates into `coords`
// (images * k * 2) and everything else straight into the boxes' outputs.
PeaksRequest centres_request(const BoxesRequest& req, float* coords) {
  PeaksRequest p;
  p.input = req.heatmaps;
  p.over = PeaksOver::kImage;
  p.images = req.images;
  p.per_image = req.per_image;
  p.k = req.k;
  p.threshold = req.threshold;
  p.window = req.window;
  p.threads = req.threads;
  p.coords = coords;
  p.scores = req.scores;
  p.valid = req.valid;
  p.counts = req.counts;
  p.channels = req.classes;
  return p;
}

// Why a sizes or offsets map does not fit the heatmaps (empty: it fits).
std::string check_map(const PlaneBatch& map, const BoxesRequest& req, const std::string& name) {
  if (std::string problem = check_plane_batch(map); !problem.empty()) return name + ": " + problem;
  if (map.dtype == DType::kUint8) return name + " must be float32 or float16";
  const PlaneBatch& heat = req.heatmaps;
  if (map.layout != heat.layout) return name + " must have the heatmaps' layout";
  if (map.height != heat.height || map.width != heat.width) return name + " must have the heatmaps' height and width";
  size_t planes;
  if (!checked_mul(req.images, 2, &planes) || map.planes != planes || (map.layout == Layout::kNhwc && map.channels != 2)) {
    return name + " must have 2 planes per image";
  }
  return {};
}

// Channel a (0: x or width, 1: y or height) of image g's map at pixel p, as a float (exact).
float map_at(const PlaneBatch& map, size_t g, size_t a, size_t p) {
  const size_t n = map.plane_size();
  const size_t at = map.layout == Layout::kNchw ? (2 * g + a) * n + p : (g * n + p) * 2 + a;
  if (map.dtype == DType::kFloat16) return half_to_float(static_cast<const uint16_t*>(map.data)[at]);
  return static_cast<const float*>(map.data)[at];
}

// Image g's boxes from its centres (ctdet_decode after _topk). Float32 throughout, one rounding
// per operation as PyTorch's float tensors: x + reg, wh / 2 (exact but for subnormals), then the
// sum or difference.
void boxes_of(const BoxesRequest& req, size_t g, const float* centres) {
  const size_t w = req.heatmaps.width;
  for (size_t j = 0; j < req.k; ++j) {
    const size_t s = g * req.k + j;
    float* box = req.boxes + 4 * s;
    if (!req.valid[s]) {
      box[0] = box[1] = box[2] = box[3] = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    const float x = centres[2 * s], y = centres[2 * s + 1];
    const size_t p = static_cast<size_t>(y) * w + static_cast<size_t>(x);
    const float cx = req.has_offsets ? x + map_at(req.offsets, g, 0, p) : x + 0.5f;
    const float cy = req.has_offsets ? y + map_at(req.offsets, g, 1, p) : y + 0.5f;
    const float half_w = map_at(req.sizes, g, 0, p) / 2.0f, half_h = map_at(req.sizes, g, 1, p) / 2.0f;
    box[0] = cx - half_w;
    box[1] = cy - half_h;
    box[2] = cx + half_w;
    box[3] = cy + half_h;
  }
}

}  // namespace

std::string check_boxes_request(const BoxesRequest& req) {
  // The peaks' own rules, with `boxes` standing in for the centres' scratch that boxes() allocates
  // (only whether an output is there is checked).
  if (std::string problem = check_peaks_request(centres_request(req, req.boxes)); !problem.empty()) return problem;
  if (req.heatmaps.layout == Layout::kNhwc && req.heatmaps.planes != 0 && req.heatmaps.channels != req.per_image) {
    return "per_image must be the heatmaps' channels for NHWC";
  }
  if (std::string problem = check_map(req.sizes, req, "sizes"); !problem.empty()) return problem;
  if (req.has_offsets) {
    if (std::string problem = check_map(req.offsets, req, "offsets"); !problem.empty()) return problem;
  }
  size_t total;
  if (!checked_mul3(req.images, req.k, 4 * sizeof(float), &total)) return "output size overflows";
  return check_transforms(req.transform, req.images * req.k * 2);  // two corners per slot
}

void boxes(const Kernels& k, ThreadPool& pool, const BoxesRequest& req) {
  size_t n;
  if (!checked_mul3(req.images, req.k, 2, &n)) throw std::bad_alloc();
  std::vector<float> centres(n);
  // With a transform, a validity flag per corner: to apply_transforms a slot is two (x, y) points.
  std::vector<uint8_t> corners(req.transform.given ? n : 0);
  peaks(k, pool, centres_request(req, centres.data()));
  const size_t parts = split_parts(pool, req.images, req.threads);
  pool.parallel_for(parts, parts, [&](size_t begin, size_t end) {
    for (size_t part = begin; part < end; ++part) {
      for (size_t g = req.images * part / parts; g < req.images * (part + 1) / parts; ++g) boxes_of(req, g, centres.data());
    }
  });
  if (!req.transform.given) return;
  for (size_t s = 0; s < n / 2; ++s) corners[2 * s] = corners[2 * s + 1] = req.valid[s];
  apply_transforms(req.transform, n, req.boxes, corners.data());  // the last step
}

}  // namespace coordconv
