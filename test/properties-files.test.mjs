// Property-based tests of the file readers parseNpy and parseNpz: random arrays of every dtype and
// rank round-trip through encodeNpy / writeNpz with values, dtype and shape preserved; corrupted
// bytes (truncations, byte flips in the header, lying shapes) give either a consistent parse or the
// documented RangeError / TypeError, never another exception; the bytes are never modified.
import test from 'ava';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, parseNpy, parseNpz, readNpz, writeNpz } from 'coordconv';
import { bytesOf, runs, sameBytes } from './helpers/arbitraries.mjs';

const SEED = 42;

const DTYPES = {
  '<f4': Float32Array, '<f8': Float64Array, '|u1': Uint8Array, '|i1': Int8Array, '|b1': Uint8Array, '<i2': Int16Array,
  '<u2': Uint16Array, '<i4': Int32Array, '<u4': Uint32Array, '<i8': BigInt64Array, '<u8': BigUint64Array,
};

// A random array: rank 0..4, dimensions 0..5 (empty arrays too), random bytes reinterpreted in the
// dtype (so NaN payloads, infinities and denormals appear), '|b1' holding 0/1 only.
const npyArray = fc
  .record({
    dtype: fc.constantFrom(...Object.keys(DTYPES)),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
    bytes: fc.uint8Array({ minLength: 8, maxLength: 64 }),
  })
  .map(({ dtype, shape, bytes }) => {
    const Type = DTYPES[dtype];
    const n = shape.reduce((a, b) => a * b, 1);
    const raw = new Uint8Array(n * Type.BYTES_PER_ELEMENT);
    for (let i = 0; i < raw.length; i++) raw[i] = dtype === '|b1' ? bytes[i % bytes.length] & 1 : bytes[(i * 7) % bytes.length] ^ (i & 0xff);
    return { dtype, shape, data: new Type(raw.buffer) };
  });

const equalArray = (got, want) =>
  got.dtype === want.dtype &&
  JSON.stringify(got.shape) === JSON.stringify(want.shape) &&
  got.data instanceof DTYPES[want.dtype] &&
  sameBytes(bytesOf(got.data), bytesOf(want.data));

// A parse result is self-consistent: a known dtype, non-negative integer dims, data of that product.
const consistent = (a) =>
  a !== null && typeof a === 'object' && a.data instanceof DTYPES[a.dtype] && Array.isArray(a.shape) &&
  a.shape.every((d) => Number.isSafeInteger(d) && d >= 0) && a.data.length === a.shape.reduce((x, y) => x * y, 1);

// Either a consistent parse or a documented RangeError / TypeError; the bytes never change.
function parsesOrRefuses(parse, bytes, check) {
  const before = bytes.slice();
  let ok;
  try {
    ok = check(parse(bytes));
  } catch (error) {
    ok = (error instanceof RangeError || error instanceof TypeError) && error.message.startsWith('Expected ');
    if (!ok) console.error(error);
  }
  return ok && sameBytes(bytes, before);
}

test('parseNpy(encodeNpy(a)) equals a: values (bit for bit), dtype and shape, also from a misaligned copy', (t) => {
  fc.assert(
    fc.property(npyArray, fc.constantFrom(0, 1, 3), (a, offset) => {
      const file = encodeNpy(a);
      const shifted = new Uint8Array(file.length + offset).subarray(offset);
      shifted.set(file);
      return equalArray(parseNpy(file), a) && equalArray(parseNpy(shifted), a);
    }),
    { seed: SEED, ...runs(300) },
  );
  t.pass();
});

// Corruptions of an encoded .npy: truncation, byte flips in the first 128 bytes (magic, version,
// header length, header dict), and a header whose shape lies about the element count.
const corruption = fc.oneof(
  fc.record({ kind: fc.constant('truncate'), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip'), flips: fc.array(fc.tuple(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('lie'), dims: fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(2 ** 31, 2 ** 32 + 1, 2 ** 53, 2 ** 64)), { maxLength: 4 }) }),
);

function corrupt(file, c) {
  if (c.kind === 'truncate') return file.slice(0, Math.floor(c.at * file.length));
  if (c.kind === 'flip') {
    const out = file.slice();
    for (const [at, x] of c.flips) if (at < out.length) out[at] ^= x;
    return out;
  }
  const text = new TextDecoder('latin1').decode(file);
  const dims = c.dims.map((d) => (d > Number.MAX_SAFE_INTEGER ? BigInt(d).toString() : String(d)));
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  const lied = text.replace(/'shape': \([^)]*\)/, `'shape': ${shape}`);
  return Uint8Array.from(lied, (ch) => ch.charCodeAt(0));
}

test('parseNpy on corrupted bytes: a consistent parse or the documented RangeError / TypeError, bytes untouched', (t) => {
  fc.assert(
    fc.property(npyArray, corruption, (a, c) => parsesOrRefuses(parseNpy, corrupt(encodeNpy(a), c), consistent)),
    { seed: SEED, ...runs(400) },
  );
  t.pass();
});

test('parseNpy refuses what is not a Uint8Array with the documented TypeError', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 10 }), fc.constant(new Int8Array(4))), (value) => {
      try {
        parseNpy(value);
      } catch (error) {
        return error instanceof TypeError && error.message.startsWith('Expected a Uint8Array for the .npy file but received ');
      }
      return false;
    }),
    { seed: SEED, ...runs(50) },
  );
  t.pass();
});

const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/), { minLength: 1, maxLength: 4 });

test('parseNpz of a writeNpz archive returns every array (values, dtype, shape); corrupted archives parse consistently or throw the documented errors', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'coordconv-props-'));
  try {
    await fc.assert(
      fc.asyncProperty(names, fc.array(npyArray, { minLength: 4, maxLength: 4 }), fc.boolean(), corruption, async (keys, arrays, zip64, c) => {
        const entries = Object.fromEntries(keys.map((k, i) => [k, arrays[i]]));
        const file = join(dir, 'a.npz');
        await writeNpz(file, entries, { zip64 });
        const bytes = new Uint8Array(await readFile(file));
        const got = parseNpz(bytes);
        if (JSON.stringify(Object.keys(got).sort()) !== JSON.stringify([...keys].sort())) return false;
        if (!keys.every((k) => equalArray(got[k], entries[k]))) return false;
        // Corrupt the archive: truncation, flips anywhere (scaled to the file), or flips in the tail.
        let bad;
        if (c.kind === 'flip') {
          bad = bytes.slice();
          for (const [at, x] of c.flips) bad[Math.floor((at / 128) * bad.length)] ^= x;
        } else if (c.kind === 'truncate') {
          bad = bytes.slice(0, Math.floor(c.at * bytes.length));
        } else {
          bad = bytes.slice();
          for (let i = 0; i < c.dims.length; i++) bad[bad.length - 1 - ((c.dims[i] * 7) % 22)] ^= 0x5a;
        }
        if (!parsesOrRefuses(parseNpz, bad, (r) => r !== null && typeof r === 'object' && Object.values(r).every(consistent))) return false;
        // readNpz reads the same archive from a file by offsets (tail, directory, members): the same
        // arrays, or a RangeError where parseNpz refuses.
        const badFile = join(dir, 'bad.npz');
        await writeFile(badFile, bad);
        const outcome = (f) => f().then((r) => ({ r }), (e) => ({ e }));
        const [inMemory, fromFile] = [await outcome(async () => parseNpz(bad)), await outcome(() => readNpz(badFile))];
        if (inMemory.e || fromFile.e) return fromFile.e instanceof RangeError && inMemory.e instanceof RangeError;
        const names = Object.keys(inMemory.r).sort();
        return JSON.stringify(Object.keys(fromFile.r).sort()) === JSON.stringify(names) && names.every((k) => equalArray(fromFile.r[k], inMemory.r[k]));
      }),
      { seed: SEED, ...runs(80) },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  t.pass();
});

// Regressions the corruption property found: parseNpz read past the end of its DataView (a plain
// "Offset is outside the bounds of the DataView") when a central directory entry's extra-field
// length ran past the file, and let zlib's own Error through for a bad deflate stream.
test('parseNpz: an extra field past the end, or a stored entry relabelled deflated, is the documented RangeError', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'coordconv-props-'));
  try {
    const file = join(dir, 'a.npz');
    await writeNpz(file, { a: { data: new Float32Array([1, 2, 3]), shape: [3] } });
    const bytes = new Uint8Array(await readFile(file));
    const v = new DataView(bytes.buffer);
    let cd = bytes.length - 22;
    while (v.getUint32(cd, true) !== 0x02014b50) cd--;
    const long = bytes.slice();
    new DataView(long.buffer).setUint16(cd + 30, 0xffff, true);
    const e1 = t.throws(() => parseNpz(long), { instanceOf: RangeError });
    t.true(e1.message.startsWith('Expected a central directory entry inside the file for the .npz file but received '), e1.message);
    const deflated = bytes.slice();
    new DataView(deflated.buffer).setUint16(cd + 10, 8, true);
    deflated[30 + v.getUint16(26, true) + v.getUint16(28, true)] = 0x07; // final block of the reserved type 3
    t.throws(() => parseNpz(deflated), { instanceOf: RangeError, message: 'Expected a valid deflate stream for a.npy for the .npz file but received invalid block type' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
