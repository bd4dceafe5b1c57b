// The one exp of the kernels, for the Gaussian encoder (gauss_f32) and softmax (softmax_row_f32)
// on every path: Cody-Waite range reduction and the Cephes single-precision polynomial, written
// as a fixed sequence of float operations (products and sums rounded separately, never fused;
// the build passes -ffp-contract=off), so the scalar, AVX2, AVX-512 and NEON kernels agree bit
// for bit. Defined for x <= 0: x < kExpMin (and -inf, NaN) gives +0, x = 0 gives exactly 1.
// Relative error against the true exp is below 2^-22 on [kExpMin, 0].
//
// No #pragma once, on purpose: each kernel translation unit includes this file inside its own
// ISA namespace (coordconv::scalar, ::avx2, ::avx512, ::neon), after defining there the
// primitives it is written on:
//   F                 the float vector (float on the scalar path), M its lane mask
//   splat(float) -> F, add/sub/mul(F, F) -> F, ge(F, F) -> M (a >= b, false for NaN),
//   zero_unless(M, F) -> F (+0 in the lanes where the mask is false),
//   pow2(F n) -> F (2^n for integer-valued n in [-126, 127]).
// Each inclusion is then a distinct function compiled with its unit's target flags, so no inline
// function is shared (and merged by the linker) between units built for different instruction
// sets. Include no header from here: this text lands inside a namespace.

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

inline F exp_approx(F x) {
  using namespace expc;
  const M keep = ge(x, splat(kExpMin));
  const F t = mul(x, splat(kLog2e));
  const F n = sub(add(t, splat(kRound)), splat(kRound));
  F r = sub(x, mul(n, splat(kLn2Hi)));
  r = sub(r, mul(n, splat(kLn2Lo)));
  const F z = mul(r, r);
  F y = splat(kP0);
  y = add(mul(y, r), splat(kP1));
  y = add(mul(y, r), splat(kP2));
  y = add(mul(y, r), splat(kP3));
  y = add(mul(y, r), splat(kP4));
  y = add(mul(y, r), splat(kP5));
  y = add(mul(y, z), r);
  y = add(y, splat(1.0f));
  // Flushed lanes get n = 0 before pow2, so no lane converts an out-of-range value.
  return zero_unless(keep, mul(y, pow2(zero_unless(keep, n))));
}
