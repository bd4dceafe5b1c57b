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

// Branch-free, so that a loop of it vectorises (the scalar path's f16_to_f32) and a plane of mixed
// halves mispredicts nothing: every case is computed and the right one selected.
inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t magnitude = h & 0x7FFFu, exponent = magnitude >> 10, mantissa = h & 0x3FFu;
  const uint32_t normal = (magnitude << 13) + (112u << 23);  // rebiased: 112 = 127 - 15
  // Exponent 31 rebiased twice lands on 255; a NaN gets the quiet bit.
  const uint32_t special = (normal + (112u << 23)) | (mantissa != 0 ? 0x00400000u : 0u);
  // m * 2^-24, 0 <= m < 2^10: both factors and the product are zero or normal floats (>= 2^-24),
  // and the product is exact, so neither FTZ nor DAZ can change it (they act on subnormal floats only).
  const float small = static_cast<float>(mantissa) * 0x1p-24f;
  uint32_t tiny;
  __builtin_memcpy(&tiny, &small, sizeof tiny);
  const uint32_t bits = sign | (exponent == 0x1Fu ? special : exponent == 0 ? tiny : normal);
  float f;
  __builtin_memcpy(&f, &bits, sizeof f);
  return f;
}
