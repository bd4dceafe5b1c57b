// The flip test's merge (mmpose 1.x, mmpose/models/utils/tta.py): the output for the mirrored
// image is flipped back along W (flip_heatmaps, flip_mode 'heatmap', or flip_vectors' x), its
// keypoint channels are reordered by the flip indices, optionally shifted one pixel to the right
// (shift_heatmap), and averaged with the output for the image itself, (a + b) * 0.5 in float32,
// as HeatmapHead.predict and SimCCHead.predict do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"

namespace coordconv {

// One pair of tensors of the same geometry: `plain`, the model's output for the image, and
// `flipped`, its output for the mirrored image (each with its own dtype). Keypoint k of image n is
// plain's plane n * K + k; NCHW batches have channels 1, NHWC batches channels K.
struct FlipPair {
  PlaneBatch plain;
  PlaneBatch flipped;
  bool mirror = false;  // read flipped's rows back to front: heatmaps and SimCC x, not SimCC y
  // With mirror, shift_heatmap: out[..., 0] = a[..., 0] + b[..., W - 1] and out[..., w] = a[..., w]
  // + b[..., W - w] for w >= 1 (column 0 of the flipped-back map stays, columns 1.. take their left
  // neighbour's value), each halved.
  bool shift = false;
  float* out = nullptr;  // plain's element count, in plain's layout
};

// No defaults: lib/ owns them and sends every field.
struct FlipRequest {
  FlipPair pairs[2];
  size_t pair_count = 0;  // 1 (heatmaps) or 2 (SimCC: x, mirrored, then y)
  size_t keypoints = 0;   // K, the channels of each image; 0 only for an empty batch
  // K entries, a permutation of 0..K-1: out channel k averages plain's k with flipped's
  // flip_indices[k] (heatmaps[:, flip_indices] gathers).
  const uint32_t* flip_indices = nullptr;
  size_t threads = 0;  // >= 1
};

// Empty on success, else why the request is malformed (nothing is written then).
std::string check_flip_request(const FlipRequest& req);

// Writes every pair's out; the request must have passed check_flip_request. Throws
// std::bad_alloc when the per-thread scratch cannot be allocated (before anything is written).
void merge_flipped(const Kernels& k, ThreadPool& pool, const FlipRequest& req);

}  // namespace coordconv
