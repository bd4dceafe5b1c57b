// How an async call runs: on a worker of coordconv's own pool, straight from the event loop, and
// settled back on the loop through one thread-safe function per environment. The calls ran on
// libuv's pool before: a libuv thread woke (55 to 66 us in this VM), then woke coordconv's
// workers, and only then did the work start; now the first worker starts it.
//
// The environment's teardown (a worker thread terminated, process.exit) waits for the jobs that
// are running, or queued, to finish, in an env cleanup hook: the arrays a job reads and writes are
// V8's memory (staging.h), freed with the isolate. Jobs not yet started are skipped then. The hook
// is added after the thread-safe function is made, so it runs before that function's own hook
// (hooks run last added first), and no job calls the function once it is closing.
#pragma once

#include <napi.h>

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>

#include "../native/thread_pool.h"

namespace coordconv_binding {

// One async call. execute() runs on a pool worker and touches nothing of V8; settle() runs on the
// event loop afterwards. When the environment is torn down first, the job is deleted unsettled,
// on the loop's thread all the same.
class AsyncJob {
 public:
  virtual ~AsyncJob() = default;
  virtual void execute() = 0;
  virtual void settle(Napi::Env env) = 0;
};

class AsyncJobs {
 public:
  // Once per environment, from the addon's Init.
  static std::unique_ptr<AsyncJobs> create(Napi::Env env);
  AsyncJobs(const AsyncJobs&) = delete;
  AsyncJobs& operator=(const AsyncJobs&) = delete;

  // On the event loop: queues the job on `pool`; its settle() follows once it has run. Throws
  // (and runs nothing) when it cannot be queued.
  void submit(Napi::Env env, coordconv::ThreadPool& pool, std::unique_ptr<AsyncJob> job);

 private:
  AsyncJobs() = default;
  static void call_js(napi_env env, napi_value, void* context, void* data);
  static void drain(void* self);
  void finished();

  napi_threadsafe_function done_ = nullptr;
  size_t unsettled_ = 0;  // the loop's thread only: submitted and not settled, so the loop stays alive
  std::mutex mutex_;
  std::condition_variable idle_;
  size_t unfinished_ = 0;  // submitted and not yet handed to done_
  bool closing_ = false;   // the environment is being torn down: start no more jobs
};

}  // namespace coordconv_binding
