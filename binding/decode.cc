// decodeSync / decode: unpack the flat request lib/ built, run native decode.
#include <napi.h>

#include <exception>

#include "../native/checked.h"
#include "../native/decode.h"
#include "args.h"
#include "async_task.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::DecodeMethod;
using coordconv::DecodeRequest;

struct Unpacked {
  DecodeRequest request;
  Napi::TypedArray data, coords, scores, valid;
};

DecodeMethod method_named(Napi::Env env, const std::string& method) {
  if (method == "argmax") return DecodeMethod::kArgmax;
  if (method == "quarter") return DecodeMethod::kQuarter;
  if (method == "dark") return DecodeMethod::kDark;
  if (method == "centroid") return DecodeMethod::kCentroid;
  if (method == "softargmax") return DecodeMethod::kSoftargmax;
  if (method == "exact") return DecodeMethod::kExact;
  throw Napi::TypeError::New(env, "internal: unknown decode method " + method);
}

Unpacked unpack(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Napi::Object obj = object_arg(info, 0);
  Unpacked u;
  DecodeRequest& r = u.request;
  TypedView data = plane_data_field(obj, "data", &r.input.dtype);
  r.input.data = data.data;
  r.input.planes = size_field(obj, "planes");
  r.input.height = size_field(obj, "height");
  r.input.width = size_field(obj, "width");
  r.threads = size_field(obj, "threads");
  r.method = method_named(env, string_field(obj, "method"));
  r.params.kernel = size_field(obj, "kernel");
  r.params.sigma = number_field(obj, "sigma");
  r.params.threshold = number_field(obj, "threshold");
  r.params.beta = number_field(obj, "beta");
  size_t count = 0;
  if (!coordconv::checked_mul3(r.input.planes, r.input.height, r.input.width, &count) ||
      data.length != count) {
    throw Napi::RangeError::New(env, "internal: data length does not match its shape");
  }
  TypedView coords = typed_field(obj, "coords", napi_float32_array, r.input.planes * 2);
  TypedView scores = typed_field(obj, "scores", napi_float32_array, r.input.planes);
  TypedView valid = typed_field(obj, "valid", napi_uint8_array, r.input.planes);
  if (overlaps(data, coords) || overlaps(data, scores) || overlaps(data, valid) ||
      overlaps(coords, scores) || overlaps(coords, valid) || overlaps(scores, valid)) {
    throw Napi::RangeError::New(env, "internal: output arrays overlap the input or each other");
  }
  r.coords = static_cast<float*>(coords.data);
  r.scores = static_cast<float*>(scores.data);
  r.valid = static_cast<uint8_t*>(valid.data);
  const std::string problem = coordconv::check_decode_request(r);
  if (!problem.empty()) throw Napi::RangeError::New(env, "internal: " + problem);
  u.data = data.array;
  u.coords = coords.array;
  u.scores = scores.array;
  u.valid = valid.array;
  return u;
}

void run_decode(const coordconv::Kernels& k, coordconv::ThreadPool& pool, const DecodeRequest& r) {
  coordconv::decode(k, pool, r);
}

Napi::Value DecodeSync(const Napi::CallbackInfo& info) {
  const Unpacked u = unpack(info);
  AddonState& s = state(info.Env());
  try {
    run_decode(*s.kernels, *s.pool, u.request);
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("coordconv: decode failed: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value DecodeAsync(const Napi::CallbackInfo& info) {
  Unpacked u = unpack(info);
  Staging staging;
  u.request.input.data = staging.input(u.data);
  u.request.coords = static_cast<float*>(staging.output(u.coords));
  u.request.scores = static_cast<float*>(staging.output(u.scores));
  u.request.valid = static_cast<uint8_t*>(staging.output(u.valid));
  return BatonWorker<DecodeRequest>::Start(info.Env(), "decode", run_decode, u.request, {},
                                           std::move(staging));
}

}  // namespace

void register_decode(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeSync", Napi::Function::New(env, DecodeSync, "decodeSync"));
  exports.Set("decode", Napi::Function::New(env, DecodeAsync, "decode"));
}

}  // namespace coordconv_binding
