// What the tests feed the library: one seeded generator, misaligned views and the sizes around
// the vector widths, shared by every test so that each of them is written once.

// A small deterministic generator (mulberry32), so failures replay.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randint = (random, n) => Math.floor(random() * n);

// n float32 values drawn uniformly from [lo, hi).
export const randomArray = (random, n, lo = -1, hi = 1) => new Float32Array(n).map(() => lo + random() * (hi - lo));

// A typed array of `length` elements whose view starts `offset` elements into its buffer, so
// kernels meet unaligned addresses.
export function misaligned(Type, length, offset) {
  return new Type(new ArrayBuffer((length + offset) * Type.BYTES_PER_ELEMENT), offset * Type.BYTES_PER_ELEMENT, length);
}

// A copy of `data` one element into its buffer (4 bytes for Float32Array, 1 for Uint8Array).
export function misalignedCopy(data) {
  const view = misaligned(data.constructor, data.length, 1);
  view.set(data);
  return view;
}

// The planes of a batch of h x w planes, as views.
export const planesOf = (data, h, w) => Array.from({ length: data.length / (h * w) }, (_, p) => data.subarray(p * h * w, (p + 1) * h * w));

// Sides around every vector width the kernels use (8 and 16 floats, 32 and 64 bytes: w - 1, w,
// w + 1), small primes, and sides past twice the widest vector.
export const SIDES = [1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 67, 97, 127, 128, 129, 131];
// Plane heights for the loops over SIDES x HEIGHTS: one row, odd, a vector width, a prime.
export const HEIGHTS = [1, 3, 5, 8, 13];

// Every plane size of SIDES x HEIGHTS in turn: n planes of Float32 values drawn by f32() and n of
// Uint8 values drawn by u8(), as `views`: both arrays, then a misaligned copy of each.
export function* sizedBatches(n, f32, u8) {
  for (const w of SIDES) {
    for (const h of HEIGHTS) {
      const f = new Float32Array(n * h * w).map(f32);
      const u = new Uint8Array(n * h * w).map(u8);
      yield { h, w, views: [f, u, misalignedCopy(f), misalignedCopy(u)] };
    }
  }
}
