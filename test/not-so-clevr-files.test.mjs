import test from 'ava';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeNotSoClevr, readNpz } from 'coordconv';
import { hasH5py, hasNumpy, missingNote, runPython } from './helpers/python.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-nsc-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
if (!hasH5py) console.log(`# SKIP HDF5/NumPy cross-checks: ${missingNote('numpy and h5py')}`);

// NumPy restates the reference generator (split with np.random seeded 20202, order with 10101,
// a filled 9 x 9 square of 128) and compares every dataset in the file with it.
const CHECK = `
import sys, json, numpy as np
path, split, fields = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
if path.endswith('.h5'):
    import h5py
    f = h5py.File(path, 'r')
    get = lambda k: f[k]
    keys = sorted(f.keys())
else:
    f = np.load(path)
    get = lambda k: f[k]
    keys = sorted(f.files)
samples = [(x, y) for x in range(4, 60) for y in range(4, 60)]
np.random.seed(20202)
parts = {'train': [], 'val': []}
for (x, y) in samples:
    v = np.random.random() < 0.25 if split == 'uniform' else (x / 64.0 > 0.5 and y / 64.0 > 0.5)
    parts['val' if v else 'train'].append((x, y))
report = {'keys': keys, 'datasets': {}}
for part, locs in parts.items():
    np.random.seed(seed=10101)
    order = np.random.permutation(len(locs))
    locs = np.array(locs)[order]
    for field in fields:
        d = get(part + '_' + field)
        a = d[...]
        if field == 'locations':
            ok = np.array_equal(a, locs)
        elif field == 'normalized_locations':
            ok = np.array_equal(a, locs / 64.0)
        else:
            ok = True
            for i, (x, y) in enumerate(locs):
                ch = 3 if field == 'image' else 1
                want = np.zeros((64, 64, ch))
                if field == 'onehots':
                    want[y, x, 0] = 1.0
                else:
                    want[y - 4:y + 5, x - 4:x + 5, :] = 128
                if not np.array_equal(a[i], want):
                    ok = False
                    break
        report['datasets'][part + '_' + field] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'ok': bool(ok)}
print(json.dumps(report))
`;

(hasH5py ? test : test.skip)('h5 with the reference names and dtypes matches NumPy\'s restatement (quadrant)', async (t) => {
  const out = path.join(dir, 'h5');
  const fields = ['onehots', 'locations', 'normalized_locations'];
  const files = await writeNotSoClevr({ out, split: 'quadrant', format: 'h5', fields });
  t.deepEqual(files, [path.join(out, 'rectangle_4_quadrant.h5')]);
  t.deepEqual(readdirSync(out), ['rectangle_4_quadrant.h5'], 'no temporary file left');
  const report = runPython(CHECK, [files[0], 'quadrant', fields.join(',')]);
  t.deepEqual(report.keys, ['train_locations', 'train_normalized_locations', 'train_onehots', 'val_locations', 'val_normalized_locations', 'val_onehots']);
  t.deepEqual(report.datasets.train_onehots, { dtype: '<f8', shape: [2407, 64, 64, 1], ok: true });
  t.deepEqual(report.datasets.val_onehots, { dtype: '<f8', shape: [729, 64, 64, 1], ok: true });
  t.deepEqual(report.datasets.train_locations, { dtype: '<i8', shape: [2407, 2], ok: true });
  t.deepEqual(report.datasets.val_normalized_locations, { dtype: '<f8', shape: [729, 2], ok: true });
});

(hasNumpy ? test : test.skip)('npz in uint8 holds all ten datasets, images equal to the closed form (uniform)', async (t) => {
  const out = path.join(dir, 'npz');
  const [file] = await writeNotSoClevr({ out, split: 'uniform', format: 'npz', dtype: 'uint8' });
  const fields = ['image', 'imagegray', 'onehots', 'locations', 'normalized_locations'];
  const report = runPython(CHECK, [file, 'uniform', fields.join(',')]);
  t.is(report.keys.length, 10);
  for (const [name, d] of Object.entries(report.datasets)) t.true(d.ok, name);
  t.deepEqual(report.datasets.train_image, { dtype: '|u1', shape: [2368, 64, 64, 3], ok: true });
  t.deepEqual(report.datasets.val_imagegray, { dtype: '|u1', shape: [768, 64, 64, 1], ok: true });
  t.deepEqual(report.datasets.val_normalized_locations, { dtype: '<f4', shape: [768, 2], ok: true });
  const back = await readNpz(file);
  t.deepEqual(back.val_locations.shape, [768, 2]);
});

test('npy format writes one file per dataset; bad options are clear errors', async (t) => {
  const out = path.join(dir, 'npy');
  const files = await writeNotSoClevr({ out, format: 'npy', fields: ['locations'] });
  t.deepEqual(files.map((f) => path.basename(f)), ['rectangle_4_uniform_train_locations.npy', 'rectangle_4_uniform_val_locations.npy']);
  await t.throwsAsync(writeNotSoClevr({ out, format: 'csv' }), { instanceOf: TypeError, message: `Expected one of 'npy', 'npz', 'h5' for options.format but received "csv"` });
  await t.throwsAsync(writeNotSoClevr({ split: 'uniform' }), { instanceOf: TypeError, message: 'Expected a folder path for options.out but received undefined' });
  await t.throwsAsync(writeNotSoClevr({ out, fields: ['pixels'] }), {
    instanceOf: RangeError,
    message: `Expected each of 'image', 'imagegray', 'onehots', 'locations', 'normalized_locations' for options.fields but received "pixels"`,
  });
});
