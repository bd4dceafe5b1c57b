import test from 'ava';
import { readFileSync } from 'node:fs';
import { LegacyRandom } from 'coordconv';

// Made by test/fixtures/make_not_so_clevr.py with Debian's NumPy.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/not_so_clevr.json', import.meta.url), 'utf8'));

test('raw 32-bit outputs equal NumPy legacy seeding (init_genrand), across the first twist', (t) => {
  for (const [seed, expected] of Object.entries(fixture.raw)) {
    const rng = new LegacyRandom(Number(seed));
    const got = [];
    for (let i = 0; i < 630; i++) got.push(rng.nextUint32());
    t.deepEqual([...got.slice(0, 8), ...got.slice(620, 630)], expected, `seed ${seed}`);
  }
});

test('random_sample doubles equal NumPy bit for bit', (t) => {
  for (const [seed, expected] of Object.entries(fixture.doubles)) {
    const rng = new LegacyRandom(Number(seed));
    t.deepEqual(expected.map(() => rng.randomSample()), expected.map(Number), `seed ${seed}`);
  }
});

test('an array seed goes through init_by_array, as RandomState([...])', (t) => {
  const rng = new LegacyRandom(fixture.arraySeeded.seed);
  t.deepEqual(fixture.arraySeeded.doubles.map(() => rng.randomSample()), fixture.arraySeeded.doubles.map(Number));
});

test('interval(max) equals legacy randint(0, max + 1), 32-bit and 64-bit paths', (t) => {
  for (const [max, expected] of Object.entries(fixture.interval)) {
    const rng = new LegacyRandom(5);
    t.deepEqual(expected.map(() => rng.interval(Number(max))), expected, `max ${max}`);
  }
});

test('permutation(n) equals np.random.RandomState(seed).permutation(n)', (t) => {
  for (const [seed, byLength] of Object.entries(fixture.permutations)) {
    for (const [n, expected] of Object.entries(byLength)) {
      t.deepEqual([...new LegacyRandom(Number(seed)).permutation(Number(n))], expected, `seed ${seed} n ${n}`);
    }
  }
});

test('one stream: doubles, a permutation, doubles stay in step with NumPy', (t) => {
  const f = fixture.shuffled_after_doubles;
  const rng = new LegacyRandom(f.seed);
  t.deepEqual(f.before.map(() => rng.randomSample()), f.before.map(Number));
  t.deepEqual([...rng.permutation(33)], f.permutation33);
  t.deepEqual(f.after.map(() => rng.randomSample()), f.after.map(Number));
});

test('seed() re-seeds in place and shuffle works on plain arrays', (t) => {
  const rng = new LegacyRandom(1);
  rng.randomSample();
  rng.seed(10101);
  t.deepEqual(rng.shuffle([0, 1, 2, 3, 4, 5, 6]), fixture.permutations['10101']['7']);
});

test('bad seeds and bounds are clear errors', (t) => {
  t.throws(() => new LegacyRandom(-1), { instanceOf: RangeError, message: 'Expected an integer seed in [0, 4294967295] for seed but received -1' });
  t.throws(() => new LegacyRandom(2 ** 32), { instanceOf: RangeError, message: 'Expected an integer seed in [0, 4294967295] for seed but received 4294967296' });
  t.throws(() => new LegacyRandom(1.5), { instanceOf: RangeError });
  t.throws(() => new LegacyRandom([]), { instanceOf: RangeError, message: 'Expected a non-empty array of integers in [0, 4294967295] for seed but received an Array(0)' });
  t.throws(() => new LegacyRandom('7'), { instanceOf: TypeError, message: 'Expected an integer or an array of integers for seed but received "7"' });
  t.throws(() => new LegacyRandom(1).permutation(-1), { instanceOf: RangeError, message: 'Expected an integer in [0, 4294967296] for n but received -1' });
  t.throws(() => new LegacyRandom(1).interval(NaN), { instanceOf: RangeError, message: 'Expected a safe integer >= 0 for max but received NaN' });
});
