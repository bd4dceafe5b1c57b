// TensorFlow.js tensors passed directly: a float32 tf.Tensor decodes and finds peaks as its
// { data: dataSync(), shape } does (references: the plain JS decoders); int32 and bool tensors are
// refused with the cast to make. Uses tfjs-core with its CPU backend (the Tensor class of @tensorflow/tfjs).
import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { decode, decodeSync, peaksSync } from 'coordconv';
import { decodeArgmaxRef, peaksImageRef } from './helpers/decode-ref.mjs';
import { planesOf, rng } from './helpers/inputs.mjs';

test.before(async () => {
  await tf.setBackend('cpu');
});

test('a float32 tf.Tensor decodes like the reference, sync and async', async (t) => {
  const random = rng(11);
  const [n, c, h, w] = [2, 3, 8, 9];
  const values = new Float32Array(n * c * h * w).map(() => random() - 0.2);
  const tensor = tf.tensor(values, [n, c, h, w]);
  t.teardown(() => tensor.dispose());
  const sync = decodeSync(tensor);
  const viaAsync = await decode(tensor);
  t.deepEqual(sync.shape, [n, c]);
  planesOf(values, h, w).forEach((plane, p) => {
    const ref = decodeArgmaxRef(plane, h, w);
    t.deepEqual([sync.coords[2 * p], sync.coords[2 * p + 1], sync.valid[p]], [ref.x, ref.y, ref.valid]);
    t.deepEqual([viaAsync.coords[2 * p], viaAsync.coords[2 * p + 1]], [ref.x, ref.y]);
  });
  const image = peaksSync(tensor, { k: 4, over: 'image' });
  const ref = peaksImageRef(planesOf(values, h, w).slice(0, c), h, w, { k: 4 });
  t.deepEqual([...image.channels.subarray(0, 4)], ref.channels);
});

test('int32 and bool tensors are refused with the cast to make; a cast one is read', (t) => {
  const ints = tf.tensor([0, 0, 3, 0], [2, 2], 'int32');
  const bools = tf.tensor([0, 1, 0, 0], [2, 2], 'bool');
  t.teardown(() => tf.dispose([ints, bools]));
  const message = (dtype) => `Expected a tfjs Tensor of dtype 'float32' (cast it with tf.cast(tensor, 'float32')) for input.dtype but received "${dtype}"`;
  t.throws(() => decodeSync(ints), { instanceOf: TypeError, message: message('int32') });
  t.throws(() => peaksSync(bools), { instanceOf: TypeError, message: message('bool') });
  const cast = tf.cast(ints, 'float32');
  t.teardown(() => cast.dispose());
  t.deepEqual([...decodeSync(cast).coords], [0, 1]);
});

test('an empty batch tensor and a tensor of the wrong rank', (t) => {
  const empty = tf.zeros([0, 17, 4, 4]);
  const flat = tf.zeros([16]);
  t.teardown(() => tf.dispose([empty, flat]));
  t.deepEqual(decodeSync(empty).shape, [0, 17]);
  t.throws(() => decodeSync(flat), {
    instanceOf: RangeError,
    message: 'Expected rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W]) for input.shape but received rank 1 [16]',
  });
});

test('an object with the same interface (shape, dtype, dataSync) is read alike', (t) => {
  const data = new Float32Array([0, 0, 0, 2, 0, 0]);
  const like = { shape: [2, 3], dtype: 'float32', dataSync: () => data };
  t.deepEqual([...decodeSync(like).coords], [0, 1]);
  t.throws(() => decodeSync({ shape: [2, 3], dtype: 'float32', dataSync: () => [0, 0, 0, 2, 0, 0] }), {
    instanceOf: TypeError,
    message: 'Expected a typed array from dataSync() for input.dataSync() but received [0, 0, 0, 2, 0, 0]',
  });
  t.throws(() => decodeSync({ shape: [2, 3], dtype: 'float32', dataSync: () => new Float32Array(5) }), {
    instanceOf: RangeError,
    message: 'Expected 6 elements (the product of shape [2, 3]) for input.dataSync() but received 5',
  });
});
