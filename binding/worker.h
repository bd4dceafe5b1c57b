// The baton job every async operation uses: the request is copied out of V8 on the main thread,
// the arrays it points into are staged (see staging.h) until the Promise settles, execute()
// touches nothing of V8, and the Promise is settled exactly once, in settle() (async_jobs.h).
#pragma once

#include <napi.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "async_jobs.h"
#include "failure.h"
#include "settler.h"
#include "staging.h"
#include "state.h"

namespace coordconv_binding {

template <typename Request>
class BatonJob : public AsyncJob {
 public:
  using Run = void (*)(const coordconv::Kernels&, coordconv::ThreadPool&, const Request&);

  // Queues the work and returns its Promise. The request points only into `staging`.
  static Napi::Value Start(Napi::Env env, const char* name, Run run, Request request, Staging staging) {
    AddonState& s = *env.GetInstanceData<AddonState>();
    std::unique_ptr<BatonJob> job(new BatonJob(env, name, run, std::move(request), std::move(staging)));
    Napi::Value promise = job->settler_.promise();
    s.jobs->submit(env, *s.pool, std::move(job));
    return promise;
  }

  void execute() override {
    // Kept as it is and turned into a JS error on the main thread, by the sync path's failure().
    try {
      run_(*kernels_, *pool_, request_);
    } catch (...) {
      thrown_ = std::current_exception();
    }
  }
  void settle(Napi::Env env) override {
    if (thrown_) {
      settler_.reject(failure(env, name_, thrown_).Value());
      return;
    }
    if (!staging_.deliver()) {
      settler_.reject(Napi::TypeError::New(env, "Expected output arrays that stay attached until the call settles for " +
                                                    name_ + " but received one detached or resized while it ran")
                          .Value());
      return;
    }
    settler_.resolve(env.Undefined());
  }

 private:
  BatonJob(Napi::Env env, const char* name, Run run, Request request, Staging staging)
      : settler_(env),
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
