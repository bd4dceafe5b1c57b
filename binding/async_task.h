// The baton worker every async operation uses: the request is copied out of V8 on the main
// thread, the arrays it points into are held by references until the Promise settles, Execute
// touches nothing of V8, and the Promise is settled exactly once, in OnOK or in OnError.
#pragma once

#include <napi.h>

#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "state.h"

namespace coordconv_binding {

template <typename Request>
class BatonWorker : public Napi::AsyncWorker {
 public:
  using Run = void (*)(const coordconv::Kernels&, coordconv::ThreadPool&, const Request&);

  // Queues the work and returns its Promise. `keep` lists every object whose memory the request
  // points into.
  static Napi::Promise Start(Napi::Env env, const char* name, Run run, Request request,
                             const std::vector<Napi::Object>& keep) {
    AddonState& s = *env.GetInstanceData<AddonState>();
    auto* worker = new BatonWorker(env, name, run, std::move(request), s);
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
};

}  // namespace coordconv_binding
