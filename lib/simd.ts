import { addon } from './addon';

/** The SIMD path in use and the paths this CPU can run, best first. */
export interface SimdInfo {
  /** The path every kernel runs on: chosen at load, or forced with COORDCONV_SIMD. */
  active: 'avx512' | 'avx2' | 'neon' | 'scalar' | (string & {});
  /** Every path this CPU supports, best first; `scalar` is always last. */
  available: string[];
}

/**
 * Reports the active SIMD path. Set `COORDCONV_SIMD=scalar|avx2|avx512|neon` before the first
 * `require('coordconv')` to force one (loading fails with a clear error if the CPU lacks it).
 * @example simd() // { active: 'avx512', available: ['avx512', 'avx2', 'scalar'] }
 */
export function simd(): SimdInfo {
  const { active, available } = addon.simd();
  return { active, available };
}

