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
