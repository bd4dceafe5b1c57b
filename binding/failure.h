// The one way a failure of native code reaches JavaScript, so that an operation's sync and async
// entry points report it with the same class and message (lib/'s atCallSite keeps the class of an
// async one). A malformed request never gets here: the unpack refuses it with an "internal: ..."
// error before native code runs.
#pragma once

#include <napi.h>

#include <exception>
#include <new>
#include <string>
#include <utility>

namespace coordconv_binding {

// The JS error for what native code threw while running the operation `name`.
inline Napi::Error failure(Napi::Env env, const std::string& name, const std::exception_ptr& thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const std::bad_alloc&) {
    // Scratch in native code, or in an async call the staged copies of the caller's arrays.
    return Napi::RangeError::New(env, "Expected enough memory for " + name + " to run but received an allocation failure");
  } catch (const std::exception& e) {
    return Napi::Error::New(env, "coordconv: " + name + " failed: " + e.what());
  } catch (...) {
    return Napi::Error::New(env, "coordconv: " + name + " failed");
  }
}

// Runs `f` on the main thread: a Napi::Error (a refused request) leaves as it is, anything else
// as failure().
template <typename F>
void guarded(Napi::Env env, const char* name, F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw failure(env, name, std::current_exception());
  }
}

}  // namespace coordconv_binding
