// The exp used by the gaussian encoder on every SIMD path: Cody-Waite range reduction and the
// Cephes single-precision polynomial, written as a fixed sequence of float operations (products
// and sums rounded separately, never fused), so the scalar, AVX2 and AVX-512 kernels agree bit
// for bit. Defined for x <= 0: x < kExpMin (and -inf) gives +0, x = 0 gives exactly 1. Relative
// error against the true exp is below 2^-22 on [kExpMin, 0].
// Only constants live here; each kernel translation unit writes the operations itself, so no
// inline function is shared between units compiled for different instruction sets.
#pragma once

namespace coordconv {
namespace expc {

constexpr float kExpMin = -87.0f;         // exp(-87) = 1.6e-38, just above the smallest normal
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kRound = 12582912.0f;     // 1.5 * 2^23: (t + kRound) - kRound rounds t to an integer
constexpr float kLn2Hi = 0.693359375f;    // ln 2 = kLn2Hi + kLn2Lo, kLn2Hi exact in 9 bits
constexpr float kLn2Lo = -2.12194440e-4f;
constexpr float kP0 = 1.9875691500e-4f;
constexpr float kP1 = 1.3981999507e-3f;
constexpr float kP2 = 8.3334519073e-3f;
constexpr float kP3 = 4.1665795894e-2f;
constexpr float kP4 = 1.6666665459e-1f;
constexpr float kP5 = 5.0000001201e-1f;

}  // namespace expc
}  // namespace coordconv
