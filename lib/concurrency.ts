import { addon } from './addon';
import { readInteger } from './validate';

/** The most threads a call may use: the cores the machine has. */
export const maxConcurrency: number = addon.simd().defaultThreads;

let threads = maxConcurrency;

/**
 * Gets or sets how many native threads one call splits its batch over, and returns the number
 * later calls will use: the value set, capped at {@link maxConcurrency} (a call never runs more
 * threads than the machine has cores). Default: maxConcurrency. Applies to later calls, sync and async.
 * @example concurrency(1) // decode each batch on one thread, leaving the others to the server
 * @example concurrency(64) // on a 2-core machine: 2
 */
export function concurrency(n?: number): number {
  if (n !== undefined) threads = Math.min(maxConcurrency, readInteger(n, 'concurrency', undefined, 1, Number.MAX_SAFE_INTEGER, 'a positive integer'));
  return threads;
}
