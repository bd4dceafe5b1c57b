import { addon } from './addon';
import { readInteger } from './validate';

/** The most threads a call may use: the cores the machine has. */
export const maxConcurrency: number = addon.simd().defaultThreads;

let threads = maxConcurrency;

/**
 * Gets or sets how many native threads one call splits its batch over (default: the number of
 * cores; values above it act as the number of cores). Applies to later calls, sync and async.
 * @example concurrency(1) // decode each batch on one thread, leaving the others to the server
 */
export function concurrency(n?: number): number {
  if (n !== undefined) threads = readInteger(n, 'concurrency', undefined, 1, Number.MAX_SAFE_INTEGER, 'a positive integer');
  return threads;
}
