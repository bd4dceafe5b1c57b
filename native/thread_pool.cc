#include "thread_pool.h"

#include "cpu_spread.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace coordconv {

namespace {

// Returns once done() holds or `budget` has passed. With yield_cpu, the CPU is given up every 32
// pauses (a few microseconds): for an idle worker, which must not keep a woken thread of the same
// CPU (the event loop's) waiting. Without, it is kept: for a caller joining its own shares.
template <typename Done>
void spin_until(std::chrono::microseconds budget, bool yield_cpu, Done done) {
  const auto until = std::chrono::steady_clock::now() + budget;
  for (unsigned i = 1; !done(); ++i) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
    if (i % 32 != 0) continue;
    if (yield_cpu) std::this_thread::yield();
    if (std::chrono::steady_clock::now() >= until) return;
  }
}

}  // namespace

ThreadPool::ThreadPool(size_t workers) {
  threads_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool ThreadPool::runs_job(std::thread::id id) const {
  return std::find(job_threads_.begin(), job_threads_.end(), id) != job_threads_.end();
}

bool ThreadPool::run_one(std::unique_lock<std::mutex>& lock) {
  if (queue_.empty()) return false;
  std::function<void()> task = std::move(queue_.front());
  queue_.pop_front();
  queued_.fetch_sub(1, std::memory_order_relaxed);
  lock.unlock();
  task();
  lock.lock();
  return true;
}

void ThreadPool::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  auto wake = [this] { return stopping_ || !queue_.empty() || !jobs_.empty(); };  // mutex_ held
  for (;;) {
    work_ready_.wait(lock, wake);
    // Shares first: they belong to jobs already running.
    if (!run_one(lock)) {
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      submitted_.fetch_sub(1, std::memory_order_relaxed);
      job_threads_.push_back(std::this_thread::get_id());
      lock.unlock();
      job();
      job = nullptr;
      lock.lock();
      job_threads_.erase(std::find(job_threads_.begin(), job_threads_.end(), std::this_thread::get_id()));
    }
    if (wake()) continue;
    // Awake already, and the next share or job often follows soon: the next call of a stream, or
    // the next parallel step of this one. Asleep, this thread took 35 to 50 us to start on another
    // CPU in this VM (a halted vCPU woken), about half an async call's whole round trip; polling
    // first, an async decode of one small plane settled in 0.06 ms instead of 0.12 ms back to
    // back. A worker only polls after it has run something, so one woken for a share another took
    // goes back to sleep at once.
    lock.unlock();
    spin_until(kIdlePoll, true, [this] {
      return queued_.load(std::memory_order_relaxed) != 0 || submitted_.load(std::memory_order_relaxed) != 0;
    });
    lock.lock();
  }
}

void ThreadPool::submit(std::function<void()> job) {
  if (threads_.empty()) {
    job();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
    submitted_.fetch_add(1, std::memory_order_relaxed);
  }
  work_ready_.notify_one();
}

void ThreadPool::parallel_for(size_t n, size_t threads,
                              const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  const size_t parts = std::max<size_t>(1, std::min({threads, n, threads_.size() + 1}));
  if (parts == 1) {
    fn(0, n);
    return;
  }
  std::atomic<size_t> pending;  // changed under mutex_ (for work_done_), read without it to spin
  auto range = [n, parts](size_t k) { return n * k / parts; };
  CpuSpread spread(parts);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    spread.hold(0);
    pending = parts - 1;
    for (size_t k = 1; k < parts; ++k) {
      const size_t begin = range(k), end = range(k + 1);
      queue_.emplace_back([this, &fn, &pending, &spread, k, begin, end] {
        {
          const CpuSpread::Share share(spread, k);
          fn(begin, end);
        }
        std::lock_guard<std::mutex> done(mutex_);
        if (--pending == 0) work_done_.notify_all();
      });
    }
    queued_.fetch_add(parts - 1, std::memory_order_relaxed);
  }
  work_ready_.notify_all();
  fn(range(0), range(1));
  // The workers' shares are running (none left queued) and end about when this one did: wait
  // for them awake rather than asleep on work_done_.
  spin_until(kJoinSpin, false, [&] {
    return pending.load(std::memory_order_acquire) == 0 || queued_.load(std::memory_order_relaxed) != 0;
  });
  // From here it sleeps or runs queued shares itself, which must not see its own CPU as taken.
  spread.release(0);
  std::unique_lock<std::mutex> lock(mutex_);
  while (pending != 0) {
    if (!run_one(lock)) work_done_.wait(lock, [&pending, this] { return pending == 0 || !queue_.empty(); });
  }
}

size_t ThreadPool::range_count(size_t units, size_t parts, size_t bytes, bool yields) {
  if (parts <= 1 && !yields) return 1;
  return std::min(units, std::max(parts * kRangesPerThread, bytes / kRangeBytes));
}

void ThreadPool::parallel_ranges(size_t units, size_t parts, size_t bytes,
                                 const std::function<void(size_t, size_t, size_t)>& fn) {
  if (units == 0) return;
  bool yields;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    yields = runs_job(std::this_thread::get_id());
  }
  const size_t ranges = range_count(units, parts, bytes, yields);
  // Range r starts at r * q + min(r, rem): the first rem ranges one unit longer, no product of
  // two counts to overflow.
  const size_t q = units / ranges, rem = units % ranges;
  auto start = [q, rem](size_t r) { return r * q + std::min(r, rem); };
  std::atomic<size_t> next{0};
  // bytes / ranges * (ranges - 1) rather than the product first: bytes may be near SIZE_MAX.
  const bool surely_long = ranges > 1 && bytes / ranges * (ranges - 1) > kSurelyWorthWaking;
  if (parts > 1 && !surely_long) {
    // Alone so far, so the caller has run ranges [0, r] when it weighs the rest.
    const auto began = std::chrono::steady_clock::now();
    const double worth = std::chrono::duration<double>(kWorthWaking).count();
    for (size_t r = 0;; ++r) {
      next.store(r + 1, std::memory_order_relaxed);
      fn(0, start(r), start(r + 1));
      if (r + 1 == ranges) return;
      const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      if (spent / static_cast<double>(r + 1) * static_cast<double>(ranges - r - 1) > worth) break;
    }
  }
  parallel_for(parts, parts, [&](size_t begin, size_t end) {
    auto next_yield = std::chrono::steady_clock::now() + kFirstYield;
    for (size_t part = begin; part < end; ++part) {
      for (size_t r = next.fetch_add(1, std::memory_order_relaxed); r < ranges; r = next.fetch_add(1, std::memory_order_relaxed)) {
        fn(part, start(r), start(r + 1));
        if (!yields) continue;
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_yield) {
          std::this_thread::yield();
          next_yield = now + kYieldEvery;
        }
      }
    }
  });
}

}  // namespace coordconv
