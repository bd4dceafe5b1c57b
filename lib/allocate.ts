// Typed arrays over memory the library owns (binding/library_memory.h): the zero-copy input and
// output arrays of the async calls.
import { addon } from './addon';
import { rangeError, typeError } from './errors';
import { readInteger } from './validate';

export type AllocateDtype = 'float32' | 'float16' | 'uint8' | 'uint32';

interface ArrayTypes {
  float32: Float32Array;
  float16: Uint16Array;
  uint8: Uint8Array;
  uint32: Uint32Array;
}

const TYPES = {
  float32: Float32Array,
  float16: Uint16Array,
  uint8: Uint8Array,
  uint32: Uint32Array,
} as const;

export const ALLOCATE_DTYPES: readonly AllocateDtype[] = Object.freeze(Object.keys(TYPES) as AllocateDtype[]);

// The buffers allocate made: lib/call.ts leaves them where they are under transfer: true, since
// the binding uses them in place anyway (and a structuredClone of one would copy it).
const libraryBuffers = new WeakSet<ArrayBufferLike>();

export function isLibraryBuffer(buffer: ArrayBufferLike): boolean {
  return libraryBuffers.has(buffer);
}

/**
 * A zero-filled typed array of `length` elements over memory the library owns. The async calls
 * (decode, peaks, decodeSimcc, sample, decodeBoxes, mergeFlipped, encode, conv2d, coordConv2d) read
 * such an input and write such an `out` array in place: no copy on the calling thread, nothing
 * moved, and the array stays the caller's throughout, to reuse for the next batch. The memory
 * lives while any ArrayBuffer over it or any call using it does, so transferring the buffer,
 * dropping it or ending the thread that holds it while a call runs frees nothing under the call.
 * Fill it the way the model runtime allows: onnxruntime-node writes outputs into pre-allocated
 * tensors (`new ort.Tensor('float32', array, dims)` in the fetches), tfjs copies with `array.set`.
 * 'float16' gives a Uint16Array of IEEE half bits (pass `dtype: 'float16'` with it).
 * @example const heatmaps = allocate('float32', 64 * 17 * 64 * 48)
 * @example await decode({ data: heatmaps, shape: [64, 17, 64, 48] }) // read in place
 */
export function allocate<D extends AllocateDtype>(dtype: D, length: number): ArrayTypes[D] {
  // A TypeError, as every other option naming one of a set of strings gives (readEnum).
  if (!(ALLOCATE_DTYPES as readonly unknown[]).includes(dtype)) {
    throw typeError(`one of ${ALLOCATE_DTYPES.map((d) => `'${d}'`).join(', ')}`, 'dtype', dtype);
  }
  const Type = TYPES[dtype] as unknown as { new (buffer: ArrayBuffer | number): ArrayTypes[D]; BYTES_PER_ELEMENT: number };
  const max = Math.floor(Number.MAX_SAFE_INTEGER / Type.BYTES_PER_ELEMENT);
  const n = readInteger(length, 'length', undefined, 0, max, `an integer from 0 to ${max}`);
  if (n === 0) return new Type(0);
  const buffer = addon._allocate(n * Type.BYTES_PER_ELEMENT);
  let array: ArrayTypes[D];
  try {
    array = new Type(buffer);
  } catch {
    throw rangeError('a length a typed array can have', 'length', String(n));
  }
  libraryBuffers.add(buffer);
  return array;
}
