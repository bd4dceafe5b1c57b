import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseNpy, encodeNpy, readNpy, readNpySync, writeNpy, NpyWriter } from 'coordconv';
import { hasNumpy, missingNote, runPython } from './helpers/python.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-npy-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const numpyTest = hasNumpy ? test : test.skip;
if (!hasNumpy) console.log(`# SKIP NumPy cross-checks: ${missingNote('numpy')}`);

// NumPy reads each file and reports dtype, shape and values (floats as exact repr strings).
const LOAD = `
import sys, json, numpy as np
out = []
for f in sys.argv[1:]:
    a = np.load(f)
    vals = [repr(float(v)) if a.dtype.kind == 'f' else str(int(v)) for v in a.ravel()]
    out.append({'dtype': a.dtype.str, 'shape': list(a.shape), 'values': vals, 'c': bool(a.flags.c_contiguous)})
print(json.dumps(out))
`;

const cases = [
  { name: 'f4', data: Float32Array.from([0, -1.5, 3.25, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38]), shape: [2, 4], dtype: '<f4' },
  { name: 'f8', data: Float64Array.from([0.1, -0, 5e-324, 1 / 3]), shape: [4], dtype: '<f8' },
  { name: 'u1', data: Uint8Array.from([0, 1, 128, 255, 7, 9]), shape: [1, 2, 3], dtype: '|u1' },
  { name: 'i4', data: Int32Array.from([-2147483648, 2147483647, 0]), shape: [3, 1], dtype: '<i4' },
  { name: 'i8', data: BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n]), shape: [2], dtype: '<i8' },
  { name: 'b1', data: Uint8Array.from([1, 0, 1]), shape: [3], dtype: '|b1' },
  { name: 'empty', data: new Float32Array(0), shape: [0, 5], dtype: '<f4' },
  { name: 'scalar', data: Float32Array.from([2.5]), shape: [], dtype: '<f4' },
];
const pyFloat = (v) => (typeof v === 'string' ? { inf: Infinity, '-inf': -Infinity, nan: NaN }[v] ?? Number(v) : v);
const show = (data) => [...data].map((v) => (typeof v === 'bigint' ? Number(v) : v));

numpyTest('np.load reads what writeNpy writes: dtype, shape and values', async (t) => {
  const files = [];
  for (const c of cases) {
    const file = path.join(dir, `${c.name}.npy`);
    await writeNpy(file, { data: c.data, shape: c.shape, dtype: c.dtype });
    files.push(file);
  }
  const loaded = runPython(LOAD, files);
  loaded.forEach((got, i) => {
    const c = cases[i];
    t.is(got.dtype, c.dtype, c.name);
    t.deepEqual(got.shape, c.shape, c.name);
    t.true(got.c);
    if (c.dtype === '<i8') t.deepEqual(got.values.map(BigInt), [...c.data], c.name);
    else t.deepEqual(got.values.map(pyFloat), show(c.data), c.name);
  });
  // Data starts on a 64-byte boundary, version 1.0.
  const bytes = readFileSync(files[0]);
  t.is(bytes[6], 1);
  t.is((10 + bytes.readUInt16LE(8)) % 64, 0);
});

numpyTest('reads what NumPy writes: big-endian, int64, bool, version 2.0 and 3.0 headers', (t) => {
  const made = runPython(
    `
import sys, json, numpy as np
d = sys.argv[1]
arrays = {
  'be_f4': np.arange(6, dtype='>f4').reshape(2, 3) / 4,
  'be_i4': np.array([-5, 7, 1 << 30], dtype='>i4'),
  'i8': np.array([-(1 << 62), 3, 1 << 53], dtype='<i8'),
  'u2': np.array([[1, 65535]], dtype='<u2'),
  'b1': np.array([True, False, True]),
  'f8': np.linspace(0, 1, 7),
  'i1': np.array([-128, 127], dtype='i1'),
}
for k, a in arrays.items():
    np.save(d + '/' + k + '.npy', a)
with open(d + '/v2.npy', 'wb') as f:
    np.lib.format.write_array(f, np.arange(12, dtype='<f4').reshape(3, 4), version=(2, 0))
with open(d + '/v3.npy', 'wb') as f:
    np.lib.format.write_array(f, np.arange(3, dtype='|u1'), version=(3, 0))
arrays['v2'] = np.arange(12, dtype='<f4').reshape(3, 4)
arrays['v3'] = np.arange(3, dtype='|u1')
print(json.dumps({k: {'shape': list(a.shape), 'values': [repr(float(v)) if a.dtype.kind == 'f' else str(int(v)) for v in a.ravel()]} for k, a in arrays.items()}))
`,
    [dir],
  );
  const expectDtype = { be_f4: '<f4', be_i4: '<i4', i8: '<i8', u2: '<u2', b1: '|b1', f8: '<f8', i1: '|i1', v2: '<f4', v3: '|u1' };
  for (const [name, want] of Object.entries(made)) {
    const got = readNpySync(path.join(dir, `${name}.npy`));
    t.is(got.dtype, expectDtype[name], name);
    t.deepEqual(got.shape, want.shape, name);
    if (name === 'i8') t.deepEqual([...got.data], want.values.map(BigInt), name);
    else t.deepEqual(show(got.data), want.values.map(pyFloat), name);
  }
});

numpyTest('NpyWriter streams chunks of rows into one file NumPy reads', async (t) => {
  const file = path.join(dir, 'stream.npy');
  const w = await NpyWriter.open(file, { dtype: '|u1', shape: [5, 3] });
  await w.write(Uint8Array.from([1, 2, 3, 4, 5, 6]));
  await w.write(Uint8Array.from([7, 8, 9]));
  t.false(existsSync(file), 'nothing under the real name before close');
  await w.write(Uint8Array.from([10, 11, 12, 13, 14, 15]));
  await w.close();
  const [got] = runPython(LOAD, [file]);
  t.deepEqual(got.shape, [5, 3]);
  t.deepEqual(got.values.map(Number), Array.from({ length: 15 }, (_, i) => i + 1));
});

test('parseNpy round-trips encodeNpy, also from a misaligned view', (t) => {
  const data = Float32Array.from({ length: 33 }, (_, i) => i * 0.5 - 3);
  const bytes = encodeNpy({ data, shape: [3, 11] });
  const shifted = new Uint8Array(bytes.byteLength + 1);
  shifted.set(bytes, 1);
  for (const view of [bytes, shifted.subarray(1)]) {
    const got = parseNpy(view);
    t.is(got.dtype, '<f4');
    t.deepEqual(got.shape, [3, 11]);
    t.deepEqual(got.data, data);
  }
});

test('truncated, lying or unsupported headers are clear RangeErrors', (t) => {
  const good = encodeNpy({ data: new Float32Array(12), shape: [3, 4] });
  t.throws(() => parseNpy(good.subarray(0, good.byteLength - 4), 'a.npy'), {
    instanceOf: RangeError,
    message: "Expected 48 data bytes (shape [3, 4] of '<f4') for a.npy but received 44 (truncated)",
  });
  t.throws(() => parseNpy(good.subarray(0, 40), 'a.npy'), {
    instanceOf: RangeError,
    message: 'Expected a header of 118 bytes after the 10-byte prefix for a.npy but received a file of 40 bytes (truncated)',
  });
  t.throws(() => parseNpy(good.subarray(0, 5), 'a.npy'), {
    instanceOf: RangeError,
    message: 'Expected a .npy file (magic \\x93NUMPY) for a.npy but received 5 bytes',
  });
  t.throws(() => parseNpy(new TextEncoder().encode('PK\x03\x04 this is a zip file'), 'a.npy'), {
    instanceOf: RangeError,
    message: 'Expected a .npy file (magic \\x93NUMPY) for a.npy but received other bytes',
  });
  const lie = (dict, data = new Uint8Array(0)) => {
    const text = new TextEncoder().encode(dict + '\n');
    const out = new Uint8Array(10 + text.length + data.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(out.buffer).setUint16(8, text.length, true);
    out.set(text, 10);
    out.set(data, 10 + text.length);
    return out;
  };
  t.throws(() => parseNpy(lie("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new Uint8Array(20)), 'a.npy'), {
    instanceOf: RangeError,
    message: "Expected 16 data bytes (shape [2, 2] of '<f4') for a.npy but received 20",
  });
  t.throws(() => parseNpy(lie("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", new Uint8Array(8)), 'a.npy'), {
    instanceOf: RangeError,
    message: 'Expected C order (fortran_order False) for a.npy but received fortran_order true',
  });
  t.throws(() => parseNpy(lie("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"), 'a.npy'), {
    instanceOf: RangeError,
    message: `Expected a .npy header dict (a string, True, False or a tuple) for a.npy but received "{'descr': [('a', '<f4')], 'fortran_order..."`,
  });
  t.throws(() => parseNpy(lie("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), 'a.npy'), {
    instanceOf: RangeError,
    message: `Expected a simple dtype (one of <f4, <f8, |u1, |b1, |i1, <i2, <u2, <i4, <u4, <i8, <u8) for a.npy but received descr "<c8"`,
  });
  t.throws(() => parseNpy(lie("{'descr': '<f4', 'fortran_order': False, 'shape': (2,-1), }"), 'a.npy'), { instanceOf: RangeError });
  t.throws(() => parseNpy(lie("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999,99999999,), }"), 'a.npy'), {
    instanceOf: RangeError,
  });
});

test('writer input errors; a failed stream leaves no file behind', async (t) => {
  await t.throwsAsync(writeNpy(path.join(dir, 'x.npy'), { data: new Float32Array(5), shape: [2, 3] }), {
    instanceOf: RangeError,
    message: 'Expected 6 elements (the product of shape [2, 3]) for array.data but received 5',
  });
  await t.throwsAsync(writeNpy(path.join(dir, 'x.npy'), { data: new Float32Array(6), shape: [6], dtype: '<f8' }), {
    instanceOf: TypeError,
    message: "Expected a Float64Array for dtype '<f8' for array.data but received Float32Array(6)",
  });
  await t.throwsAsync(writeNpy(path.join(dir, 'x.npy'), { data: [1, 2], shape: [2] }), {
    instanceOf: TypeError,
    message: 'Expected a typed array (not Float16Array, Uint8ClampedArray or DataView) for array.data but received [1, 2]',
  });
  const file = path.join(dir, 'short.npy');
  const w = await NpyWriter.open(file, { dtype: '<f4', shape: [4] });
  await w.write(new Float32Array(3));
  await t.throwsAsync(w.close(), { instanceOf: RangeError, message: 'Expected 4 elements (shape [4]) for the written data but received 3' });
  const w2 = await NpyWriter.open(file, { dtype: '<f4', shape: [2] });
  await t.throwsAsync(w2.write(new Float32Array(3)), { instanceOf: RangeError, message: 'Expected at most 2 more elements (shape [2]) for chunk.data but received 3' });
  t.false(existsSync(file));
  t.deepEqual(readdirSync(dir).filter((f) => f.includes('short')), [], 'no temporary file left');
  await t.throwsAsync(readNpy(path.join(dir, 'missing.npy')), { code: 'ENOENT' });
});

test('a failed write keeps the previous file intact', async (t) => {
  const file = path.join(dir, 'keep.npy');
  writeFileSync(file, encodeNpy({ data: Uint8Array.from([9, 9]), shape: [2] }));
  const w = await NpyWriter.open(file, { dtype: '|u1', shape: [3] });
  await w.write(Uint8Array.from([1]));
  await w.abort();
  t.deepEqual([...readNpySync(file).data], [9, 9]);
});
