import test from 'ava';
import { readFileSync } from 'node:fs';
import { notSoClevr, notSoClevrIndex, NOT_SO_CLEVR_COUNT } from 'coordconv';

// Orders made by test/fixtures/make_not_so_clevr.py with Debian's NumPy (the reference's split logic).
const fixture = JSON.parse(readFileSync(new URL('./fixtures/not_so_clevr.json', import.meta.url), 'utf8'));
const locate = (g) => [4 + Math.floor(g / 56), 4 + (g % 56)];

// The closed form of one reference sample: a filled 9 x 9 square of 128 centred at (x, y).
function expectPlane(t, data, offset, channels, [x, y], inside, label) {
  let bad = 0;
  for (let r = 0; r < 64; r++) {
    for (let c = 0; c < 64; c++) {
      const want = Math.abs(r - y) <= 4 && Math.abs(c - x) <= 4 ? inside : 0;
      for (let ch = 0; ch < channels; ch++) if (data[offset + (r * 64 + c) * channels + ch] !== want) bad++;
    }
  }
  t.is(bad, 0, label);
}

test('3136 samples; split counts are the paper\'s', (t) => {
  t.is(NOT_SO_CLEVR_COUNT, 3136);
  const u = notSoClevrIndex('uniform');
  const q = notSoClevrIndex('quadrant');
  t.deepEqual([u.train.length, u.val.length], [2368, 768]);
  t.deepEqual([q.train.length, q.val.length], [2407, 729]);
});

for (const split of ['uniform', 'quadrant']) {
  test(`${split}: train and val row orders equal NumPy's`, (t) => {
    const index = notSoClevrIndex(split);
    t.deepEqual([...index.train], fixture.splits[split].train);
    t.deepEqual([...index.val], fixture.splits[split].val);
  });

  test(`${split}: locations, normalized locations and one-hots row by row (uint8)`, (t) => {
    const data = notSoClevr({ split, dtype: 'uint8', fields: ['onehots'] });
    for (const part of ['train', 'val']) {
      const expected = fixture.splits[split][part];
      const p = data[part];
      t.is(p.count, expected.length);
      t.deepEqual(p.onehots.shape, [expected.length, 64, 64, 1]);
      t.deepEqual(p.locations.shape, [expected.length, 2]);
      t.true(p.locations.data instanceof Int32Array && p.normalized_locations.data instanceof Float32Array);
      t.is(p.image, undefined);
      let bad = 0;
      expected.forEach((g, i) => {
        const [x, y] = locate(g);
        if (p.locations.data[2 * i] !== x || p.locations.data[2 * i + 1] !== y) bad++;
        if (p.normalized_locations.data[2 * i] !== x / 64 || p.normalized_locations.data[2 * i + 1] !== y / 64) bad++;
        const plane = p.onehots.data.subarray(i * 4096, (i + 1) * 4096);
        if (plane[y * 64 + x] !== 1 || plane.reduce((a, b) => a + b, 0) !== 1) bad++;
      });
      t.is(bad, 0);
    }
  });
}

test('quadrant: val holds exactly the centres with x > 32 and y > 32', (t) => {
  const { train, val } = notSoClevrIndex('quadrant');
  t.true([...val].every((g) => locate(g)[0] > 32 && locate(g)[1] > 32));
  t.true([...train].every((g) => !(locate(g)[0] > 32 && locate(g)[1] > 32)));
});

test('image and imagegray match the filled 9 x 9 square for a few rows (float32 default)', (t) => {
  const { train, val } = notSoClevr({ split: 'uniform', fields: ['image', 'imagegray'] });
  t.true(train.image.data instanceof Float32Array);
  t.deepEqual(train.image.shape, [2368, 64, 64, 3]);
  t.deepEqual(val.imagegray.shape, [768, 64, 64, 1]);
  for (const [part, rows] of [[train, [0, 1, 1000, 2367]], [val, [0, 767]]]) {
    for (const i of rows) {
      const xy = locate(part.index[i]);
      expectPlane(t, part.image.data, i * 4096 * 3, 3, xy, 128, `image row ${i}`);
      expectPlane(t, part.imagegray.data, i * 4096, 1, xy, 128, `imagegray row ${i}`);
    }
  }
  t.is(train.onehots, undefined);
});

test('float64 matches the reference dtype; corners 4 and 59 touch the border', (t) => {
  const { train } = notSoClevr({ split: 'quadrant', dtype: 'float64', fields: ['imagegray'] });
  t.true(train.imagegray.data instanceof Float64Array);
  t.true(train.normalized_locations.data instanceof Float64Array);
  const row = [...train.index].indexOf(0); // (4, 4): the square spans 0..8
  const corner = [...train.index].indexOf(55); // (4, 59): rows 55..63
  expectPlane(t, train.imagegray.data, row * 4096, 1, [4, 4], 128, 'corner (4, 4)');
  expectPlane(t, train.imagegray.data, corner * 4096, 1, [4, 59], 128, 'corner (4, 59)');
});

test('bad options are clear errors', (t) => {
  t.throws(() => notSoClevr({ split: 'random' }), { instanceOf: TypeError, message: `Expected one of 'uniform', 'quadrant' for options.split but received "random"` });
  t.throws(() => notSoClevr({ dtype: 'int8' }), { instanceOf: TypeError, message: `Expected one of 'float64', 'float32', 'uint8' for options.dtype but received "int8"` });
  t.throws(() => notSoClevr({ fields: ['locations'] }), { instanceOf: RangeError, message: `Expected each of 'image', 'imagegray', 'onehots' for options.fields but received "locations"` });
  t.throws(() => notSoClevr({ fields: 'image' }), { instanceOf: TypeError, message: 'Expected an array of field names for options.fields but received "image"' });
  t.throws(() => notSoClevr({ seed: 1 }), { instanceOf: TypeError, message: 'Expected only the keys split, dtype, fields for options but received key "seed"' });
});
