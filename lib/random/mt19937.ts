// MT19937 with NumPy's legacy `RandomState` semantics: the same seeding, the same doubles, the same
// bounded integers for `permutation` / `shuffle`, so a sequence drawn here equals NumPy's draw for draw.
import { rangeError, typeError } from '../errors';

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/** A seed as NumPy's legacy `np.random.seed` takes it: an integer in [0, 2^32 - 1], or a non-empty array of them. */
export type LegacySeed = number | readonly number[];

const isUint32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/**
 * NumPy's legacy global generator (`np.random.seed`, `np.random.random`, `np.random.permutation`),
 * reproduced draw for draw.
 *
 * - An integer seed goes through MT19937 `init_genrand`, as `RandomState.seed(int)` does; an array
 *   seed through `init_by_array`, as `RandomState.seed([...])` does.
 * - {@link randomSample} is NumPy's 53-bit double `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53`.
 * - {@link interval} is NumPy's `random_interval`: masked rejection sampling on 32-bit words below
 *   2^32, on 64-bit words (high word first) above.
 * - {@link shuffle} / {@link permutation} are the legacy Fisher-Yates from the last index down.
 * @example
 * const rng = new LegacyRandom(20202);
 * rng.randomSample(); // 0.4215541291710435, as np.random.seed(20202); np.random.random()
 */
export class LegacyRandom {
  private readonly key = new Uint32Array(N);
  private pos = N;

  /** @param seed Required; no default. @example new LegacyRandom(10101) */
  constructor(seed: LegacySeed) {
    this.seed(seed);
  }

  /** Re-seeds in place, exactly like `np.random.seed(seed)`. */
  seed(seed: LegacySeed): this {
    if (typeof seed === 'number') {
      if (!isUint32(seed)) throw rangeError('an integer seed in [0, 4294967295]', 'seed', String(seed));
      this.initGenrand(seed);
    } else if (Array.isArray(seed)) {
      if (seed.length === 0 || !seed.every(isUint32)) {
        throw rangeError('a non-empty array of integers in [0, 4294967295]', 'seed', `an Array(${seed.length})`);
      }
      this.initByArray(seed);
    } else {
      throw typeError('an integer or an array of integers', 'seed', seed);
    }
    return this;
  }

  private initGenrand(s: number): void {
    const key = this.key;
    let seed = s >>> 0;
    for (let i = 0; i < N; i++) {
      key[i] = seed;
      seed = (Math.imul(1812433253, seed ^ (seed >>> 30)) + i + 1) >>> 0;
    }
    this.pos = N;
  }

  private initByArray(init: readonly number[]): void {
    const key = this.key;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    const length = init.length;
    for (let k = Math.max(N, length); k > 0; k--) {
      const prev = key[i - 1] ^ (key[i - 1] >>> 30);
      key[i] = ((key[i] ^ Math.imul(prev, 1664525)) + init[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        key[0] = key[N - 1];
        i = 1;
      }
      if (j >= length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = key[i - 1] ^ (key[i - 1] >>> 30);
      key[i] = ((key[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        key[0] = key[N - 1];
        i = 1;
      }
    }
    key[0] = 0x80000000;
    this.pos = N;
  }

  private twist(): void {
    const key = this.key;
    let k = 0;
    for (; k < N - M; k++) {
      const y = (key[k] & UPPER) | (key[k + 1] & LOWER);
      key[k] = key[k + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; k < N - 1; k++) {
      const y = (key[k] & UPPER) | (key[k + 1] & LOWER);
      key[k] = key[k + M - N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (key[N - 1] & UPPER) | (key[0] & LOWER);
    key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    if (this.pos === N) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) from two 32-bit outputs, as NumPy's `random_sample`. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * An integer in [0, max] with NumPy's `random_interval` (masked rejection). `max` is a safe integer
   * >= 0; above 2^32 - 1 each try uses two 32-bit outputs, high word first, as NumPy's 64-bit draw.
   */
  interval(max: number): number {
    if (!Number.isSafeInteger(max) || max < 0) throw rangeError('a safe integer >= 0', 'max', String(max));
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      let mask = max;
      mask |= mask >>> 1;
      mask |= mask >>> 2;
      mask |= mask >>> 4;
      mask |= mask >>> 8;
      mask |= mask >>> 16;
      mask >>>= 0;
      for (;;) {
        const value = (this.nextUint32() & mask) >>> 0;
        if (value <= max) return value;
      }
    }
    // Above 32 bits: the mask's high word covers max's high word; the low word is all ones.
    const high = Math.floor(max / 4294967296);
    let highMask = high;
    highMask |= highMask >>> 1;
    highMask |= highMask >>> 2;
    highMask |= highMask >>> 4;
    highMask |= highMask >>> 8;
    highMask |= highMask >>> 16;
    for (;;) {
      const hi = (this.nextUint32() & highMask) >>> 0;
      const lo = this.nextUint32();
      const value = hi * 4294967296 + lo;
      if (value <= max) return value;
    }
  }

  /** Shuffles in place as the legacy `RandomState.shuffle` does for a 1-D array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /**
   * `np.random.permutation(n)`: 0..n-1 shuffled. n is an integer in [0, 2^32].
   * @example new LegacyRandom(10101).permutation(7) // [6, 3, 4, 1, 2, 5, 0]
   */
  permutation(n: number): Uint32Array {
    if (!Number.isSafeInteger(n) || n < 0 || n > 4294967296) {
      throw rangeError('an integer in [0, 4294967296]', 'n', String(n));
    }
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}
