// Boxes from centres, as CenterNet's ctdet_decode (src/lib/models/decode.py): the top k max-pool
// peaks over all the classes of each image (peaks() over images: _nms and _topk), then at each
// centre the width and height, and the sub-pixel offset when there is one, read from their maps
// (_tranpose_and_gather_feat) and the box around the centre:
//   cx = x + reg_x (without offsets x + 0.5, as ctdet_decode does when reg is None), likewise cy,
//   box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], in float32 as the PyTorch code computes,
// then, with a transform, each corner mapped by its image's matrix (ctdet_post_process).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine_limits.h"
#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"
#include "transform.h"

namespace coordconv {

// No defaults: lib/ owns them and sends every field; the initial values are the unset ones, which
// check_boxes_request rejects.
struct BoxesRequest {
  PlaneBatch heatmaps;        // images * per_image class planes, any dtype, either layout
  size_t images = 0;
  size_t per_image = 0;       // the classes C of each image (0 allowed: no boxes)
  // images * 2 planes with the heatmaps' height, width and layout (channels 2 for kNhwc): width
  // then height (sizes), x then y (offsets); float32 or float16, read as they are (a NaN size
  // gives a NaN box in a valid slot: the centre was found, and the used slots stay first).
  PlaneBatch sizes;
  PlaneBatch offsets;
  bool has_offsets = false;   // false: CenterNet's reg_offset=False, the centre plus 0.5
  size_t k = 0;               // slots per image, >= 1
  double threshold = kUnset;  // peaks' threshold: absolute, in the heatmaps' units
  size_t window = 0;          // peaks' max-pool window: odd, 1..kMaxKernel
  size_t threads = 0;         // >= 1
  float* boxes = nullptr;     // images * k * 4: x1, y1, x2, y2; NaN in unused slots
  float* scores = nullptr;    // images * k; 0 in unused slots
  uint8_t* valid = nullptr;   // images * k
  uint32_t* counts = nullptr; // images
  uint32_t* classes = nullptr;  // images * k; 0 in unused slots
  // Optional, one matrix per image, applied last to the two corners (x1, y1) and (x2, y2) of each
  // used slot apart, as CenterNet's ctdet_post_process applies transform_preds to each.
  Transforms transform;
};

std::string check_boxes_request(const BoxesRequest& req);

// Fills every slot. Throws std::bad_alloc before writing anything when its scratch cannot be
// allocated.
void boxes(const Kernels& k, ThreadPool& pool, const BoxesRequest& req);

}  // namespace coordconv
