// Top-k local maxima per plane (CenterNet's decode): a pixel is a peak when it equals the maximum
// of the window x window square centred on it (pixels outside the plane do not count) and is at
// least the threshold. Peaks are ordered by value descending, then by row-major index ascending.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "engine_limits.h"
#include "planes.h"
#include "thread_pool.h"

namespace coordconv {

// No defaults: lib/ owns them and sends every field. The initial values are the unset ones, which
// check_peaks_request rejects.
struct PeaksRequest {
  PlaneBatch input;
  size_t k = 0;               // slots per plane, >= 1
  double threshold = kUnset;  // absolute, in the input's units (lib scales 0..1 to 0..255 for Uint8)
  size_t window = 0;          // odd, 1..kMaxKernel
  size_t threads = 0;         // >= 1
  float* coords = nullptr;    // planes * k * 2
  float* scores = nullptr;    // planes * k
  uint8_t* valid = nullptr;   // planes * k
  uint32_t* counts = nullptr; // planes
};

std::string check_peaks_request(const PeaksRequest& req);

// Fills every slot: found peaks first, the rest NaN coordinates, score 0, valid 0. A plane holding
// NaN or +-Inf has no peaks.
void peaks(const Kernels& k, ThreadPool& pool, const PeaksRequest& req);

}  // namespace coordconv
