// The CoordConv layer: the direct 2-D convolution engine behind conv2d and coordConv2d (stride,
// zero padding and dilation per axis, an optional fused ReLU, and optionally the coordinate
// channels xx, yy and r generated on the fly after the input channels), and AddCoords, which
// materialises those channels.
#pragma once

#include <cstddef>
#include <string>

#include "kernels.h"
#include "thread_pool.h"

namespace coordconv {

// Cross-correlation, as deep-learning frameworks define convolution: input [N, C, H, W] (with
// `coord_channels` more channels appended, see below), weight [O, C + coord_channels, kh, kw],
// optional bias [O], output [N, O, H', W'] with
//   H' = (H + pad_top + pad_bottom - dilation_h * (kh - 1) - 1) / stride_h + 1, likewise W'.
// Each output element starts at its bias (or 0) and adds w * v for every tap in the order
// channel, kernel row, kernel column, as a fused multiply-add (one rounding per tap); taps in the
// padding contribute w * 0 (PyTorch's zero padding). Every SIMD path gives the same bits.
//
// coord_channels (AddCoords, Liu et al. 2018): 0 for a plain convolution; 2 appends
//   xx(y, x) = x / (W - 1) * 2 - 1 and yy(y, x) = y / (H - 1) * 2 - 1 (0 where the side is 1),
// computed in float32 in that order; 3 appends r = sqrt(xx * xx + yy * yy) as well.
struct ConvRequest {
  const float* input = nullptr;
  size_t batch = 0, channels = 0, height = 0, width = 0;
  size_t coord_channels = 0;
  const float* weight = nullptr;
  size_t out_channels = 0, kernel_h = 0, kernel_w = 0;
  const float* bias = nullptr;  // may be null
  size_t stride_h = 1, stride_w = 1;
  size_t dilation_h = 1, dilation_w = 1;
  size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool relu = false;
  size_t threads = 1;
  float* output = nullptr;
};

// The output height and width, or false when the dilated kernel does not fit the padded input.
bool conv_output_size(const ConvRequest& req, size_t* out_h, size_t* out_w);

// Empty when the request is well formed (sizes positive, in range, products not overflowing);
// else why not. conv() must only run on a request that passed.
std::string check_conv_request(const ConvRequest& req);

// Runs the convolution over the batch, split by output rows across the pool. Throws
// std::bad_alloc when a thread's row scratch cannot be allocated (the output is then undefined).
void conv(const Kernels& k, ThreadPool& pool, const ConvRequest& req);

// The coordinate value of index i on an axis of n: i / (n - 1) * 2 - 1 in float32, 0 when n = 1.
inline float axis_coord(size_t i, size_t n) {
  if (n <= 1) return 0.0f;
  return static_cast<float>(i) / static_cast<float>(n - 1) * 2.0f - 1.0f;
}

// AddCoords alone, materialised: appends the xx, yy (and r) channels above to a copy of the
// input. 'nchw' input [N, C, H, W] gives [N, C + 2 (+1), H, W]; 'nhwc' input [N, H, W, C] gives
// [N, H, W, C + 2 (+1)].
struct AddCoordsRequest {
  const float* input = nullptr;
  size_t batch = 0, channels = 0, height = 0, width = 0;
  bool nhwc = false;
  bool with_r = false;
  size_t threads = 1;
  float* output = nullptr;
};

// Empty when the request is well formed (sizes positive, in range, products not overflowing).
std::string check_add_coords_request(const AddCoordsRequest& req);
void add_coords(ThreadPool& pool, const AddCoordsRequest& req);

}  // namespace coordconv
