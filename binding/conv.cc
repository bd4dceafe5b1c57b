// conv2d (sync), coordConv2dSync and coordConv2d (async): unpack the flat request lib/ built and
// run the shared convolution engine.
#include <napi.h>

#include <new>

#include "../native/checked.h"
#include "../native/conv.h"
#include "args.h"
#include "async_task.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::ConvRequest;

struct Unpacked {
  ConvRequest request;
  std::vector<Napi::Object> arrays;
};

size_t product(Napi::Env env, std::initializer_list<size_t> dims) {
  size_t n = 1;
  for (size_t d : dims) {
    if (!coordconv::checked_mul(n, d, &n)) throw Napi::RangeError::New(env, "internal: size overflows");
  }
  return n;
}

Unpacked unpack(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Napi::Object obj = object_arg(info, 0);
  Unpacked u;
  ConvRequest& r = u.request;
  r.batch = size_field(obj, "batch");
  r.channels = size_field(obj, "channels");
  r.height = size_field(obj, "height");
  r.width = size_field(obj, "width");
  r.coord_channels = size_field(obj, "coordChannels");
  r.out_channels = size_field(obj, "outChannels");
  r.kernel_h = size_field(obj, "kernelH");
  r.kernel_w = size_field(obj, "kernelW");
  r.stride_h = size_field(obj, "strideH");
  r.stride_w = size_field(obj, "strideW");
  r.dilation_h = size_field(obj, "dilationH");
  r.dilation_w = size_field(obj, "dilationW");
  r.pad_top = size_field(obj, "padTop");
  r.pad_left = size_field(obj, "padLeft");
  r.pad_bottom = size_field(obj, "padBottom");
  r.pad_right = size_field(obj, "padRight");
  r.relu = bool_field(obj, "relu");
  r.threads = size_field(obj, "threads");
  const TypedView probe = typed_field(obj, "input", napi_float32_array, 0);
  r.input = static_cast<const float*>(probe.data);
  const TypedView weight = typed_field(obj, "weight", napi_float32_array, 0);
  r.weight = static_cast<const float*>(weight.data);
  const TypedView output = typed_field(obj, "output", napi_float32_array, 0);
  r.output = static_cast<float*>(output.data);
  std::string problem = coordconv::check_conv_request(r);
  if (!problem.empty()) throw Napi::RangeError::New(env, "internal: " + problem);
  size_t out_h = 0, out_w = 0;
  coordconv::conv_output_size(r, &out_h, &out_w);
  const size_t all = r.channels + r.coord_channels;
  if (probe.length != product(env, {r.batch, r.channels, r.height, r.width}) ||
      weight.length != product(env, {r.out_channels, all, r.kernel_h, r.kernel_w}) ||
      output.length != product(env, {r.batch, r.out_channels, out_h, out_w})) {
    throw Napi::RangeError::New(env, "internal: an array length does not match its shape");
  }
  u.arrays = {probe.array, weight.array, output.array};
  if (!obj.Get("bias").IsNull()) {
    const TypedView bias = typed_field(obj, "bias", napi_float32_array, r.out_channels);
    r.bias = static_cast<const float*>(bias.data);
    u.arrays.push_back(bias.array);
  }
  return u;
}

void run_conv(const coordconv::Kernels& k, coordconv::ThreadPool& pool, const ConvRequest& r) {
  coordconv::conv(k, pool, r);
}

Napi::Value ConvSync(const Napi::CallbackInfo& info) {
  const Unpacked u = unpack(info);
  AddonState& s = state(info.Env());
  try {
    run_conv(*s.kernels, *s.pool, u.request);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), "out of memory for the convolution's row scratch");
  }
  return info.Env().Undefined();
}

Napi::Value ConvAsync(const Napi::CallbackInfo& info) {
  Unpacked u = unpack(info);
  // u.arrays: input, weight, output, then bias when given (see unpack). Staged, see Staging.
  Staging staging;
  const auto array = [&u](size_t i) { return u.arrays[i].As<Napi::TypedArray>(); };
  u.request.input = static_cast<const float*>(staging.input(array(0)));
  u.request.weight = static_cast<const float*>(staging.input(array(1)));
  u.request.output = static_cast<float*>(staging.output(array(2)));
  if (u.request.bias) u.request.bias = static_cast<const float*>(staging.input(array(3)));
  return BatonWorker<ConvRequest>::Start(info.Env(), "coordConv2d", run_conv, u.request, {},
                                         std::move(staging));
}

}  // namespace

void register_conv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, ConvSync, "conv2d"));
  exports.Set("convAsync", Napi::Function::New(env, ConvAsync, "convAsync"));
}

}  // namespace coordconv_binding
