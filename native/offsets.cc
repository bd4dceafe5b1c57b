#include "offsets.h"

#include <cmath>

#include "checked.h"
#include "sample.h"  // element_index, element_value

namespace coordconv {
namespace {

// Moves (x, y), an integer cell of heatmap channel c of image n, by the map's offsets there. The
// sum is taken in double and rounded once: the cell (times the stride) is an exact integer, so it
// is the float32 sum PoseNet's and CenterNet's tensors compute.
void offset_point(const Offsets& o, size_t n, size_t c, float* xy) {
  const PlaneBatch& m = o.map;
  const double x = xy[0], y = xy[1];
  const size_t pixel = static_cast<size_t>(y) * m.width + static_cast<size_t>(x);
  const size_t channels = o.channels();
  const auto at = [&](size_t ch) { return static_cast<double>(element_value(m, element_index(m, channels, n, ch, pixel))); };
  if (o.kind == OffsetsKind::kPosenet) {
    const double stride = o.output_stride;
    xy[0] = static_cast<float>(x * stride + at(o.per_image + c));
    xy[1] = static_cast<float>(y * stride + at(c));
  } else {
    xy[0] = static_cast<float>(x + at(0));
    xy[1] = static_cast<float>(y + at(1));
  }
}

// A cell decode or peaks wrote: integer coordinates inside the plane (anything else is left alone).
bool is_cell(const PlaneBatch& m, const float* xy) {
  return xy[0] >= 0 && xy[1] >= 0 && xy[0] < static_cast<float>(m.width) && xy[1] < static_cast<float>(m.height) &&
         std::floor(xy[0]) == xy[0] && std::floor(xy[1]) == xy[1];
}

}  // namespace

std::string check_offsets(const Offsets& o, const PlaneBatch& heatmaps) {
  if (!o.given()) return {};
  if (std::string problem = check_plane_batch(o.map); !problem.empty()) return "offsets: " + problem;
  size_t planes = 0, map_planes = 0;
  if (!checked_mul(o.images, o.per_image, &planes) || planes != heatmaps.planes) return "offsets: images and per_image do not match the planes";
  if (!checked_mul(o.images, o.channels(), &map_planes) || map_planes != o.map.planes) {
    return "offsets: the map must hold 2 K (posenet) or 2 (centernet) planes per image";
  }
  if (o.map.height != heatmaps.height || o.map.width != heatmaps.width) return "offsets: the map's sides must be the heatmaps'";
  if (o.map.layout != heatmaps.layout) return "offsets: the map's layout must be the heatmaps'";
  if (o.map.layout == Layout::kNhwc && o.map.channels != o.channels()) return "offsets: NHWC map channels must be 2 K or 2";
  if (o.kind == OffsetsKind::kPosenet && (!std::isfinite(o.output_stride) || !(o.output_stride > 0))) {
    return "offsets: output stride must be finite and positive";
  }
  return {};
}

void offset_planes(const Offsets& o, size_t planes, const uint8_t* valid, float* coords) {
  if (!o.given() || o.per_image == 0) return;
  for (size_t i = 0; i < planes; ++i) {
    float* xy = coords + 2 * i;
    if (valid[i] && is_cell(o.map, xy)) offset_point(o, i / o.per_image, i % o.per_image, xy);
  }
}

void offset_slots(const Offsets& o, size_t groups, size_t slots_per, const uint32_t* channels, const uint8_t* valid,
                  float* coords) {
  if (!o.given() || o.per_image == 0) return;
  for (size_t g = 0; g < groups; ++g) {
    for (size_t s = 0; s < slots_per; ++s) {
      const size_t j = g * slots_per + s;
      float* xy = coords + 2 * j;
      if (!valid[j] || !is_cell(o.map, xy)) continue;
      // Over planes, group g is plane g; over images, image g and the slot's channel.
      const size_t n = channels ? g : g / o.per_image, c = channels ? channels[j] : g % o.per_image;
      offset_point(o, n, c, xy);
    }
  }
}

}  // namespace coordconv
