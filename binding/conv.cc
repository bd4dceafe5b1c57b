// The CoordConv layer: the convolution engine behind conv2d and coordConv2d (convSync and conv),
// and addCoords.
#include "args.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::AddCoordsRequest;
using coordconv::ConvRequest;

void unpack_conv(const Fields& obj, ConvRequest& r, Arrays& arrays) {
  const Napi::Env env = obj.Env();
  size_fields(obj, {{"batch", &r.batch}, {"channels", &r.channels}, {"height", &r.height}, {"width", &r.width},
                    {"coordChannels", &r.coord_channels}, {"outChannels", &r.out_channels},
                    {"kernelH", &r.kernel_h}, {"kernelW", &r.kernel_w}, {"strideH", &r.stride_h},
                    {"strideW", &r.stride_w}, {"dilationH", &r.dilation_h}, {"dilationW", &r.dilation_w},
                    {"padTop", &r.pad_top}, {"padLeft", &r.pad_left}, {"padBottom", &r.pad_bottom},
                    {"padRight", &r.pad_right}});
  r.relu = bool_field(obj, "relu");
  r.threads = size_field(obj, "threads");
  const TypedView input = typed_field(obj, "input", napi_float32_array, 0);
  const TypedView weight = typed_field(obj, "weight", napi_float32_array, 0);
  const TypedView output = typed_field(obj, "output", napi_float32_array, 0);
  arrays.input(input, &r.input);
  arrays.input(weight, &r.weight);
  arrays.output(output, &r.output);
  require_well_formed(env, coordconv::check_conv_request(r));
  size_t out_h = 0, out_w = 0;
  coordconv::conv_output_size(r, &out_h, &out_w);
  const size_t all = r.channels + r.coord_channels;
  if (input.length != checked_product(env, {r.batch, r.channels, r.height, r.width}) ||
      weight.length != checked_product(env, {r.out_channels, all, r.kernel_h, r.kernel_w}) ||
      output.length != checked_product(env, {r.batch, r.out_channels, out_h, out_w})) {
    throw Napi::RangeError::New(env, "internal: an array length does not match its shape");
  }
  if (!obj.Get("bias").IsNull()) arrays.input(typed_field(obj, "bias", napi_float32_array, r.out_channels), &r.bias);
}

void unpack_add_coords(const Fields& obj, AddCoordsRequest& r, Arrays& arrays) {
  const Napi::Env env = obj.Env();
  size_fields(obj, {{"batch", &r.batch}, {"channels", &r.channels}, {"height", &r.height}, {"width", &r.width}});
  r.nhwc = string_field(obj, "layout") == "nhwc";
  r.with_r = bool_field(obj, "withR");
  r.threads = size_field(obj, "threads");
  const TypedView input = typed_field(obj, "input", napi_float32_array, 0);
  const TypedView output = typed_field(obj, "output", napi_float32_array, 0);
  arrays.input(input, &r.input);
  arrays.output(output, &r.output);
  require_well_formed(env, coordconv::check_add_coords_request(r));
  // Both products were checked for overflow by check_add_coords_request.
  const size_t plane = r.height * r.width;
  if (input.length != r.batch * r.channels * plane ||
      output.length != r.batch * (r.channels + (r.with_r ? 3 : 2)) * plane) {
    throw Napi::RangeError::New(env, "internal: an array length does not match its shape");
  }
}

void run_add_coords(const coordconv::Kernels&, coordconv::ThreadPool& pool, const AddCoordsRequest& r) {
  coordconv::add_coords(pool, r);
}

// The requests as lib/ passes them (binding/operation.h).
constexpr const char* kConvFields[] = {
    "batch", "channels", "height", "width", "coordChannels", "outChannels", "kernelH", "kernelW", "strideH",
    "strideW", "dilationH", "dilationW", "padTop", "padLeft", "padBottom", "padRight", "relu", "threads",
    "input", "weight", "output", "bias", "owned"};
constexpr const char* kAddCoordsFields[] = {
    "batch", "channels", "height", "width", "layout", "withR", "threads", "input", "output"};

}  // namespace

const Operation<ConvRequest> kConv{"conv", unpack_conv, coordconv::conv, field_list(kConvFields)};
const Operation<AddCoordsRequest> kAddCoords{"addCoords", unpack_add_coords, run_add_coords, field_list(kAddCoordsFields)};

}  // namespace coordconv_binding
