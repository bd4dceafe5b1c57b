#include "dispatch.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

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
// CPUID leaf 1, ECX bit 29 (clang's __builtin_cpu_supports does not know "f16c").
bool has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & (1u << 29)) != 0;
}
bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
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

// Every path the library has on some CPU, with what it needs, so a forced path this build or CPU
// cannot run is named with the reason rather than called unknown.
struct KnownPath {
  const char* name;
  const char* needs;
};
const KnownPath kKnownPaths[] = {
    {"avx512", "an x86-64 CPU with AVX-512 F, BW, VL and DQ"},
    {"avx2", "an x86-64 CPU with AVX2, FMA and F16C"},
    {"neon", "an arm64 CPU"},
    {"scalar", "any CPU"},
};

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

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
    // The library's message shape (lib/errors.ts), with what to do.
    const std::string expected = "Expected one of " + joined(d.available) + " (the paths this CPU runs) for COORDCONV_SIMD but received \"" + want + "\"";
    const std::string fix = "; unset COORDCONV_SIMD to run the best of them";
    d.error = expected + ", which is not a path of coordconv (it has avx512, avx2, neon and scalar)" + fix;
    for (const KnownPath& k : kKnownPaths) {
      if (want == k.name) d.error = expected + ", which needs " + k.needs + fix;
    }
  }
  return d;
}

}  // namespace coordconv
