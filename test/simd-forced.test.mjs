// COORDCONV_SIMD naming a path this CPU cannot run: loading fails with the library's message shape,
// naming what the path needs and what to do, never a bare "not a known path".
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { simd } from 'coordconv';

// What each of the library's paths needs, as the docs state it.
const NEEDS = {
  avx512: 'an x86-64 CPU with AVX-512 F, BW, VL and DQ',
  avx2: 'an x86-64 CPU with AVX2, FMA and F16C',
  neon: 'an arm64 CPU',
};

function loadWith(path) {
  const r = spawnSync(process.execPath, ['-e', "try { require('coordconv'); console.log('loaded') } catch (e) { console.log(`${e.constructor.name}: ${e.message}`) }"], {
    env: { ...process.env, COORDCONV_SIMD: path },
    encoding: 'utf8',
  });
  return r.stdout.trim();
}

test('a path of the library this CPU cannot run names what it needs; an unknown one lists the library\'s paths', (t) => {
  const { available } = simd();
  const expected = `RangeError: Expected one of ${available.join(', ')} (the paths this CPU runs) for COORDCONV_SIMD but received`;
  const fix = '; unset COORDCONV_SIMD to run the best of them';
  const missing = Object.keys(NEEDS).filter((p) => !available.includes(p));
  t.true(missing.length > 0, 'every CPU lacks at least one of avx512 / avx2 / neon');
  for (const path of missing) t.is(loadWith(path), `${expected} "${path}", which needs ${NEEDS[path]}${fix}`, path);
  t.is(loadWith('sse9'), `${expected} "sse9", which is not a path of coordconv (it has avx512, avx2, neon and scalar)${fix}`);
  for (const path of available) t.is(loadWith(path), 'loaded', path);
});
