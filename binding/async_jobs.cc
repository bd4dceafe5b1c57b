#include "async_jobs.h"

#include <utility>

namespace coordconv_binding {

std::unique_ptr<AsyncJobs> AsyncJobs::create(Napi::Env env) {
  std::unique_ptr<AsyncJobs> jobs(new AsyncJobs());
  // No JS function: call_js settles each job itself. No queue limit, so a worker never blocks.
  NAPI_THROW_IF_FAILED(env,
                       napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, "coordconv"), 0, 1,
                                                       nullptr, nullptr, jobs.get(), call_js, &jobs->done_),
                       nullptr);
  // Idle, it must not keep the loop alive; submit refs it while any job is unsettled.
  NAPI_THROW_IF_FAILED(env, napi_unref_threadsafe_function(env, jobs->done_), nullptr);
  NAPI_THROW_IF_FAILED(env, napi_add_env_cleanup_hook(env, drain, jobs.get()), nullptr);
  return jobs;
}

void AsyncJobs::submit(Napi::Env env, coordconv::ThreadPool& pool, std::unique_ptr<AsyncJob> job) {
  if (unsettled_ == 0) NAPI_THROW_IF_FAILED_VOID(env, napi_ref_threadsafe_function(env, done_));
  ++unsettled_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++unfinished_;
  }
  AsyncJob* raw = job.get();
  try {
    pool.submit([this, raw] {
      bool skip;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        skip = closing_;
      }
      if (!skip) raw->execute();
      // Cannot fail: the queue has no limit and the function closes only after drain has
      // returned, which waits for this call. Nothing of this object is touched after finished().
      napi_call_threadsafe_function(done_, raw, napi_tsfn_nonblocking);
      finished();
    });
  } catch (...) {
    finished();
    if (--unsettled_ == 0) napi_unref_threadsafe_function(env, done_);
    throw;
  }
  job.release();  // done_'s call_js owns it now
}

void AsyncJobs::finished() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--unfinished_ == 0) idle_.notify_all();
}

void AsyncJobs::call_js(napi_env env, napi_value, void* context, void* data) {
  std::unique_ptr<AsyncJob> job(static_cast<AsyncJob*>(data));
  if (env == nullptr) return;  // torn down: the job is only deleted
  auto* self = static_cast<AsyncJobs*>(context);
  if (--self->unsettled_ == 0) napi_unref_threadsafe_function(env, self->done_);
  const Napi::Env e(env);
  const Napi::HandleScope scope(e);
  try {
    job->settle(e);
  } catch (const Napi::Error& error) {
    error.ThrowAsJavaScriptException();
  }
}

void AsyncJobs::drain(void* self) {
  auto* jobs = static_cast<AsyncJobs*>(self);
  std::unique_lock<std::mutex> lock(jobs->mutex_);
  jobs->closing_ = true;
  jobs->idle_.wait(lock, [jobs] { return jobs->unfinished_ == 0; });
}

}  // namespace coordconv_binding
