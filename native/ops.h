// The engine's primitives over batches of planes: 2-D convolution, ReLU, and per-plane sum and
// argmax reductions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"

namespace coordconv {

enum class Padding { kSame, kValid };

// Cross-correlation, as deep-learning frameworks define convolution: input [N, C, H, W],
// weight [O, C, kh, kw], optional bias [O], output [N, O, H', W']. 'same' pads (k - 1) / 2
// before and the rest after each axis (PyTorch's rule for even kernels too); 'valid' pads nothing.
struct Conv2dRequest {
  const float* input = nullptr;
  size_t batch = 0, channels = 0, height = 0, width = 0;
  const float* weight = nullptr;
  size_t out_channels = 0, kernel_h = 0, kernel_w = 0;
  const float* bias = nullptr;  // may be null
  Padding padding = Padding::kSame;
  size_t threads = 1;
  float* output = nullptr;
};

// The output height and width, or false when the kernel does not fit a 'valid' convolution.
bool conv2d_output_size(const Conv2dRequest& req, size_t* out_h, size_t* out_w);
std::string check_conv2d_request(const Conv2dRequest& req);
void conv2d(const Kernels& k, ThreadPool& pool, const Conv2dRequest& req);

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
