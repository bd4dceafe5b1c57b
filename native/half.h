// IEEE 754 binary16 (half) to binary32, exactly, in integer arithmetic but for one product of
// normal floats, so the result does not depend on the floating-point environment (FlushSubnormals'
// FTZ/DAZ, fp_env.h, never touches it). Every
// half is exactly a float; a subnormal half (magnitude below 2^-14) is a normal float. The
// conversion is the one F16C's VCVTPH2PS and NEON's FCVT perform, NaNs included, so every path
// gives the same bits:
//   +-0 -> +-0, +-Inf -> +-Inf, subnormal m * 2^-24 -> that value, normal -> rebiased,
//   NaN -> the quiet NaN with the same sign and the 10 payload bits at the top of the float's
//   mantissa (bit 22, the quiet bit, set: a signalling half NaN comes out quieted).
//
// No #pragma once, on purpose: like exp_approx.h this text is included inside a namespace (each
// kernel unit's ISA namespace, and decode.cc's), so no inline function is shared by units built
// for different instruction sets. Include no header from here; uint16_t/uint32_t must be declared.

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  uint32_t bits;
  if (exponent == 0x1Fu) {
    bits = sign | 0x7F800000u | (mantissa != 0 ? 0x00400000u | (mantissa << 13) : 0u);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);  // 112 = 127 - 15
  } else if (mantissa == 0) {
    bits = sign;
  } else {
    // m * 2^-24, 1 <= m < 2^10: both factors and the product are normal floats (>= 2^-24), and the
    // product is exact, so neither FTZ nor DAZ can change it (they act on subnormal floats only).
    const float v = static_cast<float>(mantissa) * 0x1p-24f;
    __builtin_memcpy(&bits, &v, sizeof bits);
    bits |= sign;
  }
  float f;
  __builtin_memcpy(&f, &bits, sizeof f);
  return f;
}
