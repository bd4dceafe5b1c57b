// peaksSync / peaks: unpack the flat request lib/ built, run native peaks.
#include <napi.h>

#include <exception>

#include "../native/checked.h"
#include "../native/peaks.h"
#include "args.h"
#include "async_task.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::PeaksRequest;

struct Unpacked {
  PeaksRequest request;
  std::vector<Napi::Object> arrays;
};

Unpacked unpack(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Napi::Object obj = object_arg(info, 0);
  Unpacked u;
  PeaksRequest& r = u.request;
  TypedView data = plane_data_field(obj, "data", &r.input.dtype);
  r.input.data = data.data;
  r.input.planes = size_field(obj, "planes");
  r.input.height = size_field(obj, "height");
  r.input.width = size_field(obj, "width");
  r.threads = size_field(obj, "threads");
  r.k = size_field(obj, "k");
  r.window = size_field(obj, "window");
  r.threshold = number_field(obj, "threshold");
  size_t count = 0;
  if (!coordconv::checked_mul3(r.input.planes, r.input.height, r.input.width, &count) ||
      data.length != count) {
    throw Napi::RangeError::New(env, "internal: data length does not match its shape");
  }
  size_t slots = 0;
  if (!coordconv::checked_mul3(r.input.planes, r.k, 2 * sizeof(float), &slots)) {
    throw Napi::RangeError::New(env, "internal: output size overflows");
  }
  slots = r.input.planes * r.k;
  TypedView coords = typed_field(obj, "coords", napi_float32_array, slots * 2);
  TypedView scores = typed_field(obj, "scores", napi_float32_array, slots);
  TypedView valid = typed_field(obj, "valid", napi_uint8_array, slots);
  TypedView counts = typed_field(obj, "counts", napi_uint32_array, r.input.planes);
  const TypedView* views[] = {&data, &coords, &scores, &valid, &counts};
  for (size_t a = 0; a < 5; ++a) {
    for (size_t b = a + 1; b < 5; ++b) {
      if (overlaps(*views[a], *views[b])) {
        throw Napi::RangeError::New(env, "internal: output arrays overlap the input or each other");
      }
    }
  }
  r.coords = static_cast<float*>(coords.data);
  r.scores = static_cast<float*>(scores.data);
  r.valid = static_cast<uint8_t*>(valid.data);
  r.counts = static_cast<uint32_t*>(counts.data);
  const std::string problem = coordconv::check_peaks_request(r);
  if (!problem.empty()) throw Napi::RangeError::New(env, "internal: " + problem);
  u.arrays = {data.array, coords.array, scores.array, valid.array, counts.array};
  return u;
}

void run_peaks(const coordconv::Kernels& k, coordconv::ThreadPool& pool, const PeaksRequest& r) {
  coordconv::peaks(k, pool, r);
}

Napi::Value PeaksSync(const Napi::CallbackInfo& info) {
  const Unpacked u = unpack(info);
  AddonState& s = state(info.Env());
  try {
    run_peaks(*s.kernels, *s.pool, u.request);
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("coordconv: peaks failed: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value PeaksAsync(const Napi::CallbackInfo& info) {
  Unpacked u = unpack(info);
  // u.arrays: data, coords, scores, valid, counts (see unpack). Staged, see Staging.
  Staging staging;
  const auto array = [&u](size_t i) { return u.arrays[i].As<Napi::TypedArray>(); };
  u.request.input.data = staging.input(array(0));
  u.request.coords = static_cast<float*>(staging.output(array(1)));
  u.request.scores = static_cast<float*>(staging.output(array(2)));
  u.request.valid = static_cast<uint8_t*>(staging.output(array(3)));
  u.request.counts = static_cast<uint32_t*>(staging.output(array(4)));
  return BatonWorker<PeaksRequest>::Start(info.Env(), "peaks", run_peaks, u.request, {},
                                          std::move(staging));
}

}  // namespace

void register_peaks(Napi::Env env, Napi::Object exports) {
  exports.Set("peaksSync", Napi::Function::New(env, PeaksSync, "peaksSync"));
  exports.Set("peaks", Napi::Function::New(env, PeaksAsync, "peaks"));
}

}  // namespace coordconv_binding
