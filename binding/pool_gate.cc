// _holdPool: for the hostile tests, which act on a call's arrays while it waits to start. It
// queues one job per worker that blocks until release() is called (or the environment is torn
// down), so the calls made meanwhile wait in the pool's queue, deterministically and with no CPU
// burnt. Async calls queued behind it run in order once it is released.
#include <napi.h>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "register.h"
#include "state.h"

namespace coordconv_binding {
namespace {

struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    open = true;
    opened.notify_all();
  }
};

// Added when the gate is made, so after the async jobs' drain hook (async_jobs.h), and run before
// it: the drain waits for jobs queued behind the gate.
void open_at_teardown(void* holder) {
  auto* gate = static_cast<std::shared_ptr<Gate>*>(holder);
  (*gate)->release();
  delete gate;
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  static_cast<Gate*>(info.Data())->release();  // alive until the teardown hook frees its holder
  return info.Env().Undefined();
}

Napi::Value HoldPool(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const AddonState& s = *env.GetInstanceData<AddonState>();
  auto gate = std::make_shared<Gate>();
  auto* holder = new std::shared_ptr<Gate>(gate);
  NAPI_THROW_IF_FAILED(env, napi_add_env_cleanup_hook(env, open_at_teardown, holder), Napi::Value());
  for (size_t i = 0; i < s.pool->workers(); ++i) {
    s.pool->submit([gate] {
      std::unique_lock<std::mutex> lock(gate->mutex);
      gate->opened.wait(lock, [&] { return gate->open; });
    });
  }
  return Napi::Function::New(env, Release, "release", gate.get());
}

}  // namespace

void register_pool_gate(Napi::Env env, Napi::Object exports) {
  exports.Set("_holdPool", Napi::Function::New(env, HoldPool, "_holdPool"));
}

}  // namespace coordconv_binding
