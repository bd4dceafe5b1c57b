// relu, sum and argmax: the engine's primitives, synchronous (conv2d is in conv.cc).
#include <napi.h>

#include "../native/checked.h"
#include "../native/ops.h"
#include "args.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::DType;

size_t checked_product(Napi::Env env, std::initializer_list<size_t> dims) {
  size_t n = 1;
  for (size_t d : dims) {
    if (!coordconv::checked_mul(n, d, &n)) throw Napi::RangeError::New(env, "internal: size overflows");
  }
  return n;
}

Napi::Value Relu(const Napi::CallbackInfo& info) {
  const Napi::Object obj = object_arg(info, 0);
  const TypedView in = typed_field(obj, "input", napi_float32_array, 0);
  const TypedView out = typed_field(obj, "output", napi_float32_array, in.length);
  AddonState& s = state(info.Env());
  coordconv::relu(*s.kernels, *s.pool, static_cast<const float*>(in.data),
                  static_cast<float*>(out.data), in.length, size_field(obj, "threads"));
  return info.Env().Undefined();
}

coordconv::PlaneBatch planes_of(const Napi::Object& obj) {
  coordconv::PlaneBatch b;
  const TypedView data = plane_data_field(obj, "data", &b.dtype);
  b.data = data.data;
  b.planes = size_field(obj, "planes");
  b.height = size_field(obj, "height");
  b.width = size_field(obj, "width");
  if (data.length != checked_product(obj.Env(), {b.planes, b.height, b.width})) {
    throw Napi::RangeError::New(obj.Env(), "internal: data length does not match its shape");
  }
  return b;
}

Napi::Value Sum(const Napi::CallbackInfo& info) {
  const Napi::Object obj = object_arg(info, 0);
  const coordconv::PlaneBatch b = planes_of(obj);
  const TypedView out = typed_field(obj, "output", napi_float64_array, b.planes);
  AddonState& s = state(info.Env());
  coordconv::sum_planes(*s.kernels, *s.pool, b, size_field(obj, "threads"),
                        static_cast<double*>(out.data));
  return info.Env().Undefined();
}

Napi::Value Argmax(const Napi::CallbackInfo& info) {
  const Napi::Object obj = object_arg(info, 0);
  const coordconv::PlaneBatch b = planes_of(obj);
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
