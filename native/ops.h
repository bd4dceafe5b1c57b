// The engine's primitives over batches of planes: ReLU, and per-plane sum and argmax reductions
// (the 2-D convolution is in conv.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"

namespace coordconv {

// conv2d lives in conv.h, shared with coordConv2d.

void relu(const Kernels& k, ThreadPool& pool, const float* in, float* out, size_t n,
          size_t threads);

// One value per plane: out[i] = sum of plane i, accumulated in double precision.
void sum_planes(const Kernels& k, ThreadPool& pool, const PlaneBatch& in, size_t threads,
                double* out);

// One (value, index, finite) per plane, index counted within the plane.
void argmax_planes(const Kernels& k, ThreadPool& pool, const PlaneBatch& in, size_t threads,
                   float* values, double* indices, uint8_t* finite);

// The OR of `bytes` bytes, read once, split over `threads`: the read-only memory roofline the
// benchmark compares decoders with. Internal; only bench/ calls it.
uint8_t sweep_bytes(const Kernels& k, ThreadPool& pool, const uint8_t* p, size_t bytes,
                    size_t threads);

}  // namespace coordconv
