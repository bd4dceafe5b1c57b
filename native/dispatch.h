// Chooses the kernel table once, at load: the best path the CPU supports, or the one named by
// COORDCONV_SIMD.
#pragma once

#include <string>
#include <vector>

#include "kernels.h"

namespace coordconv {

struct Dispatch {
  const Kernels* active = nullptr;        // null when the forced path cannot run here
  std::vector<std::string> available;     // paths this CPU runs, best first, scalar last
  std::string error;                      // why `active` is null
};

// `forced` is the value of COORDCONV_SIMD (null or empty for automatic choice).
Dispatch select_kernels(const char* forced);

// The table for a named path, or null when unknown or unsupported on this CPU.
const Kernels* kernels_by_name(const std::string& name);

}  // namespace coordconv
