// The engine's limits, written once: the request checkers test them and quote them in their
// messages, built from the constants here. lib/ holds the same rules for the caller's side. Not
// named limits.h, which would shadow the C header for anyone who puts native/ on the include path.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

namespace coordconv {

// Largest height or width the engine accepts: coordinates are float32 and stay exact integers
// below 2^24.
constexpr unsigned kMaxSideLog2 = 24;
constexpr size_t kMaxSide = size_t(1) << kMaxSideLog2;

// Largest Gaussian kernel ('dark') and max-pool window ('peaks'); both are odd, 1 to kMaxKernel.
constexpr size_t kMaxKernel = 255;

// The value of a floating-point request field nobody set: NaN fails every range check.
constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

inline bool is_odd_size(size_t v) { return v >= 1 && v <= kMaxKernel && v % 2 == 1; }

// "<name> must be odd, 1 to 255"
inline std::string odd_size_rule(const char* name) {
  return std::string(name) + " must be odd, 1 to " + std::to_string(kMaxKernel);
}

// "<what> exceeds 2^24"
inline std::string side_rule(const char* what) {
  return std::string(what) + " exceeds 2^" + std::to_string(kMaxSideLog2);
}

}  // namespace coordconv
