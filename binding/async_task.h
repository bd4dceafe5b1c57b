// The baton worker every async operation uses: the request is copied out of V8 on the main
// thread, the arrays it points into are held by references until the Promise settles, Execute
// touches nothing of V8, and the Promise is settled exactly once, in OnOK or in OnError.
#pragma once

#include <napi.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "args.h"
#include "state.h"

namespace coordconv_binding {

// Copies of the caller's arrays that an async job reads. A reference keeps a typed array object
// alive, not its memory: while the job waits in libuv's queue the caller can transfer the
// ArrayBuffer (structuredClone or postMessage with a transfer list), whose memory then belongs to
// the new ArrayBuffer and is freed when that one is collected, under the worker's feet; or shrink
// a resizable ArrayBuffer. So a job never reads caller memory after the call returns: it reads
// these copies, made on the main thread and owned by the worker. (Node's own crypto jobs copy
// their input for the same reason.) Arrays the library itself created and never hands out before
// the Promise settles need no copy.
class InputCopies {
 public:
  // Copies the view's bytes and returns where the job is to read them instead.
  const void* add(const TypedView& view) {
    const size_t bytes = view.array.ByteLength();
    blocks_.push_back(std::make_unique_for_overwrite<uint8_t[]>(bytes == 0 ? 1 : bytes));
    if (bytes != 0) std::memcpy(blocks_.back().get(), view.data, bytes);
    return blocks_.back().get();
  }

 private:
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
};

// The Promise each async call returns, settled through references to its resolve and reject
// functions rather than a napi_deferred: a napi_deferred is freed only by settling it, and N-API
// refuses to settle anything once the environment can no longer run JavaScript, so every call
// still queued when a worker thread is terminated leaked one (LeakSanitizer found them). A
// reference is freed by napi_delete_reference even then, when the worker is destroyed.
class Settler {
 public:
  explicit Settler(Napi::Env env) {
    AddonState& s = *env.GetInstanceData<AddonState>();
    if (s.make_promise.IsEmpty()) {
      // Evaluated once per environment, before any user code could reach it through the addon.
      Napi::Value factory = env.RunScript(
          "(() => { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; "
          "reject = b; }); return { promise, resolve, reject }; })");
      s.make_promise = Napi::Persistent(factory.As<Napi::Function>());
    }
    Napi::Object parts = s.make_promise.Call({}).As<Napi::Object>();
    promise_ = parts.Get("promise");
    resolve_ = Napi::Persistent(parts.Get("resolve").As<Napi::Function>());
    reject_ = Napi::Persistent(parts.Get("reject").As<Napi::Function>());
  }
  Napi::Value promise() const { return promise_; }
  // Each settles the Promise (a second call would do nothing); when the environment is shutting
  // down the call fails and, with NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS, nothing is thrown.
  void resolve(Napi::Value v) { resolve_.Call({v}); }
  void reject(Napi::Value e) { reject_.Call({e}); }

 private:
  Napi::Value promise_;  // valid only in the scope that created the Settler
  Napi::FunctionReference resolve_;
  Napi::FunctionReference reject_;
};

template <typename Request>
class BatonWorker : public Napi::AsyncWorker {
 public:
  using Run = void (*)(const coordconv::Kernels&, coordconv::ThreadPool&, const Request&);

  // Queues the work and returns its Promise. `keep` lists every object whose memory the request
  // points into; `copies` owns the copies of caller arrays the request reads (see InputCopies).
  static Napi::Value Start(Napi::Env env, const char* name, Run run, Request request,
                           const std::vector<Napi::Object>& keep, InputCopies copies = {}) {
    AddonState& s = *env.GetInstanceData<AddonState>();
    auto* worker = new BatonWorker(env, name, run, std::move(request), s);
    worker->copies_ = std::move(copies);
    for (const Napi::Object& o : keep) worker->keep_.push_back(Napi::Persistent(o));
    Napi::Value promise = worker->settler_.promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      run_(*kernels_, *pool_, request_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { settler_.resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { settler_.reject(e.Value()); }

 private:
  BatonWorker(Napi::Env env, const char* name, Run run, Request request, const AddonState& s)
      : Napi::AsyncWorker(env, name),
        settler_(env),
        run_(run),
        request_(std::move(request)),
        kernels_(s.kernels),
        pool_(s.pool) {}

  Settler settler_;
  Run run_;
  Request request_;
  const coordconv::Kernels* kernels_;
  std::shared_ptr<coordconv::ThreadPool> pool_;
  std::vector<Napi::ObjectReference> keep_;
  InputCopies copies_;
};

}  // namespace coordconv_binding
