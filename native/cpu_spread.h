// Which CPUs the shares of one parallel job run on, so that two of them do not share one CPU while
// another idles. Linux placed a woken worker on the CPU of the thread that woke it and left it
// there: traced in a 2-vCPU VM, both shares of a decode of 64 MiB ran on CPU 0 in about half the
// processes (sync calls in some, async in others, depending on where the threads had last run),
// at one thread's speed, with CPU 1 idle. A share that starts on a CPU another share of its job
// holds narrows its own affinity, for as long as it runs, to the allowed CPUs no share holds; the
// kernel moves it at once. Elsewhere than Linux this does nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace coordconv {

class CpuSpread {
 public:
  explicit CpuSpread(size_t parts);

  // Marks the calling thread's CPU as held by `part`, until release: a caller that runs a share
  // of its own and must not be moved (it may be the event loop's thread).
  void hold(size_t part);
  void release(size_t part);

  // For the scope of one share run on a worker: records its CPU as held by `part`, first moving
  // the thread if another share holds that CPU and an allowed CPU is free.
  class Share {
   public:
    Share(CpuSpread& spread, size_t part);
    ~Share();
    Share(const Share&) = delete;
    Share& operator=(const Share&) = delete;

   private:
    CpuSpread& spread_;
    size_t part_;
    struct Saved;
    std::unique_ptr<Saved> saved_;  // the affinity to restore, when the share moved
  };

 private:
  size_t parts_;
  std::unique_ptr<std::atomic<int>[]> cpus_;  // by part; -1 where no share runs
};

}  // namespace coordconv
