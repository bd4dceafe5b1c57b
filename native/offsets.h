// Offsets read at integer peaks, for the two conventions models publish them in (decode and peaks
// apply them to their valid results, in the same native call, before any other post-step):
// - kPosenet, PoseNet's (tfjs-models posenet/src/multi_pose/util.ts getOffsetPoint and
//   getImageCoords): a map of 2K channels per image, channel k the y offset and channel K + k the x
//   offset of keypoint k, in input pixels; keypoint k found at heatmap cell (x, y) is at
//   (x * output_stride + offset_x, y * output_stride + offset_y).
// - kCenternet, CenterNet's reg head (src/lib/models/decode.py ctdet_decode: xs + reg[..., 0],
//   ys + reg[..., 1]): a map of 2 channels per image shared by all its classes, x then y, in heatmap
//   pixels; a peak at cell (x, y) is at (x + reg_x, y + reg_y).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine_limits.h"
#include "planes.h"

namespace coordconv {

enum class OffsetsKind { kNone, kPosenet, kCenternet };

struct Offsets {
  OffsetsKind kind = OffsetsKind::kNone;
  // images * (2 * per_image or 2) planes of the heatmaps' H x W, in the heatmaps' layout (kNhwc:
  // map.channels is the planes per image).
  PlaneBatch map;
  size_t images = 0;     // the heatmaps' images
  size_t per_image = 0;  // K: the heatmap channels of each image
  double output_stride = kUnset;  // kPosenet: finite, > 0

  bool given() const { return kind != OffsetsKind::kNone; }
  size_t channels() const { return kind == OffsetsKind::kPosenet ? 2 * per_image : 2; }
};

// Empty when the offsets (if given) fit heatmaps of `heatmaps`' sides and layout holding
// images * per_image planes, else why not.
std::string check_offsets(const Offsets& o, const PlaneBatch& heatmaps);

// decode: plane i (channel i % K of image i / K) moved by its offsets where valid[i].
void offset_planes(const Offsets& o, size_t planes, const uint8_t* valid, float* coords);

// peaks: slot j of `slots_per` slots per group; a group is a plane (channels null) or an image
// whose slots name their channel in `channels`. Used slots (valid) are moved.
void offset_slots(const Offsets& o, size_t groups, size_t slots_per, const uint32_t* channels, const uint8_t* valid,
                  float* coords);

}  // namespace coordconv
