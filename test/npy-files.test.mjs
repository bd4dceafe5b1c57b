// readNpy and readNpySync read files through a handle, header first: they must agree with parseNpy
// on every file, and read files past Node's 2 GiB readFile limit.
import test from 'ava';
import fc from 'fast-check';
import { closeSync, openSync, writeFileSync, writeSync, ftruncateSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, npyHeader, parseNpy, readNpy, readNpySync } from 'coordconv';
import { runs } from './helpers/arbitraries.mjs';

const SEED = 43;

// What parseNpy makes of the bytes: the array, or the error's class and message.
function outcome(read) {
  try {
    const { dtype, shape, data } = read();
    return { dtype, shape, data: Array.from(data, String) };
  } catch (error) {
    return { error: error.constructor.name, message: error.message };
  }
}

const dtypes = ['<f4', '<f8', '|u1', '<i2', '<u4', '<i8'];
const arrays = fc.record({
  dtype: fc.constantFrom(...dtypes),
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
});

test('readNpy and readNpySync equal parseNpy on whole, truncated, extended and corrupted files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'coordconv-npy-'));
  const file = join(dir, 'a.npy');
  try {
    await fc.assert(
      fc.asyncProperty(arrays, fc.nat(), fc.integer({ min: -40, max: 8 }), fc.nat(), fc.nat(255), async ({ dtype, shape }, seed, cut, at, byte) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const header = npyHeader(dtype, shape);
        const size = { '<f4': 4, '<f8': 8, '|u1': 1, '<i2': 2, '<u4': 4, '<i8': 8 }[dtype];
        const bytes = new Uint8Array(header.length + n * size);
        bytes.set(header);
        for (let i = header.length; i < bytes.length; i++) bytes[i] = (seed + i * 37) & 255;
        // A cut < 0 truncates, > 0 appends; a corrupted byte somewhere when `at` lands inside.
        let file_bytes = cut < 0 ? bytes.subarray(0, Math.max(0, bytes.length + cut)) : new Uint8Array([...bytes, ...new Uint8Array(cut)]);
        file_bytes = file_bytes.slice();
        if (at % 3 === 0 && file_bytes.length > 0) file_bytes[at % file_bytes.length] = byte;
        writeFileSync(file, file_bytes);
        const expected = outcome(() => parseNpy(file_bytes, file));
        t.deepEqual(outcome(() => readNpySync(file)), expected);
        const async = await readNpy(file).then((a) => outcome(() => a), (error) => ({ error: error.constructor.name, message: error.message }));
        t.deepEqual(async, expected);
      }),
      { seed: SEED, ...runs(150) },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('big-endian files come back little-endian from a file as from bytes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'coordconv-npy-'));
  try {
    const le = encodeNpy({ data: new Float32Array([1.5, -2, 3e9]), shape: [3] });
    const text = Buffer.from(le).toString('latin1').replace("'<f4'", "'>f4'");
    const be = Buffer.from(text, 'latin1');
    const view = new DataView(be.buffer, be.byteOffset, be.length);
    const start = be.length - 12;
    [1.5, -2, 3e9].forEach((v, i) => view.setFloat32(start + 4 * i, v, false));
    writeFileSync(join(dir, 'be.npy'), be);
    t.deepEqual(Array.from((await readNpy(join(dir, "be.npy"))).data), [1.5, -2, Math.fround(3e9)]);
    t.deepEqual(Array.from(readNpySync(join(dir, 'be.npy')).data), Array.from(parseNpy(be).data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Sparse files: zeros but for a few values written at known offsets, so 4 GiB costs no disk.
function sparseNpy(file, dtype, count, bytesPer, marks) {
  const header = npyHeader(dtype, [count]);
  const fd = openSync(file, 'w');
  writeSync(fd, header, 0, header.length, 0);
  ftruncateSync(fd, header.length + count * bytesPer);
  for (const [index, bytes] of marks) writeSync(fd, bytes, 0, bytes.length, header.length + index * bytesPer);
  closeSync(fd);
}

// The reader is plain JS: once per suite (the avx2 pass, or the only pass of a forced path).
const once = !process.env.COORDCONV_ADDON && [undefined, '', 'avx2', 'neon'].includes(process.env.COORDCONV_SIMD);

// One driver is enough here: both run the same reads (npyReads), and the property test above runs both.
(once ? test : test.skip)('a float32 .npy file of 4 GiB + 16 bytes reads, with each value where it was written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'coordconv-npy-'));
  const file = join(dir, 'big.npy');
  try {
    const count = 2 ** 30 + 4;
    const marks = [[0, 7.5], [2 ** 29 - 1, -11], [2 ** 29, 13.25], [2 ** 30 - 1, 1e30], [count - 1, 17]];
    sparseNpy(file, '<f4', count, 4, marks.map(([i, v]) => [i, new Uint8Array(new Float32Array([v]).buffer)]));
    const a = await readNpy(file);
    t.deepEqual(a.shape, [count]);
    t.true(a.data instanceof Float32Array);
    t.is(a.data.length, count);
    for (const [index, value] of marks) t.is(a.data[index], Math.fround(value));
    t.is(a.data[2 ** 30], 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

(once ? test : test.skip)('an array longer than a typed array can be is a RangeError that says so, before any data is read', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'coordconv-npy-'));
  const file = join(dir, 'long.npy');
  try {
    const count = 2 ** 32 + 1;
    sparseNpy(file, '|u1', count, 1, []);
    const message = `Expected at most ${2 ** 32} elements (the longest typed array this Node.js makes) for ${file} but received shape [${count}] (${count} elements)`;
    t.throws(() => readNpySync(file), { instanceOf: RangeError, message });
    await t.throwsAsync(readNpy(file), { instanceOf: RangeError, message });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
