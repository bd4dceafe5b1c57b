import { addon } from './addon';
import { rangeError, typeError } from './errors';

/** The SIMD path in use and the paths this CPU can run, best first. */
export interface SimdInfo {
  /** The path every kernel runs on: chosen at load, or forced with COORDCONV_SIMD. */
  active: 'avx512' | 'avx2' | 'scalar' | (string & {});
  /** Every path this CPU supports, best first; `scalar` is always last. */
  available: string[];
}

/**
 * Reports the active SIMD path. Set `COORDCONV_SIMD=scalar|avx2|avx512` before the first
 * `require('coordconv')` to force one (loading fails with a clear error if the CPU lacks it).
 * @example simd() // { active: 'avx512', available: ['avx512', 'avx2', 'scalar'] }
 */
export function simd(): SimdInfo {
  const { active, available } = addon.simd();
  return { active, available };
}

let threads = addon.simd().defaultThreads;

/** The most threads a call may use: the cores the machine has. */
export const maxConcurrency: number = addon.simd().defaultThreads;

/**
 * Gets or sets how many native threads one call splits its batch over (default: the number of
 * cores; values above it act as the number of cores). Applies to later calls, sync and async.
 * @example concurrency(1) // decode each batch on one thread, leaving the others to the server
 */
export function concurrency(n?: number): number {
  if (n !== undefined) {
    if (typeof n !== 'number') throw typeError('a positive integer', 'concurrency', n);
    if (!Number.isSafeInteger(n) || n < 1) throw rangeError('a positive integer', 'concurrency', String(n));
    threads = n;
  }
  return threads;
}
