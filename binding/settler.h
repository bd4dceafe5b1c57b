#pragma once

#include <napi.h>

#include "state.h"

namespace coordconv_binding {

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

}  // namespace coordconv_binding
