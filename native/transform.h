// Per-sample 2x3 affine maps applied to decoded coordinates: the step that takes heatmap (or
// SimCC, or box) coordinates back to the image, run as the last step of an operation's native
// pass. Any operation that writes (x, y) pairs can call apply_transforms on its output.
//
// A sample's matrix is 6 doubles, row-major [a, b, c, d, e, f]: (x, y) -> (a x + b y + c, d x + e y + f).
// The arithmetic is in double, as written ((a x + b y) + c, no fused multiply-add: the build sets
// -ffp-contract=off), each result rounded to float32 once, so a JS reference
// Math.fround(a * x + b * y + c) gives the same bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace coordconv {

// The optional transform field of a request. given false: no transform. Else `samples` matrices
// of 6 doubles each at `matrices` (which may be null only when samples is 0), every entry finite;
// the request's points split into `samples` equal runs of consecutive points, run s mapped by
// matrix s. (An empty typed array may have no data pointer, so null cannot mean "none".)
struct Transforms {
  bool given = false;
  const double* matrices = nullptr;
  size_t samples = 0;
};

// Empty when `t` can be applied to `points` (x, y) pairs (not given, or samples dividing points,
// samples == 0 only with points == 0, every entry finite), else why not.
std::string check_transforms(const Transforms& t, size_t points);

// Maps points s * points_per_sample .. (s + 1) * points_per_sample - 1 of `xy` (x then y, 2 floats
// per point) by matrix s (m + 6 s), for every sample s < samples, in place. Only points whose
// valid byte is non-zero move; `valid` null moves every point. A point whose result lies beyond
// float32's range becomes +-Infinity (its flag is not changed; finite matrices on coordinates of
// a plane never get there). Keep this signature: decode, peaks, SimCC and boxes call it.
void apply_transforms(const double* m, size_t samples, size_t points_per_sample, float* xy, const uint8_t* valid);

// apply_transforms for a request's field: nothing when t is not given, else the `points` (which
// check_transforms accepted) split evenly over t.samples.
void apply_transforms(const Transforms& t, size_t points, float* xy, const uint8_t* valid);

}  // namespace coordconv
