// The internal read-only sweep that bench/ times as the memory roofline. It is not public API, so
// this file reaches the addon through lib's loader (which honours COORDCONV_ADDON, so the
// sanitizer run covers it too). Reference: a plain JS OR over the same bytes.
import test from 'ava';
import { addon } from '../dist/addon.js';
import { simd } from 'coordconv';
import { SIDES } from './helpers/inputs.mjs';

const bytesOf = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
const orOf = (view) => bytesOf(view).reduce((a, b) => a | b, 0);

// Views whose neighbouring bytes (before and after) are all 0xFF, so a read outside the view shows.
function guarded(Type, length, offsetBytes) {
  const size = Type.BYTES_PER_ELEMENT;
  const buffer = new ArrayBuffer(offsetBytes + length * size + 64);
  new Uint8Array(buffer).fill(0xff);
  const view = new Type(buffer, offsetBytes, length);
  bytesOf(view).fill(0);
  return view;
}

// The empty view, the sides around the vector widths, and lengths around and past the sweep's
// unrolled blocks (128 bytes on AVX2, 256 on AVX-512).
const lengths = [0, ...SIDES, 255, 256, 257, 1021, 4099];

test('the active path is the forced one', (t) => {
  if (process.env.COORDCONV_SIMD) t.is(simd().active, process.env.COORDCONV_SIMD);
  else t.pass();
});

test('sweep reads every byte of a Uint8Array view, and none outside it', (t) => {
  for (const offset of [0, 1, 3]) {
    for (const n of lengths) {
      for (const threads of [1, 2, 5]) {
        const v = guarded(Uint8Array, n, offset);
        t.is(addon._sweep({ data: v, threads }), 0, `zeros n=${n} offset=${offset}`);
        // A distinct bit at each position in turn: the result is that bit, wherever it sits.
        for (const at of new Set([0, n >> 1, n - 1].filter((i) => i >= 0 && i < n))) {
          v.fill(0);
          v[at] = 1 << (at % 8);
          t.is(addon._sweep({ data: v, threads }), orOf(v), `n=${n} at=${at} offset=${offset} threads=${threads}`);
        }
      }
    }
  }
});

test('sweep covers the bytes of a Float32Array view', (t) => {
  for (const n of lengths) {
    const v = guarded(Float32Array, n, 4);
    for (let i = 0; i < n; ++i) v[i] = i % 3 === 0 ? 1 : 0;  // 1.0f = bytes 00 00 80 3f
    t.is(addon._sweep({ data: v, threads: 2 }), orOf(v), `n=${n}`);
    if (n > 0) {
      v.fill(0);
      v[n - 1] = -0;  // only the sign bit of the last byte
      t.is(addon._sweep({ data: v, threads: 2 }), 0x80, `n=${n}`);
    }
  }
});

test('sweep over a large buffer split across threads finds a single set byte anywhere', (t) => {
  const n = (1 << 20) + 13;
  const v = new Uint8Array(n);
  for (const at of [0, 4095, 4096, n >> 1, (n >> 1) + 1, n - 64, n - 1]) {
    v.fill(0);
    v[at] = 0x20;
    for (const threads of [1, 2, 3, 64]) t.is(addon._sweep({ data: v, threads }), 0x20, `at=${at} threads=${threads}`);
  }
});
