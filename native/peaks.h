// Top-k local maxima per plane (CenterNet's decode): a pixel is a peak when it equals the maximum
// of the window x window square centred on it (pixels outside the plane do not count) and is at
// least the threshold. Peaks are ordered by value descending, then by row-major index ascending.
// Over an image (CenterNet's _topk over all classes), the planes of each image are searched alike
// and their peaks merged: value descending, then channel ascending, then row-major index ascending.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "engine_limits.h"
#include "planes.h"
#include "thread_pool.h"
#include "transform.h"

namespace coordconv {

// No defaults: lib/ owns them and sends every field. The initial values are the unset ones, which
// check_peaks_request rejects.
// kPlane: k slots per plane. kImage: k slots per image of `per_image` consecutive planes.
enum class PeaksOver { kPlane, kImage };

struct PeaksRequest {
  PlaneBatch input;
  PeaksOver over = PeaksOver::kPlane;
  size_t images = 0;          // kPlane: input.planes; kImage: images * per_image == input.planes
  size_t per_image = 0;       // kPlane: 1; kImage: the channels of each image (0 allowed)
  size_t k = 0;               // slots per plane, >= 1
  double threshold = kUnset;  // absolute, in the input's units (lib scales 0..1 to 0..255 for Uint8)
  size_t window = 0;          // odd, 1..kMaxKernel
  size_t threads = 0;         // >= 1
  float* coords = nullptr;      // images * k * 2
  float* scores = nullptr;      // images * k
  uint8_t* valid = nullptr;     // images * k
  uint32_t* counts = nullptr;   // images
  uint32_t* channels = nullptr; // kImage: images * k, each peak's channel (unused slots 0)
  Transforms transform;         // optional, applied last: samples divide the images * k slots
};

std::string check_peaks_request(const PeaksRequest& req);

// Fills every slot: found peaks first, the rest NaN coordinates, score 0, valid 0. A plane holding
// NaN or +-Inf has no peaks. Throws std::bad_alloc before writing anything when its scratch cannot
// be allocated.
void peaks(const Kernels& k, ThreadPool& pool, const PeaksRequest& req);

}  // namespace coordconv
