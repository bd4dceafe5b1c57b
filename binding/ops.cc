// relu, sum and argmax: the engine's primitives, synchronous (the convolution is in conv.cc).
#include <napi.h>

#include "../native/ops.h"
#include "args.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::DType;

Napi::Value Relu(const Napi::CallbackInfo& info) {
  const Napi::Object obj = object_arg(info, 0);
  const TypedView in = typed_field(obj, "input", napi_float32_array, 0);
  const TypedView out = typed_field(obj, "output", napi_float32_array, in.length);
  AddonState& s = state(info.Env());
  coordconv::relu(*s.kernels, *s.pool, static_cast<const float*>(in.data),
                  static_cast<float*>(out.data), in.length, size_field(obj, "threads"));
  return info.Env().Undefined();
}

// sum and argmax read Float32 and Uint8 planes only (lib/ops.ts refuses float16 first).
coordconv::PlaneBatch float32_or_uint8_batch(const Fields& obj) {
  coordconv::PlaneBatch b;
  plane_batch_fields(obj, &b);
  if (b.dtype == DType::kFloat16) throw Napi::TypeError::New(obj.Env(), "internal: float16 planes are not supported here");
  return b;
}

Napi::Value Sum(const Napi::CallbackInfo& info) {
  const Napi::Object obj = object_arg(info, 0);
  const coordconv::PlaneBatch b = float32_or_uint8_batch(obj);
  const TypedView out = typed_field(obj, "output", napi_float64_array, b.planes);
  AddonState& s = state(info.Env());
  coordconv::sum_planes(*s.kernels, *s.pool, b, size_field(obj, "threads"),
                        static_cast<double*>(out.data));
  return info.Env().Undefined();
}

Napi::Value Argmax(const Napi::CallbackInfo& info) {
  const Napi::Object obj = object_arg(info, 0);
  const coordconv::PlaneBatch b = float32_or_uint8_batch(obj);
  const TypedView values = typed_field(obj, "values", napi_float32_array, b.planes);
  const TypedView indices = typed_field(obj, "indices", napi_float64_array, b.planes);
  const TypedView finite = typed_field(obj, "finite", napi_uint8_array, b.planes);
  AddonState& s = state(info.Env());
  coordconv::argmax_planes(*s.kernels, *s.pool, b, size_field(obj, "threads"),
                           static_cast<float*>(values.data), static_cast<double*>(indices.data),
                           static_cast<uint8_t*>(finite.data));
  return info.Env().Undefined();
}

// Internal, for bench/ only: the read-only sweep over the bytes of a Float32Array or Uint8Array.
Napi::Value Sweep(const Napi::CallbackInfo& info) {
  const Napi::Object obj = object_arg(info, 0);
  coordconv::DType dtype;
  const TypedView data = plane_data_field(obj, "data", &dtype);
  const size_t bytes = checked_product(info.Env(), {data.length, dtype == DType::kFloat32 ? sizeof(float) : 1});
  AddonState& s = state(info.Env());
  const uint8_t r = coordconv::sweep_bytes(*s.kernels, *s.pool, static_cast<const uint8_t*>(data.data),
                                           bytes, size_field(obj, "threads"));
  return Napi::Number::New(info.Env(), r);
}

}  // namespace

void register_ops(Napi::Env env, Napi::Object exports) {
  exports.Set("relu", Napi::Function::New(env, Relu, "relu"));
  exports.Set("sum", Napi::Function::New(env, Sum, "sum"));
  exports.Set("argmax", Napi::Function::New(env, Argmax, "argmax"));
  exports.Set("_sweep", Napi::Function::New(env, Sweep, "_sweep"));
}

}  // namespace coordconv_binding
