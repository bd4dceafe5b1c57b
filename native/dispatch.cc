#include "dispatch.h"

namespace coordconv {
namespace {

struct Entry {
  const Kernels* kernels;
  bool (*supported)();
};

#if defined(__x86_64__) || defined(_M_X64)
bool has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}
bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif
bool always() { return true; }

// Best first; the first supported entry wins unless a path is forced.
const Entry kRegistry[] = {
#if defined(__x86_64__) || defined(_M_X64)
    {&kAvx512Kernels, has_avx512},
    {&kAvx2Kernels, has_avx2},
#endif
#if defined(__aarch64__)
    {&kNeonKernels, always},
#endif
    {&kScalarKernels, always},
};

}  // namespace

const Kernels* kernels_by_name(const std::string& name) {
  for (const Entry& e : kRegistry) {
    if (name == e.kernels->name) return e.supported() ? e.kernels : nullptr;
  }
  return nullptr;
}

Dispatch select_kernels(const char* forced) {
  Dispatch d;
  for (const Entry& e : kRegistry) {
    if (e.supported()) d.available.emplace_back(e.kernels->name);
  }
  const std::string want = forced ? forced : "";
  if (want.empty()) {
    d.active = kernels_by_name(d.available.front());
    return d;
  }
  d.active = kernels_by_name(want);
  if (!d.active) {
    std::string list;
    for (const std::string& name : d.available) list += (list.empty() ? "" : ", ") + name;
    bool known = false;
    for (const Entry& e : kRegistry) known = known || want == e.kernels->name;
    d.error = "COORDCONV_SIMD=" + want + (known ? " is not supported by this CPU" : " is not a known path") +
              "; this machine runs: " + list;
  }
  return d;
}

}  // namespace coordconv
