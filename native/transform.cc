#include "transform.h"

#include <cmath>

namespace coordconv {

std::string check_transforms(const Transforms& t, size_t points) {
  if (!t.given) return {};
  if (t.samples == 0 ? points != 0 : points % t.samples != 0) {
    return "transform samples must divide the points evenly";
  }
  if (t.samples != 0 && !t.matrices) return "transform matrices are null";
  // samples * 6 cannot overflow where points >= samples are laid out as floats in memory, but an
  // empty output (points 0) may pair with any samples count.
  if (t.samples > SIZE_MAX / 6) return "transform size overflows";
  for (size_t i = 0; i < t.samples * 6; ++i) {
    if (!std::isfinite(t.matrices[i])) return "transform entries must be finite";
  }
  return {};
}

void apply_transforms(const double* m, size_t samples, size_t points_per_sample, float* xy, const uint8_t* valid) {
  for (size_t s = 0; s < samples; ++s, m += 6) {
    const size_t first = s * points_per_sample;
    for (size_t p = first; p < first + points_per_sample; ++p) {
      if (valid && !valid[p]) continue;
      const double x = xy[2 * p], y = xy[2 * p + 1];
      xy[2 * p] = static_cast<float>(m[0] * x + m[1] * y + m[2]);
      xy[2 * p + 1] = static_cast<float>(m[3] * x + m[4] * y + m[5]);
    }
  }
}

void apply_transforms(const Transforms& t, size_t points, float* xy, const uint8_t* valid) {
  if (!t.given || t.samples == 0) return;
  apply_transforms(t.matrices, t.samples, points / t.samples, xy, valid);
}

}  // namespace coordconv
