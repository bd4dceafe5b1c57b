// encodeSync / encode (async) and addCoords: unpack the flat request lib/ built, run native code.
#include <napi.h>

#include <new>

#include "../native/checked.h"
#include "../native/encode.h"
#include "args.h"
#include "async_task.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::EncodeRequest;

struct Unpacked {
  EncodeRequest request;
  std::vector<Napi::Object> arrays;
};

Unpacked unpack(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Napi::Object obj = object_arg(info, 0);
  Unpacked u;
  EncodeRequest& r = u.request;
  r.planes = size_field(obj, "planes");
  r.points = size_field(obj, "points");
  r.height = size_field(obj, "height");
  r.width = size_field(obj, "width");
  r.threads = size_field(obj, "threads");
  const std::string kind = string_field(obj, "kind");
  if (kind == "onehot") {
    r.kind = coordconv::EncodeKind::kOneHot;
  } else if (kind == "square") {
    r.kind = coordconv::EncodeKind::kSquare;
  } else if (kind == "gaussian") {
    r.kind = coordconv::EncodeKind::kGaussian;
  } else {
    throw Napi::TypeError::New(env, "internal: unknown encode kind " + kind);
  }
  r.radius = size_field(obj, "radius");
  r.sigma = number_field(obj, "sigma");
  r.unbiased = bool_field(obj, "unbiased");
  r.value = static_cast<float>(number_field(obj, "value"));
  size_t count = 0, pixels = 0;
  if (!coordconv::checked_mul(r.planes, r.points, &count) ||
      !coordconv::checked_mul3(r.planes, r.height, r.width, &pixels)) {
    throw Napi::RangeError::New(env, "internal: size overflows");
  }
  const TypedView coords = typed_field(obj, "coords", napi_float32_array, 0);
  if (coords.length / 2 != count || coords.length % 2 != 0) {
    throw Napi::RangeError::New(env, "internal: coords length does not match its shape");
  }
  r.coords = static_cast<const float*>(coords.data);
  u.arrays = {coords.array};
  if (!obj.Get("visible").IsNull()) {
    const TypedView visible = typed_field(obj, "visible", napi_uint8_array, 0);
    if (visible.length != count) throw Napi::RangeError::New(env, "internal: visible length does not match");
    r.visible = static_cast<const uint8_t*>(visible.data);
    u.arrays.push_back(visible.array);
  }
  const TypedView output = plane_data_field(obj, "output", &r.dtype);
  if (output.length != pixels) throw Napi::RangeError::New(env, "internal: output length does not match");
  r.output = output.data;
  u.arrays.push_back(output.array);
  const std::string problem = coordconv::check_encode_request(r);
  if (!problem.empty()) throw Napi::RangeError::New(env, "internal: " + problem);
  return u;
}

void run_encode(const coordconv::Kernels& k, coordconv::ThreadPool& pool, const EncodeRequest& r) {
  coordconv::encode(k, pool, r);
}

Napi::Value EncodeSync(const Napi::CallbackInfo& info) {
  const Unpacked u = unpack(info);
  AddonState& s = state(info.Env());
  try {
    run_encode(*s.kernels, *s.pool, u.request);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), "out of memory for the encoder's row scratch");
  }
  return info.Env().Undefined();
}

Napi::Value EncodeAsync(const Napi::CallbackInfo& info) {
  Unpacked u = unpack(info);
  // u.arrays: coords, then visible when given, then output (see unpack). Staged, see Staging.
  Staging staging;
  const auto array = [&u](size_t i) { return u.arrays[i].As<Napi::TypedArray>(); };
  u.request.coords = static_cast<const float*>(staging.input(array(0)));
  if (u.request.visible) u.request.visible = static_cast<const uint8_t*>(staging.input(array(1)));
  u.request.output = staging.output(array(u.arrays.size() - 1));
  return BatonWorker<EncodeRequest>::Start(info.Env(), "encode", run_encode, u.request, {},
                                           std::move(staging));
}

Napi::Value AddCoords(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Napi::Object obj = object_arg(info, 0);
  coordconv::AddCoordsRequest r;
  r.batch = size_field(obj, "batch");
  r.channels = size_field(obj, "channels");
  r.height = size_field(obj, "height");
  r.width = size_field(obj, "width");
  r.nhwc = string_field(obj, "layout") == "nhwc";
  r.with_r = bool_field(obj, "withR");
  r.threads = size_field(obj, "threads");
  const TypedView input = typed_field(obj, "input", napi_float32_array, 0);
  const TypedView output = typed_field(obj, "output", napi_float32_array, 0);
  r.input = static_cast<const float*>(input.data);
  r.output = static_cast<float*>(output.data);
  const std::string problem = coordconv::check_add_coords_request(r);
  if (!problem.empty()) throw Napi::RangeError::New(env, "internal: " + problem);
  // Both products were checked for overflow by check_add_coords_request.
  const size_t plane = r.height * r.width;
  if (input.length != r.batch * r.channels * plane ||
      output.length != r.batch * (r.channels + (r.with_r ? 3 : 2)) * plane) {
    throw Napi::RangeError::New(env, "internal: an array length does not match its shape");
  }
  coordconv::add_coords(*state(env).pool, r);
  return env.Undefined();
}

}  // namespace

void register_encode(Napi::Env env, Napi::Object exports) {
  exports.Set("encodeSync", Napi::Function::New(env, EncodeSync, "encodeSync"));
  exports.Set("encode", Napi::Function::New(env, EncodeAsync, "encode"));
  exports.Set("addCoords", Napi::Function::New(env, AddCoords, "addCoords"));
}

}  // namespace coordconv_binding
