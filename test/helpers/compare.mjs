// Comparing a native result with a reference: exactly (as float32) or within a tolerance.

const f32 = (v) => (Number.isNaN(v) ? NaN : Math.fround(v));

// Exact: every coordinate and score equals the reference rounded to float32; NaN matches NaN.
export function sameAsRef(t, got, ref, label = '') {
  t.deepEqual(Array.from(got.valid), ref.valid, `${label} valid`);
  t.deepEqual(Array.from(got.coords), ref.coords.map(f32), `${label} coords`);
  t.deepEqual(Array.from(got.scores), ref.scores.map(f32), `${label} scores`);
}

// Coordinates within `tol` pixels of the reference (NaN where the reference is NaN); validity and
// scores exact. Returns the largest difference seen.
export function closeToRef(t, got, ref, tol, label = '') {
  t.deepEqual(Array.from(got.valid), ref.valid, `${label} valid`);
  t.deepEqual(Array.from(got.scores), ref.scores.map(f32), `${label} scores`);
  let worst = 0;
  for (let i = 0; i < ref.coords.length; i++) {
    const a = got.coords[i];
    const b = ref.coords[i];
    if (Number.isNaN(b)) {
      t.true(Number.isNaN(a), `${label} coord ${i} should be NaN, got ${a}`);
      continue;
    }
    const d = Math.abs(a - b);
    worst = Math.max(worst, d);
    if (!(d <= tol)) t.fail(`${label} coord ${i}: ${a} vs reference ${b} (|diff| ${d} > ${tol})`);
  }
  t.pass();
  return worst;
}

// A copy of `data` in a view at a misaligned byte offset (4 for Float32Array, 1 for Uint8Array).
export function misaligned(data) {
  const Ctor = data.constructor;
  const offset = Ctor.BYTES_PER_ELEMENT === 4 ? 4 : 1;
  const buffer = new ArrayBuffer(data.byteLength + offset + 64);
  const view = new Ctor(buffer, offset, data.length);
  view.set(data);
  return view;
}

// Sizes around every vector width (8 and 16 floats, 32 and 64 bytes), and primes.
export const WIDTHS = [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 67];
export const HEIGHTS = [1, 3, 5, 8, 13];
