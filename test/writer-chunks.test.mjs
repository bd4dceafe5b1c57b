// The streaming writers take chunks as { data, shape } like every other call (bare elements too).
import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { H5Writer, NpyWriter, NpzWriter, readH5, readNpy, readNpz } from 'coordconv';

const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-chunks-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const rows = (start, k) => ({ data: Float32Array.from({ length: k * 6 }, (_, i) => start * 6 + i), shape: [k, 2, 3] });
const whole = Float32Array.from({ length: 5 * 6 }, (_, i) => i);

test('NpyWriter, NpzWriter entries and H5Writer datasets take { data, shape } rows, mixed with bare elements', async (t) => {
  const npy = await NpyWriter.open(path.join(dir, 'a.npy'), { dtype: '<f4', shape: [5, 2, 3] });
  await npy.write(rows(0, 2));
  await npy.write(rows(2, 1).data);
  await npy.write(rows(3, 2));
  await npy.close();
  t.deepEqual((await readNpy(path.join(dir, 'a.npy'))).data, whole);

  const npz = await NpzWriter.open(path.join(dir, 'a.npz'));
  const entry = await npz.begin('x', { dtype: '<f4', shape: [5, 2, 3] });
  await entry.write(rows(0, 3));
  await entry.write(rows(3, 2));
  await entry.end();
  await npz.close();
  t.deepEqual((await readNpz(path.join(dir, 'a.npz'))).x.data, whole);

  const h5 = await H5Writer.open(path.join(dir, 'a.h5'));
  const set = await h5.begin('x', { dtype: '<f4', shape: [5, 2, 3] });
  await set.write(rows(0, 4));
  await set.write(rows(4, 1));
  await set.end();
  await h5.close();
  t.deepEqual(Array.from((await readH5(path.join(dir, 'a.h5'))).x.data), Array.from(whole));
});

test('a chunk whose rows are not the array\'s is a RangeError naming both, and the writer leaves no file', async (t) => {
  const file = path.join(dir, 'bad.npy');
  const message = "Expected rows of the array's shape, [k, 2, 3] for chunk.shape but received [1, 3, 2]";
  let w = await NpyWriter.open(file, { dtype: '<f4', shape: [5, 2, 3] });
  await t.throwsAsync(w.write({ data: new Float32Array(6), shape: [1, 3, 2] }), { instanceOf: RangeError, message });
  t.false(existsSync(file));
  t.deepEqual(readdirSync(dir).filter((f) => f.includes('bad')), []);
  w = await NpyWriter.open(file, { dtype: '<f4', shape: [5, 2, 3] });
  await t.throwsAsync(w.write({ data: new Float32Array(5), shape: [1, 2, 3] }), {
    instanceOf: RangeError,
    message: 'Expected 6 elements (the product of shape [1, 2, 3]) for chunk.data but received 5',
  });
  w = await NpyWriter.open(file, { dtype: '<f4', shape: [5, 2, 3] });
  await t.throwsAsync(w.write({ data: new Float32Array(6), shape: [6] }), { instanceOf: RangeError, message: "Expected rows of the array's shape, [k, 2, 3] for chunk.shape but received [6]" });
  t.false(existsSync(file));
});
