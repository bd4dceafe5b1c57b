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

template <typename Request>
class BatonWorker : public Napi::AsyncWorker {
 public:
  using Run = void (*)(const coordconv::Kernels&, coordconv::ThreadPool&, const Request&);

  // Queues the work and returns its Promise. `keep` lists every object whose memory the request
  // points into; `copies` owns the copies of caller arrays the request reads (see InputCopies).
  static Napi::Promise Start(Napi::Env env, const char* name, Run run, Request request,
                             const std::vector<Napi::Object>& keep, InputCopies copies = {}) {
    AddonState& s = *env.GetInstanceData<AddonState>();
    auto* worker = new BatonWorker(env, name, run, std::move(request), s);
    worker->copies_ = std::move(copies);
    for (const Napi::Object& o : keep) worker->keep_.push_back(Napi::Persistent(o));
    Napi::Promise promise = worker->deferred_.Promise();
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
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  BatonWorker(Napi::Env env, const char* name, Run run, Request request, const AddonState& s)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        run_(run),
        request_(std::move(request)),
        kernels_(s.kernels),
        pool_(s.pool) {}

  Napi::Promise::Deferred deferred_;
  Run run_;
  Request request_;
  const coordconv::Kernels* kernels_;
  std::shared_ptr<coordconv::ThreadPool> pool_;
  std::vector<Napi::ObjectReference> keep_;
  InputCopies copies_;
};

}  // namespace coordconv_binding
