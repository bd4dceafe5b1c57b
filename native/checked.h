// Overflow-checked size arithmetic: every buffer size the engine computes goes through these
// before anything is allocated or indexed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace coordconv {

inline bool checked_mul(size_t a, size_t b, size_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}

inline bool checked_mul3(size_t a, size_t b, size_t c, size_t* out) {
  size_t ab;
  return checked_mul(a, b, &ab) && checked_mul(ab, c, out);
}

}  // namespace coordconv
