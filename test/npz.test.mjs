import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseNpz, readNpz, writeNpz, NpzWriter } from 'coordconv';
import { hasNumpy, missingNote, runPython } from './helpers/python.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-npz-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const numpyTest = hasNumpy ? test : test.skip;
if (!hasNumpy) console.log(`# SKIP NumPy cross-checks: ${missingNote('numpy')}`);

const LOAD = `
import sys, json, numpy as np
z = np.load(sys.argv[1])
out = {}
for k in sorted(z.files):
    a = z[k]
    out[k] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'values': [repr(float(v)) if a.dtype.kind == 'f' else str(int(v)) for v in a.ravel()]}
print(json.dumps(out))
`;

const arrays = {
  images: { data: Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) & 255), shape: [2, 3, 4] },
  coords: { data: Float32Array.from([1.5, -2, 0.25, 1e9]), shape: [2, 2] },
  ids: { data: BigInt64Array.from([1n, -1n, 2n ** 40n]), shape: [3] },
  empty: { data: new Float64Array(0), shape: [0] },
};
const values = (a) => [...a.data].map(String);

for (const zip64 of [false, true]) {
  numpyTest(`np.load reads several arrays from writeNpz (zip64 ${zip64})`, async (t) => {
    const file = path.join(dir, `set-${zip64}.npz`);
    await writeNpz(file, arrays, { zip64 });
    const got = runPython(LOAD, [file]);
    t.deepEqual(Object.keys(got), ['coords', 'empty', 'ids', 'images']);
    t.deepEqual(got.images, { dtype: '|u1', shape: [2, 3, 4], values: values(arrays.images) });
    t.deepEqual(got.coords, { dtype: '<f4', shape: [2, 2], values: ['1.5', '-2.0', '0.25', '1000000000.0'] });
    t.deepEqual(got.ids, { dtype: '<i8', shape: [3], values: ['1', '-1', String(2 ** 40)] });
    t.deepEqual(got.empty, { dtype: '<f8', shape: [0], values: [] });
    // and back through our own reader
    const back = await readNpz(file);
    t.deepEqual(back.images.data, arrays.images.data);
    t.deepEqual(back.ids.data, arrays.ids.data);
  });
}

numpyTest('reads np.savez and np.savez_compressed archives (stored and deflated)', async (t) => {
  const made = runPython(
    `
import sys, json, numpy as np
a = np.arange(300, dtype='<f4').reshape(3, 100) / 8
b = (np.arange(1000) % 7).astype('|u1')
np.savez(sys.argv[1] + '/plain.npz', a=a, b=b)
np.savez_compressed(sys.argv[1] + '/deflated.npz', a=a, b=b)
print(json.dumps({'a': [float(v) for v in a.ravel()], 'b': [int(v) for v in b]}))
`,
    [dir],
  );
  for (const name of ['plain', 'deflated']) {
    const file = path.join(dir, `${name}.npz`);
    // In memory, from the file by offsets (stored) or a streaming inflate (deflated), and by name.
    for (const got of [parseNpz(readFileSync(file)), await readNpz(file)]) {
      t.deepEqual(got.a.shape, [3, 100]);
      t.deepEqual([...got.a.data], made.a, name);
      t.deepEqual([...got.b.data], made.b, name);
    }
    const one = await readNpz(file, ['b']);
    t.deepEqual(Object.keys(one), ['b']);
    t.deepEqual([...one.b.data], made.b, name);
  }
});

numpyTest('readNpz checks every member it reads: a CRC that does not match, a broken deflate stream, a truncated file', async (t) => {
  runPython(
    `
import sys, numpy as np
np.savez(sys.argv[1] + '/crc-plain.npz', a=np.arange(5000, dtype='<f4'))
np.savez_compressed(sys.argv[1] + '/crc-deflated.npz', a=np.arange(5000, dtype='<f4'))
print('null')
`,
    [dir],
  );
  for (const kind of ['plain', 'deflated']) {
    const file = path.join(dir, `crc-${kind}.npz`);
    const bytes = readFileSync(file);
    const cd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const wrongCrc = Buffer.from(bytes);
    wrongCrc[cd + 16] ^= 1;
    const bad = path.join(dir, `bad-${kind}.npz`);
    writeFileSync(bad, wrongCrc);
    await t.throwsAsync(readNpz(bad), { instanceOf: RangeError, message: `Expected a matching CRC-32 for a.npy for ${bad} but received a mismatch (corrupt data)` });
    writeFileSync(bad, bytes.subarray(0, bytes.length - 30));
    await t.throwsAsync(readNpz(bad), { instanceOf: RangeError, message: /^Expected a zip archive \(end of central directory record\) for / });
  }
  // A deflated member whose stream is cut short (its sizes kept): zlib's own words, in the library's shape.
  const bytes = readFileSync(path.join(dir, 'crc-deflated.npz'));
  const start = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28);
  const broken = Buffer.from(bytes);
  broken.fill(0xff, start + 200, start + 260);
  const bad = path.join(dir, 'bad-stream.npz');
  writeFileSync(bad, broken);
  await t.throwsAsync(readNpz(bad), { instanceOf: RangeError, message: /^Expected a valid deflate stream for a\.npy for .*bad-stream\.npz but received / });
});

numpyTest('NpzWriter streams an array in chunks between whole ones', async (t) => {
  const file = path.join(dir, 'stream.npz');
  const npz = await NpzWriter.open(file);
  await npz.add('first', { data: Int32Array.from([5, 6]), shape: [2] });
  const e = await npz.begin('big', { dtype: '<f4', shape: [4, 2] });
  await e.write(Float32Array.from([0, 1, 2]));
  await e.write(Float32Array.from([3, 4, 5, 6, 7]));
  await e.end();
  t.false(existsSync(file));
  await npz.close();
  const got = runPython(LOAD, [file]);
  t.deepEqual(got.big.values.map(Number), [0, 1, 2, 3, 4, 5, 6, 7]);
  t.deepEqual(got.first.values, ['5', '6']);
});

test('corrupt or truncated archives are clear RangeErrors', async (t) => {
  const file = path.join(dir, 'c.npz');
  await writeNpz(file, { a: { data: Uint8Array.from([1, 2, 3]), shape: [3] } });
  const bytes = readFileSync(file);
  const flipped = Uint8Array.from(bytes);
  flipped[bytes.indexOf(Buffer.from([1, 2, 3]))] ^= 0xff;
  t.throws(() => parseNpz(flipped, 'c.npz'), { instanceOf: RangeError, message: 'Expected a matching CRC-32 for a.npy for c.npz but received a mismatch (corrupt data)' });
  t.throws(() => parseNpz(bytes.subarray(0, 60), 'c.npz'), {
    instanceOf: RangeError,
    message: 'Expected a zip archive (end of central directory record) for c.npz but received 60 bytes without one',
  });
  writeFileSync(path.join(dir, 'junk.npz'), 'not a zip');
  await t.throwsAsync(readNpz(path.join(dir, 'junk.npz')), { instanceOf: RangeError });
});

test('writer misuse: duplicate names, unfinished arrays, wrong dtypes', async (t) => {
  const file = path.join(dir, 'bad.npz');
  const npz = await NpzWriter.open(file);
  await npz.add('a', { data: new Float32Array(2), shape: [2] });
  await t.throwsAsync(npz.add('a', { data: new Float32Array(2), shape: [2] }), { instanceOf: RangeError, message: 'Expected a name not yet in the archive for name but received "a"' });
  await t.throwsAsync(npz.begin('x/y', { dtype: '<f4', shape: [1] }), { instanceOf: TypeError, message: 'Expected a non-empty array name without "/" for name but received "x/y"' });
  const e = await npz.begin('b', { dtype: '<f4', shape: [2] });
  await t.throwsAsync(e.write(new Uint8Array(2)), { instanceOf: TypeError, message: "Expected a typed array of dtype '<f4' for chunk.data but received Uint8Array(2)" });
  await e.write(new Float32Array(1));
  await t.throwsAsync(e.end(), { instanceOf: RangeError, message: 'Expected 8 data bytes for b for the written data but received 4' });
  await t.throwsAsync(npz.close(), { message: 'An array was begun but not ended; the archive was discarded' });
  t.false(existsSync(file));
});
