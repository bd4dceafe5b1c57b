// CpuSpread: a share that starts on a CPU another share of its job holds runs elsewhere, and gets
// its whole affinity back when it ends; with every allowed CPU held it stays where it is.
#include <cstdio>
#include <string>
#include <thread>

#include "../../native/cpu_spread.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

void check_cpu_spread(int* passed, int* failed) {
  auto expect = [&](bool ok, const std::string& what) {
    std::printf("%s cpu spread %s\n", ok ? "ok" : "not ok", what.c_str());
    (ok ? *passed : *failed) += 1;
  };
#if defined(__linux__)
  cpu_set_t allowed;
  if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2) {
    std::printf("ok cpu spread # skipped: fewer than 2 CPUs allowed\n");
    *passed += 1;
    return;
  }
  int first = 0;
  while (!CPU_ISSET(first, &allowed)) ++first;
  cpu_set_t only_first;
  CPU_ZERO(&only_first);
  CPU_SET(first, &only_first);
  // The share's thread is put on `first`, then allowed every CPU again: it stays there until the
  // scheduler has a reason to move it, which an idle machine does not give it.
  auto on_first_then_free = [&] {
    pthread_setaffinity_np(pthread_self(), sizeof only_first, &only_first);
    pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
  };
  auto affinity_is_allowed = [&] {
    cpu_set_t now;
    return pthread_getaffinity_np(pthread_self(), sizeof now, &now) == 0 && CPU_EQUAL(&now, &allowed);
  };
  {
    coordconv::CpuSpread spread(2);
    int inside = -1;
    bool restored = false;
    std::thread holder([&] {
      pthread_setaffinity_np(pthread_self(), sizeof only_first, &only_first);
      spread.hold(0);
    });
    holder.join();
    std::thread share([&] {
      on_first_then_free();
      {
        const coordconv::CpuSpread::Share s(spread, 1);
        inside = sched_getcpu();
      }
      restored = affinity_is_allowed();
    });
    share.join();
    expect(inside >= 0 && inside != first && CPU_ISSET(inside, &allowed), "moves a share off a CPU its job holds");
    expect(restored, "gives the share its affinity back");
  }
  {
    const int cpus = CPU_COUNT(&allowed);
    coordconv::CpuSpread spread(static_cast<size_t>(cpus) + 1);
    size_t part = 0;
    for (int cpu = 0; part < static_cast<size_t>(cpus); ++cpu) {
      if (!CPU_ISSET(cpu, &allowed)) continue;
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      std::thread holder([&] {
        pthread_setaffinity_np(pthread_self(), sizeof one, &one);
        spread.hold(part);
      });
      holder.join();
      ++part;
    }
    bool unchanged = false;
    std::thread share([&] {
      on_first_then_free();
      { const coordconv::CpuSpread::Share s(spread, part); unchanged = affinity_is_allowed(); }
    });
    share.join();
    expect(unchanged, "leaves a share where it is when every allowed CPU is held");
  }
  {
    coordconv::CpuSpread spread(2);
    spread.hold(0);
    spread.release(0);
    int inside = -1;
    std::thread share([&] {
      on_first_then_free();
      const coordconv::CpuSpread::Share s(spread, 1);
      inside = sched_getcpu();
    });
    share.join();
    expect(inside == first, "leaves a share on a CPU its job released");
  }
#else
  std::printf("ok cpu spread # skipped: Linux only\n");
  *passed += 1;
#endif
}
