import test from 'ava';
import { mkdtempSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { H5Writer, readH5 } from 'coordconv';
import { hasH5py, missingNote, runPython } from './helpers/python.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-h5-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
if (!hasH5py) console.log(`# SKIP h5py cross-checks: ${missingNote('h5py')}`);

(hasH5py ? test : test.skip)('h5py reads every dtype H5Writer writes; readH5 reads what h5py writes', async (t) => {
  const file = path.join(dir, 'a.h5');
  const h5 = await H5Writer.open(file);
  await h5.add('f4', { data: Float32Array.from([1.5, -2, NaN, Infinity]), shape: [2, 2] });
  await h5.add('f8', { data: Float64Array.from([0.1, 1 / 3]), shape: [2] });
  await h5.add('u1', { data: Uint8Array.from([0, 255, 7]), shape: [3, 1] });
  await h5.add('i8', { data: BigInt64Array.from([-(2n ** 62n), 5n]), shape: [2] });
  await h5.add('i4', { data: Int32Array.from([-1, 2 ** 31 - 1]), shape: [1, 2] });
  const streamed = await h5.begin('rows', { dtype: '<u2', shape: [5, 2], chunkRows: 2 });
  await streamed.write(Uint16Array.from([1, 2, 3, 4]));
  await streamed.write(Uint16Array.from([5, 6, 7, 8, 9, 65535]));
  await streamed.end();
  await h5.close();
  const got = runPython(
    `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({k: {'dtype': f[k].dtype.str, 'shape': list(f[k].shape), 'values': [repr(float(v)) if f[k].dtype.kind == 'f' else str(int(v)) for v in f[k][...].ravel()]} for k in f}))
`,
    [file],
  );
  t.deepEqual(got.f4, { dtype: '<f4', shape: [2, 2], values: ['1.5', '-2.0', 'nan', 'inf'] });
  t.deepEqual(got.f8, { dtype: '<f8', shape: [2], values: ['0.1', '0.3333333333333333'] });
  t.deepEqual(got.u1, { dtype: '|u1', shape: [3, 1], values: ['0', '255', '7'] });
  t.deepEqual(got.i8, { dtype: '<i8', shape: [2], values: [String(-(2n ** 62n)), '5'] });
  t.deepEqual(got.i4, { dtype: '<i4', shape: [1, 2], values: ['-1', '2147483647'] });
  t.deepEqual(got.rows, { dtype: '<u2', shape: [5, 2], values: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '65535'] });

  const other = path.join(dir, 'b.h5');
  runPython(
    `
import sys, json, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f['x'] = np.arange(6, dtype='<f4').reshape(2, 3) / 2
    f['n'] = np.array([-3, 4], dtype='<i8')
    f['s'] = 'text'
print('null')
`,
    [other],
  );
  const back = await readH5(other);
  t.deepEqual(Object.keys(back).sort(), ['n', 'x']);
  t.deepEqual(back.x.shape, [2, 3]);
  t.deepEqual([...back.x.data], [0, 0.5, 1, 1.5, 2, 2.5]);
  t.deepEqual([...back.n.data], [-3n, 4n]);
});

test('misuse is a clear error and leaves no file', async (t) => {
  const file = path.join(dir, 'bad.h5');
  const h5 = await H5Writer.open(file);
  const d = await h5.begin('x', { dtype: '<f4', shape: [3, 2] });
  await t.throwsAsync(d.write(new Float32Array(3)), { instanceOf: RangeError, message: 'Expected a whole number of rows of 2 elements for chunk.data but received 3' });
  await t.throwsAsync(d.write(new Float32Array(8)), { instanceOf: RangeError, message: 'Expected at most 3 more rows for x for chunk.data but received 4 rows' });
  await t.throwsAsync(d.write(new Float64Array(2)), { instanceOf: TypeError, message: "Expected a typed array of dtype '<f4' for chunk.data but received Float64Array(2)" });
  await d.write(new Float32Array(2));
  await t.throwsAsync(d.end(), { instanceOf: RangeError, message: 'Expected 3 rows for x for the written data but received 1' });
  await t.throwsAsync(h5.close(), { message: 'A dataset was begun but not ended; the file was discarded' });
  t.deepEqual(readdirSync(dir).filter((f) => f.includes('bad')), []);
  await t.throwsAsync(H5Writer.open(path.join(dir, 'missing', 'x.h5')), { code: 'ENOENT' });
  writeFileSync(path.join(dir, 'junk.h5'), 'not hdf5');
  await t.throwsAsync(readH5(path.join(dir, 'junk.h5')), { instanceOf: RangeError });
});

// readH5 reads a dataset in pieces of about 16 MiB: 20 MiB datasets take two, across h5py's layouts
// (contiguous, and gzip chunks that do not align with the pieces), and a row past 16 MiB is read
// along its next axis; each value is its index.
(hasH5py ? test : test.skip)('readH5 reads h5py datasets larger than one piece (rows too), contiguous and chunked, every value in place', async (t) => {
  const file = path.join(dir, 'pieces.h5');
  runPython(
    `
import sys, h5py, numpy as np
a = np.arange(1280 * 4096, dtype='<f4').reshape(1280, 4096)
with h5py.File(sys.argv[1], 'w') as f:
    f.create_dataset('contiguous', data=a)
    f.create_dataset('chunked', data=a, chunks=(37, 1000), compression='gzip')
    f.create_dataset('ids', data=np.arange(3, dtype='<i8') - 1)
    # rows past one piece: read along the next axis in, one and two levels deep
    f.create_dataset('wide', data=np.arange(2 * 5 * 2**20, dtype='<f4').reshape(2, 5 * 2**20))
    f.create_dataset('deep', data=np.arange(2 * 3 * (2**21 + 5), dtype='<f4').reshape(2, 3, 2**21 + 5), chunks=(1, 2, 100000))
print('null')
`,
    [file],
  );
  const got = await readH5(file, ['contiguous', 'chunked', 'wide', 'deep']);
  t.deepEqual(Object.keys(got).sort(), ['chunked', 'contiguous', 'deep', 'wide']);
  const shapes = { contiguous: [1280, 4096], chunked: [1280, 4096], wide: [2, 5 * 2 ** 20], deep: [2, 3, 2 ** 21 + 5] };
  for (const [name, a] of Object.entries(got)) {
    t.deepEqual(a.shape, shapes[name], name);
    t.true(a.data instanceof Float32Array, name);
    let wrong = -1;
    for (let i = 0; i < a.data.length && wrong < 0; i++) if (a.data[i] !== i) wrong = i;
    t.is(wrong, -1, `${name}: first wrong element`);
  }
  t.deepEqual([...(await readH5(file, ['ids'])).ids.data], [-1n, 0n, 1n]);
});
