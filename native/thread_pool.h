// A small fixed pool that splits one batch over several threads and runs async calls whole. The
// calling thread takes a share, and while it waits it runs queued shares itself, so callers that
// arrive together (a sync call beside the async ones the workers run) cannot deadlock each other. A
// share that starts on a CPU another share of its job holds moves to a free one (cpu_spread.h).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace coordconv {

class ThreadPool {
 public:
  explicit ThreadPool(size_t workers);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Calls fn(begin, end) over [0, n) in at most `threads` contiguous ranges and returns when all
  // have run. fn must not throw.
  void parallel_for(size_t n, size_t threads, const std::function<void(size_t, size_t)>& fn);

  // Calls fn(part, first, last) over contiguous ranges covering [0, units), on `parts` threads
  // (the caller among them) that each claim the next range as they finish one, several a thread;
  // `part` (< parts) names the thread, for per-thread scratch. A thread that starts late, or is
  // descheduled, takes fewer ranges instead of holding up a fixed share. fn must not throw.
  // `bytes` is what the whole job reads: the ranges are cut to about kRangeBytes each (at least
  // kRangesPerThread a thread). When the caller runs a submitted job (an async call), its threads
  // yield the CPU between two ranges, first once kFirstYield has passed, then every kYieldEvery. The yield is
  // for the event loop: with every core decoding, its thread, woken by a timer or a socket,
  // waited for a worker's scheduler slice to end, 2 to 6 ms at the start of most async decodes of
  // 512 MiB (the loop delay's p99 3.5 ms; 0.37 to 0.48 ms with the yields). A yield with nobody
  // waiting returns at once but still costs a system call: yielding every 50 us from the start
  // slowed async calls of 8 MiB by about 0.05 ms, and sync calls (whose caller holds the loop
  // anyway, so nobody gains) by 10%. Sync calls never yield, and an async one only once it has
  // run kFirstYield.
  // The caller (a sync one, or a job's worker) first takes ranges alone, as part 0, and wakes the other threads once
  // the ranges left would take it longer than kWorthWaking at the pace of those it has run: waking
  // a thread and joining it cost 10 to 20 us here, so a second thread made a decodeSync of 0.2 to
  // 1.6 MiB of heatmaps (argmax) up to 2x slower rather than faster. Timing the work itself suits
  // every method alike, where a size threshold would have to know what each costs a byte
  // ('softargmax' about 12x 'argmax'). But when the ranges after the first read more than
  // kSurelyWorthWaking, the caller wakes the others at once: reading 2 MiB in under kWorthWaking
  // takes over 50 GB/s, more than one core streams from beyond its L2 here (25 to 30 GB/s), and
  // the first range alone would keep them waiting, for half the job when there are two (peaksSync
  // of one channels-last 128 x 128 x 80 image, cut in two bands, ran one band after the other:
  // 1.3x its 1-thread time; decodeSync of two 1024 x 1024 planes 1.36x slower than now).
  static constexpr size_t kSurelyWorthWaking = size_t(2) << 20;
  void parallel_ranges(size_t units, size_t parts, size_t bytes,
                       const std::function<void(size_t part, size_t first, size_t last)>& fn);
  static constexpr size_t kRangesPerThread = 8;
  static constexpr size_t kRangeBytes = size_t(1) << 20;
  static constexpr std::chrono::microseconds kFirstYield{100};
  static constexpr std::chrono::microseconds kYieldEvery{50};
  static constexpr std::chrono::microseconds kWorthWaking{40};
  // The number of ranges parallel_ranges cuts (exposed for the native tests): one for a sync
  // caller alone; a job's thread alone cuts them too, to yield between them.
  static size_t range_count(size_t units, size_t parts, size_t bytes, bool yields);

  size_t workers() const { return threads_.size(); }

  // Runs `job` on a worker once one is idle, for an async call: its thread then calls the pool as
  // a plain caller does, except that it yields between ranges (see parallel_ranges). Jobs wait in
  // their own queue, which only idle workers take from: a caller waiting for its shares runs
  // queued shares, never a whole job. A pool without workers runs it on the caller, as a sync
  // call. job must not throw.
  void submit(std::function<void()> job);

  // How long a plain caller that has run its share waits for the workers' shares awake before it
  // sleeps until they end. Asleep, it waited for its own thread to be woken as well: 20 us in a VM
  // whose idle vCPU halts, as long again as waking the worker.
  static constexpr std::chrono::microseconds kJoinSpin{50};
  // How long an idle worker polls for work before it sleeps.
  static constexpr std::chrono::microseconds kIdlePoll{200};

 private:
  void worker_loop();
  bool run_one(std::unique_lock<std::mutex>& lock);
  // Whether the thread is running a submitted job; mutex_ held.
  bool runs_job(std::thread::id id) const;

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  std::deque<std::function<void()>> queue_;  // shares of running calls, sync or async
  std::atomic<size_t> queued_{0};  // queue_.size(), for a joining caller to watch without the lock
  std::deque<std::function<void()>> jobs_;  // submitted, not started
  // The threads running a submitted job, by id, not in a thread_local: LeakSanitizer's thread
  // scan crashed now and then on the dynamic TLS a thread_local takes in a dlopen'ed addon.
  std::vector<std::thread::id> job_threads_;
  std::atomic<size_t> submitted_{0};  // jobs_.size(), for an idle worker to poll without the lock
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace coordconv
