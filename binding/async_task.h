// The baton worker every async operation uses: the request is copied out of V8 on the main
// thread, the arrays it points into are held by references until the Promise settles, Execute
// touches nothing of V8, and the Promise is settled exactly once, in OnOK or in OnError.
#pragma once

#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../native/block_pool.h"
#include "args.h"
#include "state.h"

namespace coordconv_binding {

// Caller memory an async job reads or writes, staged in blocks the worker owns. A reference
// keeps a typed array object alive, not its memory: while the job waits in libuv's queue the
// caller can transfer the ArrayBuffer (structuredClone or postMessage with a transfer list),
// whose memory then belongs to the clone and is freed when that is collected, under the worker's
// feet; or shrink a resizable ArrayBuffer, whose pages are then decommitted. Both crashed the
// process (SIGSEGV; heap-use-after-free under ASan). So a job never touches caller memory after
// the call returns: inputs are copied on the main thread when the call is made (as Node's own
// crypto jobs do), outputs are written to blocks copied into the caller's arrays when the job
// is done, on the main thread, if those arrays are still there. Arrays over a SharedArrayBuffer
// are the exception: that memory can be neither detached nor shrunk, so the job uses it in place
// while a reference holds the array (and so its buffer), and a server that reads request bodies
// into shared buffers pays no copy on its event loop.
class Staging {
 public:
  // Copies the array's bytes now; the job reads the copy (or, when shared, the array itself).
  const void* input(const Napi::TypedArray& array) {
    if (is_shared(array)) return hold(array);
    inputs_.push_back(copy_of(array));
    return inputs_.back().get();
  }
  // A block holding the array's current bytes, for the job to write; deliver() copies it back.
  void* output(const Napi::TypedArray& array) {
    if (is_shared(array)) return hold(array);
    outputs_.push_back(Output{Napi::Persistent(array), copy_of(array), array.ByteLength()});
    return outputs_.back().block.get();
  }
  // On the main thread, after the job: copies every output block into its array. Returns false,
  // and writes nothing, when any of them was detached or resized meanwhile.
  bool deliver() {
    for (const Output& o : outputs_) {
      const Napi::TypedArray a = o.array.Value();
      if (a.ArrayBuffer().IsDetached() || a.ByteLength() != o.bytes) return false;
    }
    for (const Output& o : outputs_) {
      const Napi::TypedArray a = o.array.Value();
      if (o.bytes != 0) std::memcpy(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset(), o.block.get(), o.bytes);
    }
    return true;
  }

 private:
  struct Output {
    Napi::Reference<Napi::TypedArray> array;
    coordconv::BlockPool::Block block;
    size_t bytes;
  };
  void* hold(const Napi::TypedArray& array) {
    held_.push_back(Napi::Persistent(array));
    bool detached = false;
    return typed_array_bytes(array, &detached);
  }
  static coordconv::BlockPool::Block copy_of(const Napi::TypedArray& array) {
    const AddonState& s = *array.Env().GetInstanceData<AddonState>();
    const size_t bytes = array.ByteLength();
    coordconv::BlockPool::Block block = s.blocks->take(bytes);
    if (bytes != 0) {
      const uint8_t* from = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
      // The copy holds up the event loop: spread it over the cores in 1 MiB slices.
      constexpr size_t kSlice = size_t(1) << 20;
      s.pool->parallel_for((bytes + kSlice - 1) / kSlice, s.default_threads, [&](size_t begin, size_t end) {
        const size_t lo = begin * kSlice, hi = std::min(bytes, end * kSlice);
        std::memcpy(block.get() + lo, from + lo, hi - lo);
      });
    }
    return block;
  }
  std::vector<coordconv::BlockPool::Block> inputs_;
  std::vector<Output> outputs_;
  std::vector<Napi::Reference<Napi::TypedArray>> held_;
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

  // Queues the work and returns its Promise. The request points only into `staging` (see
  // Staging) or, for arrays the caller can never reach, into the objects listed in `keep`.
  static Napi::Value Start(Napi::Env env, const char* name, Run run, Request request,
                           const std::vector<Napi::Object>& keep, Staging staging = {}) {
    AddonState& s = *env.GetInstanceData<AddonState>();
    auto* worker = new BatonWorker(env, name, run, std::move(request), s);
    worker->name_ = name;
    worker->staging_ = std::move(staging);
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
  void OnOK() override {
    if (!staging_.deliver()) {
      settler_.reject(Napi::TypeError::New(Env(), "Expected output arrays that stay attached until the call settles for " +
                                                       name_ + " but received one detached or resized while it ran")
                          .Value());
      return;
    }
    settler_.resolve(Env().Undefined());
  }
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
  Staging staging_;
  std::string name_;
};

}  // namespace coordconv_binding
