#include "cpu_spread.h"

#include <new>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace coordconv {

#if defined(__linux__)

struct CpuSpread::Share::Saved {
  cpu_set_t allowed;
};

namespace {
int current_cpu() {
  const int cpu = sched_getcpu();
  return cpu >= 0 && cpu < CPU_SETSIZE ? cpu : -1;
}
}  // namespace

CpuSpread::CpuSpread(size_t parts) : parts_(parts), cpus_(new std::atomic<int>[parts]) {
  for (size_t i = 0; i < parts; ++i) cpus_[i].store(-1, std::memory_order_relaxed);
}

void CpuSpread::hold(size_t part) { cpus_[part].store(current_cpu(), std::memory_order_relaxed); }
void CpuSpread::release(size_t part) { cpus_[part].store(-1, std::memory_order_relaxed); }

CpuSpread::Share::Share(CpuSpread& spread, size_t part) : spread_(spread), part_(part) {
  const int cpu = current_cpu();
  bool clash = false;
  for (size_t i = 0; i < spread.parts_ && !clash; ++i) {
    clash = cpu >= 0 && i != part && spread.cpus_[i].load(std::memory_order_relaxed) == cpu;
  }
  if (clash) {
    // nothrow: a share runs on a worker, where an exception would end the process.
    std::unique_ptr<Saved> saved(new (std::nothrow) Saved);
    if (saved && pthread_getaffinity_np(pthread_self(), sizeof saved->allowed, &saved->allowed) == 0) {
      cpu_set_t free = saved->allowed;
      for (size_t i = 0; i < spread.parts_; ++i) {
        const int held = spread.cpus_[i].load(std::memory_order_relaxed);
        if (i != part && held >= 0) CPU_CLR(held, &free);
      }
      if (CPU_COUNT(&free) > 0 && pthread_setaffinity_np(pthread_self(), sizeof free, &free) == 0) {
        saved_ = std::move(saved);
      }
    }
  }
  spread.cpus_[part].store(saved_ ? current_cpu() : cpu, std::memory_order_relaxed);
}

CpuSpread::Share::~Share() {
  spread_.cpus_[part_].store(-1, std::memory_order_relaxed);
  // Back to every CPU it had: the next job may want this thread on the one it left.
  if (saved_) pthread_setaffinity_np(pthread_self(), sizeof saved_->allowed, &saved_->allowed);
}

#else

struct CpuSpread::Share::Saved {};
CpuSpread::CpuSpread(size_t parts) : parts_(parts) {}
void CpuSpread::hold(size_t) {}
void CpuSpread::release(size_t) {}
CpuSpread::Share::Share(CpuSpread& spread, size_t part) : spread_(spread), part_(part) {}
CpuSpread::Share::~Share() = default;

#endif

}  // namespace coordconv
