// fast-check generators shared by the property tests: shapes, dtypes, hostile values, misaligned
// views and the ways a call can be malformed, with the exact error each malformation must give.
import fc from 'fast-check';
import { SIDES } from './inputs.mjs';

// COORDCONV_PROPERTY_RUNS=n multiplies nothing: it sets every property's run count, so a long
// hunt is `COORDCONV_PROPERTY_RUNS=20000 npm test`. The default keeps a file to seconds per path.
export function runs(defaultRuns) {
  const n = Number(process.env.COORDCONV_PROPERTY_RUNS);
  return { numRuns: Number.isSafeInteger(n) && n > 0 ? n : defaultRuns };
}

// A plane side: mostly one around the vector widths, sometimes any up to 140.
export const side = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SIDES) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 140 }) });

// A plane shape [H, W] with a leading [] / [N] / [N, C], at most `maxElements` elements in all.
export function planeShape(maxElements = 40000) {
  return fc
    .tuple(side, side, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }))
    .map(([h, w, rank, n, c]) => {
      let lead = rank === 0 ? [] : rank === 1 ? [n] : [n, c];
      const width = Math.max(1, Math.min(w, Math.floor(maxElements / h)));
      while (lead.reduce((a, b) => a * b, 1) > 1 && lead.reduce((a, b) => a * b, 1) * h * width > maxElements) lead = lead.map((d) => Math.max(1, d >> 1));
      return [...lead, h, width];
    });
}

const f32 = Math.fround;
// Values that break naive kernels: signed zeros, NaN, infinities, denormals, the float32 limits.
export const HOSTILE_F32 = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754942e-38, 255, 256, 3.4028235e38, -3.4028235e38, f32(1e-7), 16777217];
export const HOSTILE_U8 = [0, 1, 127, 128, 254, 255];

export const f32Value = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_F32) },
  { weight: 2, arbitrary: fc.float({ noDefaultInfinity: false }) },
  { weight: 1, arbitrary: fc.integer({ min: -300, max: 300 }) },
);
export const u8Value = fc.oneof(fc.constantFrom(...HOSTILE_U8), fc.integer({ min: 0, max: 255 }));

// The sizes of a small convolution, to spread into an fc.record: N up to 2, C and O up to 3,
// sides around the vector widths, kernels 1..maxKernel (even ones too).
export const convSizes = (maxKernel) => ({
  n: fc.integer({ min: 1, max: 2 }),
  c: fc.integer({ min: 1, max: 3 }),
  o: fc.integer({ min: 1, max: 3 }),
  h: side,
  w: side,
  kh: fc.integer({ min: 1, max: maxKernel }),
  kw: fc.integer({ min: 1, max: maxKernel }),
});
// A convolution's input values (hostile ones included) and weights, repeated over its tensors.
export const convValues = {
  values: fc.array(f32Value, { minLength: 1, maxLength: 31 }),
  weights: fc.array(fc.oneof(f32Value, fc.constantFrom(0, 1, -1, 0.25)), { minLength: 1, maxLength: 17 }),
};

// How a batch is filled: mostly zeros with a few writes (one-hot, two-hot, hostile pixels), or
// dense, or all one value.
const fill = (value) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('sparse'), writes: fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), value), { maxLength: 12 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('perPlane'), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), value, extra: fc.option(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), value), { freq: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('dense'), seed: fc.array(value, { minLength: 1, maxLength: 97 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('constant'), value }) },
  );

// A Float32Array or Uint8Array batch of planes, possibly a view at a misaligned byte offset.
export function planeBatch(maxElements = 40000, dtypes = ['float32', 'uint8'], shapes = planeShape(maxElements)) {
  return fc
    .record({
      shape: shapes,
      dtype: fc.constantFrom(...dtypes),
      offset: fc.constantFrom(0, 0, 1, 3),
      f32Fill: fill(f32Value),
      u8Fill: fill(u8Value),
    })
    .map(({ shape, dtype, offset, f32Fill, u8Fill }) => {
      const Type = dtype === 'float32' ? Float32Array : Uint8Array;
      const count = shape.reduce((a, b) => a * b, 1);
      const planeSize = shape.at(-1) * shape.at(-2);
      const data = new Type(new ArrayBuffer((count + offset) * Type.BYTES_PER_ELEMENT), offset * Type.BYTES_PER_ELEMENT, count);
      const how = dtype === 'float32' ? f32Fill : u8Fill;
      if (how.kind === 'sparse') for (const [at, v] of how.writes) data[Math.floor(at * count)] = v;
      if (how.kind === 'perPlane') {
        for (let p = 0; p < count / planeSize; p++) {
          data[p * planeSize + Math.floor(how.at * planeSize)] = how.value;
          if (how.extra && p % 2) data[p * planeSize + Math.floor(how.extra[0] * planeSize)] = how.extra[1];
        }
      }
      if (how.kind === 'dense') for (let i = 0; i < count; i++) data[i] = how.seed[i % how.seed.length];
      if (how.kind === 'constant') data.fill(how.value);
      return { data, shape };
    });
}

// An [N, C, H, W] shape for the layout properties: C around the vector widths (4, 8, 16 floats;
// the groups of 4 vectors), at most `maxElements` elements.
export function layoutShape(maxElements = 30000) {
  return fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 80), side, side)
    .map(([n, c, h, w]) => {
      const height = Math.max(1, Math.min(h, Math.floor(maxElements / (n * c))));
      return [n, c, height, Math.max(1, Math.min(w, Math.floor(maxElements / (n * c * height))))];
    });
}

// A byte-for-byte copy, to prove a call never wrote to its input (NaN payloads included).
export const snapshot = (view) => new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
export const bytesOf = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
export const sameBytes = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

// What fn() threw, or null; and whether that is exactly the expected [Type, message].
export const thrown = (fn) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
};
export const isError = (error, [Type, message]) => error instanceof Type && error.message === message;

function detached(Type, n) {
  const buffer = new ArrayBuffer(n * Type.BYTES_PER_ELEMENT);
  const view = new Type(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  return view;
}

const RANKS = 'rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W])';
const list = (shape) => `[${shape.join(', ')}]`;

// One malformation of a valid plane input, and the exact error it must raise. Each one is the
// only thing wrong, so the expected error follows from lib's documented order of checks.
export const planeInputMistake = fc.oneof(
  fc.record({ kind: fc.constant('notObject'), value: fc.constantFrom(null, undefined, 3, 'planes', true) }),
  fc.record({ kind: fc.constant('wrongType'), type: fc.constantFrom(Float64Array, Int8Array, Uint8ClampedArray, Int32Array, Uint16Array, 'array', 'string', 'null') }),
  fc.record({ kind: fc.constant('detached'), type: fc.constantFrom(Float32Array, Uint8Array) }),
  fc.record({ kind: fc.constant('shapeType'), shape: fc.constantFrom(undefined, null, '4x4', 16, [4, '4'], { 0: 4, 1: 4 }) }),
  fc.record({ kind: fc.constant('rank'), rank: fc.constantFrom(0, 1, 5, 6) }),
  fc.record({ kind: fc.constant('badDim'), dim: fc.constantFrom(0, -1, -0, 1.5, NaN, Infinity, 2 ** 53) }),
  fc.record({ kind: fc.constant('tooWide'), dim: fc.constantFrom(2 ** 24 + 1, 2 ** 31, 2 ** 32 + 1, 2 ** 52) }),
  fc.record({ kind: fc.constant('length'), delta: fc.constantFrom(-1, 1, -7, 64) }),
  fc.record({ kind: fc.constant('overflow'), dims: fc.constantFrom([2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20], [2 ** 24, 2 ** 24, 2 ** 24, 2 ** 24], [2 ** 40, 2 ** 10, 2 ** 10, 2 ** 10]) }),
);

const describeType = (v) => `${v.constructor.name}(${v.length})`;

// What decode and peaks add when refusing an untagged Uint16Array (they read tagged ones as float16).
const FLOAT16_HINT = ": a Uint16Array holds float16 bits only with type: 'float16'; pass { data, shape, type: 'float16' }";

// The advice lib/tensor.ts appends to a refused typed array, by its type.
const CONVERT = {
  Float64Array: 'Float32Array.from(data)',
  Int8Array: 'Float32Array.from(data)',
  Int16Array: 'Float32Array.from(data)',
  Int32Array: 'Float32Array.from(data)',
  Uint32Array: 'Float32Array.from(data)',
  Uint8ClampedArray: 'new Uint8Array(data.buffer, data.byteOffset, data.length)',
};

// Applies `mistake` to a valid `input` ({ data, shape }); returns the bad input and its error.
// `float16`: the entry point reads float16 planes (decode, peaks), so a Uint16Array's refusal says how.
// `emptyBatch` (decode and peaks): N and C may be 0, so a 0 is put in W instead.
export function applyMistake(input, mistake, name = 'input', { float16 = false, emptyBatch = false } = {}) {
  const { data, shape } = input;
  const count = shape.reduce((a, b) => a * b, 1);
  switch (mistake.kind) {
    case 'notObject': {
      const shown = mistake.value === null ? 'null' : mistake.value === undefined ? 'undefined' : typeof mistake.value === 'string' ? JSON.stringify(mistake.value) : String(mistake.value);
      return { input: mistake.value, error: [TypeError, `Expected an object { data, shape } for ${name} but received ${shown}`] };
    }
    case 'wrongType': {
      const T = mistake.type;
      const bad = T === 'array' ? [1, 2] : T === 'string' ? 'data' : T === 'null' ? null : new T(count);
      const shown = T === 'array' ? '[1, 2]' : T === 'string' ? '"data"' : T === 'null' ? 'null' : describeType(bad);
      const hint = float16 && T === Uint16Array ? FLOAT16_HINT : '';
      const advice = typeof T === 'function' && CONVERT[T.name] ? ` (convert with ${CONVERT[T.name]})` : '';
      return { input: { data: bad, shape }, error: [TypeError, `Expected a Float32Array or Uint8Array${advice} for ${name}.data but received ${shown}${hint}`] };
    }
    case 'detached':
      return {
        input: { data: detached(mistake.type, count), shape },
        error: [TypeError, `Expected a Float32Array or Uint8Array with an attached buffer for ${name}.data but received a detached ${mistake.type.name}`],
      };
    case 'shapeType': {
      const s = mistake.shape;
      const shown = s === undefined ? 'undefined' : s === null ? 'null' : typeof s === 'string' ? JSON.stringify(s) : typeof s === 'number' ? String(s) : Array.isArray(s) ? 'an Array(2)' : 'an object';
      return { input: { data, shape: s }, error: [TypeError, `Expected an array of numbers for ${name}.shape but received ${shown}`] };
    }
    case 'rank': {
      const s = mistake.rank <= 1 ? [count].slice(0, mistake.rank) : [...Array(mistake.rank - 2).fill(1), ...shape.slice(-2)];
      const fixed = mistake.rank <= 1 ? s : s;
      return { input: { data, shape: fixed }, error: [RangeError, `Expected ${RANKS} for ${name}.shape but received rank ${fixed.length} ${list(fixed)}`] };
    }
    case 'badDim': {
      const s = [...shape];
      s[emptyBatch && mistake.dim === 0 ? s.length - 1 : 0] = mistake.dim;
      const what = emptyBatch ? 'integer dimensions (H and W positive, N and C >= 0)' : 'positive integer dimensions';
      return { input: { data, shape: s }, error: [RangeError, `Expected ${what} for ${name}.shape but received ${list(s)}`] };
    }
    case 'tooWide': {
      const s = [...shape];
      s[s.length - 1] = mistake.dim;
      return { input: { data, shape: s }, error: [RangeError, `Expected height and width at most 16777216 for ${name}.shape but received ${list(s)}`] };
    }
    case 'length': {
      const length = Math.max(0, count + mistake.delta);
      const bad = length === count ? new data.constructor(count + 1) : new data.constructor(length);
      return { input: { data: bad, shape }, error: [RangeError, `Expected ${count} elements (the product of shape ${list(shape)}) for ${name}.data but received ${bad.length}`] };
    }
    case 'overflow': {
      const n = mistake.dims.reduce((a, b) => a * b, 1);
      return { input: { data, shape: mistake.dims }, error: [RangeError, `Expected an element count below 2^53 for ${name}.shape but received ${list(mistake.dims)} (${n} elements)`] };
    }
    default:
      throw new Error(`unknown mistake ${mistake.kind}`);
  }
}

// Options that must be refused, with their exact error, given the function's known keys.
export function optionMistake(keys, enumKey, allowed, keysName = 'options') {
  const quoted = allowed.map((a) => `'${a}'`).join(', ');
  return fc.oneof(
    fc.constantFrom(null, 'exact', 3, [], true).map((value) => ({
      options: value,
      error: [TypeError, `Expected an options object for options but received ${value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? '[]' : String(value)}`],
    })),
    fc.constantFrom('methd', 'threads', 'Method', 'out ', '__proto__x').map((key) => ({
      options: { [key]: 1 },
      error: [TypeError, `Expected only the keys ${keys.join(', ')} for ${keysName} but received key ${JSON.stringify(key)}`],
    })),
    fc.constantFrom('magic', '', 'EXACT', 1, null).map((value) => ({
      options: { [enumKey]: value },
      error: [TypeError, `Expected one of ${quoted} for options.${enumKey} but received ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`],
    })),
  );
}
