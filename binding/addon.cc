// Addon entry: choose the SIMD path once, create the thread pool, register the functions.
#include <napi.h>

#include <cstdlib>
#include <thread>

#include "register.h"
#include "state.h"

namespace coordconv_binding {
namespace {

Napi::Value Simd(const Napi::CallbackInfo& info) {
  const AddonState& s = *info.Env().GetInstanceData<AddonState>();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("active", s.kernels->name);
  Napi::Array available = Napi::Array::New(info.Env(), s.available.size());
  for (size_t i = 0; i < s.available.size(); ++i) available.Set(static_cast<uint32_t>(i), s.available[i]);
  out.Set("available", available);
  out.Set("defaultThreads", static_cast<double>(s.default_threads));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const coordconv::Dispatch d = coordconv::select_kernels(std::getenv("COORDCONV_SIMD"));
  if (!d.active) throw Napi::RangeError::New(env, d.error);
  auto* s = new AddonState();
  s->kernels = d.active;
  s->available = d.available;
  s->default_threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  // A worker a core: an async call runs on one and shares its work with the others, and a sync
  // call's own thread works beside all but one.
  s->pool = std::make_shared<coordconv::ThreadPool>(s->default_threads);
  s->jobs = AsyncJobs::create(env);
  // Up to 256 MiB of idle staging blocks stay for the next async calls.
  s->blocks = coordconv::BlockPool::create(size_t(256) << 20);
  env.SetInstanceData<AddonState>(s);
  exports.Set("simd", Napi::Function::New(env, Simd, "simd"));
  export_operation<kDecode>(env, exports);
  export_operation<kPeaks>(env, exports);
  export_operation<kSimcc>(env, exports);
  export_operation<kSample>(env, exports);
  export_operation<kBoxes>(env, exports);
  export_operation<kFlip>(env, exports);
  export_operation<kEncode>(env, exports);
  export_operation<kConv>(env, exports);
  // lib/ offers AddCoords synchronously only.
  export_sync_operation<kAddCoords>(env, exports);
  register_ops(env, exports);
  register_copy_bytes(env, exports);
  register_library_memory(env, exports);
  register_pool_gate(env, exports);
  return exports;
}

}  // namespace
}  // namespace coordconv_binding

static Napi::Object InitCoordconv(Napi::Env env, Napi::Object exports) {
  return coordconv_binding::Init(env, exports);
}
NODE_API_MODULE(coordconv, InitCoordconv)
