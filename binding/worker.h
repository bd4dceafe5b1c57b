// The baton worker every async operation uses: the request is copied out of V8 on the main
// thread, the arrays it points into are staged (see staging.h) until the Promise settles, Execute
// touches nothing of V8, and the Promise is settled exactly once, in OnOK or in OnError.
#pragma once

#include <napi.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "failure.h"
#include "settler.h"
#include "staging.h"
#include "state.h"

namespace coordconv_binding {

template <typename Request>
class BatonWorker : public Napi::AsyncWorker {
 public:
  using Run = void (*)(const coordconv::Kernels&, coordconv::ThreadPool&, const Request&);

  // Queues the work and returns its Promise. The request points only into `staging`.
  static Napi::Value Start(Napi::Env env, const char* name, Run run, Request request, Staging staging) {
    auto* worker = new BatonWorker(env, name, run, std::move(request), std::move(staging));
    Napi::Value promise = worker->settler_.promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    // Kept as it is and turned into a JS error on the main thread, by the sync path's failure().
    try {
      const coordconv::ThreadPool::Hosting hosting(*pool_);
      run_(*kernels_, *pool_, request_);
    } catch (...) {
      thrown_ = std::current_exception();
    }
  }
  void OnOK() override {
    if (thrown_) {
      settler_.reject(failure(Env(), name_, thrown_).Value());
      return;
    }
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
  BatonWorker(Napi::Env env, const char* name, Run run, Request request, Staging staging)
      : Napi::AsyncWorker(env, name),
        settler_(env),
        run_(run),
        request_(std::move(request)),
        kernels_(env.GetInstanceData<AddonState>()->kernels),
        pool_(env.GetInstanceData<AddonState>()->pool),
        staging_(std::move(staging)),
        name_(name) {}

  Settler settler_;
  Run run_;
  Request request_;
  const coordconv::Kernels* kernels_;
  std::shared_ptr<coordconv::ThreadPool> pool_;
  Staging staging_;
  std::string name_;
  std::exception_ptr thrown_;
};

}  // namespace coordconv_binding
