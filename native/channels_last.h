// Reading a channels-last (NHWC) batch in place: how its images are split into work for the
// threads, and the bounded de-interleave the per-plane code runs on for what reads whole planes.
#pragma once

#include <cstddef>
#include <functional>

#include "kernels.h"
#include "planes.h"

namespace coordconv {

// Channels [first, first + count) of one image.
struct ChannelBlock {
  size_t image;
  size_t first;
  size_t count;
};

// How many blocks each image is cut into so that `wanted` threads have work: 1 when there are at
// least as many images, else up to one block per channel.
size_t nhwc_blocks_per_image(const PlaneBatch& in, size_t wanted);

// Work unit `unit` (< images * blocks) of a batch cut into `blocks` blocks per image.
ChannelBlock nhwc_block(const PlaneBatch& in, size_t blocks, size_t unit);

// Channel c of an image at pixel 0; pixel j follows at j * in.channels elements.
const void* nhwc_channel(const PlaneBatch& in, size_t image, size_t c);

// How many planes of plane_size floats a de-interleave scratch holds: those that fit in
// kDeinterleaveBytes, at least 1 and at most count.
constexpr size_t kDeinterleaveBytes = size_t(4) << 20;
size_t deinterleave_planes(size_t plane_size, size_t count);

// Writes channels [first, first + count) of an image as float planes, one after the other, into
// out (count * H * W floats), values unchanged (Uint8 and Float16 widened exactly).
void deinterleave(const PlaneBatch& in, size_t image, size_t first, size_t count, float* out);

// Writes row y of channels [first, first + count) of an image as float rows of W, one after the
// other, into out (count * W floats), widened as deinterleave does.
void deinterleave_row(const Kernels& k, const PlaneBatch& in, size_t image, size_t y, size_t first, size_t count,
                      float* out);

}  // namespace coordconv
