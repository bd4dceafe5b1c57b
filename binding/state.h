// Per-instance addon state (napi_set_instance_data), so the addon also loads in worker threads.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "../native/block_pool.h"
#include "../native/dispatch.h"
#include "../native/thread_pool.h"
#include "async_jobs.h"

namespace coordconv_binding {

struct AddonState {
  const coordconv::Kernels* kernels = nullptr;
  std::vector<std::string> available;
  // Shared with every async job, which is deleted on the loop's thread: the pool is never
  // destroyed by one of its own workers.
  std::shared_ptr<coordconv::ThreadPool> pool;
  std::unique_ptr<AsyncJobs> jobs;
  size_t default_threads = 1;
  // Staging blocks for async calls, reused so large batches do not fault in fresh pages each call.
  std::shared_ptr<coordconv::BlockPool> blocks;
  // () => { promise, resolve, reject }, made on first use by a Settler (see settler.h).
  Napi::FunctionReference make_promise;
};

}  // namespace coordconv_binding
