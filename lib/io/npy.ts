// NumPy's .npy format (versions 1.0, 2.0 and 3.0 read; 1.0, or 2.0 when the header needs it, written).
// C order only. https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import { describe, rangeError, typeError } from '../errors';
import { formatShape } from '../validate';
import { AtomicFile } from './atomic';

/**
 * Element types read and written: little-endian floats and integers, bytes and bools. Big-endian
 * files (`'>f4'`, ...) are read too and come back as the little-endian dtype, byte-swapped.
 */
export type NpyDtype = '<f4' | '<f8' | '|u1' | '|i1' | '|b1' | '<i2' | '<u2' | '<i4' | '<u4' | '<i8' | '<u8';

export type NpyData =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** An array as stored in a .npy file: flat `data` in C (row-major) order, `shape` its dimensions. */
export interface NpyArray<D extends NpyData = NpyData> {
  dtype: NpyDtype;
  shape: number[];
  data: D;
}

/** What to write: `dtype` defaults to the typed array's own (`'<f4'` for Float32Array, ...). */
export interface NpyInput<D extends NpyData = NpyData> {
  data: D;
  shape: readonly number[];
  /** Default: the typed array's natural dtype; `'|b1'` may be given for a Uint8Array of 0/1. @example '|b1' */
  dtype?: NpyDtype;
}

interface DtypeInfo {
  size: number;
  make: (buffer: ArrayBuffer, offset: number, length: number) => NpyData;
  ctor: string;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  '<f4': { size: 4, make: (b, o, n) => new Float32Array(b, o, n), ctor: 'Float32Array' },
  '<f8': { size: 8, make: (b, o, n) => new Float64Array(b, o, n), ctor: 'Float64Array' },
  '|u1': { size: 1, make: (b, o, n) => new Uint8Array(b, o, n), ctor: 'Uint8Array' },
  '|b1': { size: 1, make: (b, o, n) => new Uint8Array(b, o, n), ctor: 'Uint8Array' },
  '|i1': { size: 1, make: (b, o, n) => new Int8Array(b, o, n), ctor: 'Int8Array' },
  '<i2': { size: 2, make: (b, o, n) => new Int16Array(b, o, n), ctor: 'Int16Array' },
  '<u2': { size: 2, make: (b, o, n) => new Uint16Array(b, o, n), ctor: 'Uint16Array' },
  '<i4': { size: 4, make: (b, o, n) => new Int32Array(b, o, n), ctor: 'Int32Array' },
  '<u4': { size: 4, make: (b, o, n) => new Uint32Array(b, o, n), ctor: 'Uint32Array' },
  '<i8': { size: 8, make: (b, o, n) => new BigInt64Array(b, o, n), ctor: 'BigInt64Array' },
  '<u8': { size: 8, make: (b, o, n) => new BigUint64Array(b, o, n), ctor: 'BigUint64Array' },
};

export const NPY_DTYPES = Object.keys(DTYPES) as NpyDtype[];

const NATURAL: Record<string, NpyDtype> = {
  Float32Array: '<f4',
  Float64Array: '<f8',
  Uint8Array: '|u1',
  Int8Array: '|i1',
  Int16Array: '<i2',
  Uint16Array: '<u2',
  Int32Array: '<i4',
  Uint32Array: '<u4',
  BigInt64Array: '<i8',
  BigUint64Array: '<u8',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The element size in bytes of a dtype. */
export const npyItemSize = (dtype: NpyDtype): number => DTYPES[dtype].size;

/** The natural dtype of a typed array, or undefined for an unsupported one. */
export function npyDtypeOf(data: unknown): NpyDtype | undefined {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) return undefined;
  return NATURAL[data.constructor.name];
}

/** An empty typed array of the dtype's natural type. */
export function emptyArray(dtype: NpyDtype): NpyData {
  return DTYPES[dtype].make(new ArrayBuffer(0), 0, 0);
}

/** Adds a whole in-memory array to a writer of named arrays (.npz entries, .h5 datasets) as one begin/write/end. */
export async function writeWhole(
  writer: { begin(name: string, spec: { dtype: NpyDtype; shape: readonly number[] }): Promise<{ write(data: NpyData): Promise<void>; end(): Promise<void> }> },
  name: string,
  array: NpyInput,
): Promise<void> {
  const natural = npyDtypeOf(array?.data);
  if (natural === undefined) throw typeError('a typed array', `${name}.data`, array?.data);
  const part = await writer.begin(name, { dtype: array.dtype ?? natural, shape: array.shape });
  await part.write(array.data);
  await part.end();
}

// ---------------------------------------------------------------------------------------------
// Header

/** The Python dict literal NumPy writes, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. */
function headerText(dtype: NpyDtype, shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${dims}, }`;
}

/**
 * The full header bytes (magic, version, length, dict, padding, newline) for an array, padded so the
 * data starts on a 64-byte boundary. Version 1.0 unless the dict needs more than 65535 bytes.
 */
export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const text = headerText(dtype, shape);
  const padded = (prefix: number) => Math.ceil((prefix + text.length + 1) / 64) * 64;
  const version = padded(10) - 10 <= 65535 ? 1 : 2;
  const prefix = version === 1 ? 10 : 12;
  const total = padded(prefix);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dictLength = total - prefix;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dictLength, true);
  else view.setUint32(8, dictLength, true);
  out.fill(0x20, prefix, total - 1);
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  out[total - 1] = 0x0a;
  return out;
}

interface ParsedHeader {
  dtype: NpyDtype;
  bigEndian: boolean;
  shape: number[];
  dataOffset: number;
}

// A strict reader for the header dict: string, bool and tuple-of-int values only.
function parseDict(text: string, name: string): Record<string, string | boolean | number[]> {
  let i = 0;
  const fail = (what: string): never => {
    throw rangeError(`a .npy header dict (${what})`, name, describe(text.trim()));
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): string => {
    const q = text[i];
    if (q !== "'" && q !== '"') fail('a quoted string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail('an unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): string | boolean | number[] => {
    ws();
    if (text[i] === "'" || text[i] === '"') return str();
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    if (text[i] === '(') {
      i++;
      const dims: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') {
          i++;
          return dims;
        }
        const m = /^\d+L?/.exec(text.slice(i));
        if (!m) fail('a tuple of non-negative integers');
        const d = Number(m![0].replace('L', ''));
        if (!Number.isSafeInteger(d)) fail('dimensions below 2^53');
        dims.push(d);
        i += m![0].length;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail('a tuple of non-negative integers');
      }
    }
    return fail('a string, True, False or a tuple');
  };
  const out: Record<string, string | boolean | number[]> = {};
  ws();
  if (text[i++] !== '{') fail('a dict');
  for (;;) {
    ws();
    if (text[i] === '}') {
      i++;
      break;
    }
    const key = str();
    ws();
    if (text[i++] !== ':') fail('key: value pairs');
    out[key] = value();
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail('comma-separated pairs');
  }
  ws();
  if (i !== text.length) fail('nothing after the dict');
  return out;
}

function parseHeader(bytes: Uint8Array, name: string): ParsedHeader {
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw rangeError('a .npy file (magic \\x93NUMPY)', name, bytes.byteLength < 10 ? `${bytes.byteLength} bytes` : 'other bytes');
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw rangeError('.npy format version 1, 2 or 3', name, `version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.byteLength < prefix) throw rangeError(`a .npy header of at least ${prefix} bytes`, name, `${bytes.byteLength} bytes`);
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = prefix + length;
  if (dataOffset > bytes.byteLength) {
    throw rangeError(`a header of ${length} bytes after the ${prefix}-byte prefix`, name, `a file of ${bytes.byteLength} bytes (truncated)`);
  }
  const raw = bytes.subarray(prefix, dataOffset);
  const text = major === 3 ? new TextDecoder().decode(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const dict = parseDict(text, name);
  const descr = dict.descr;
  if (typeof descr !== 'string') {
    throw rangeError(`a simple dtype (one of ${NPY_DTYPES.join(', ')})`, name, `descr ${describe(descr)}`);
  }
  let normalized = descr;
  let bigEndian = false;
  if (/^[<>=|][fiub]\d+$/.test(descr)) {
    const order = descr[0];
    const kind = descr.slice(1);
    bigEndian = order === '>' && kind !== 'u1' && kind !== 'i1' && kind !== 'b1';
    normalized = (['u1', 'i1', 'b1'].includes(kind) ? '|' : '<') + kind;
  }
  if (!(normalized in DTYPES)) {
    throw rangeError(`a simple dtype (one of ${NPY_DTYPES.join(', ')})`, name, `descr ${describe(descr)}`);
  }
  if (dict.fortran_order !== false) {
    throw rangeError('C order (fortran_order False)', name, `fortran_order ${describe(dict.fortran_order)}`);
  }
  const shape = dict.shape;
  if (!Array.isArray(shape)) throw rangeError('a shape tuple', name, `shape ${describe(shape)}`);
  return { dtype: normalized as NpyDtype, bigEndian, shape, dataOffset };
}

function elementCount(shape: readonly number[], name: string): number {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n)) throw rangeError('an element count below 2^53', name, `shape ${formatShape(shape)}`);
  return n;
}

/**
 * Parses a whole .npy file held in memory. The result owns its data (a copy when the bytes are
 * misaligned or big-endian, else a view on `bytes`). A truncated file, a header that disagrees with
 * the data length, Fortran order or a structured dtype throw a RangeError.
 * @example const { dtype, shape, data } = parseNpy(readFileSync('x.npy'));
 */
export function parseNpy(bytes: Uint8Array, name = 'the .npy file'): NpyArray {
  if (!(bytes instanceof Uint8Array)) throw typeError('a Uint8Array', name, bytes);
  const header = parseHeader(bytes, name);
  const info = DTYPES[header.dtype];
  const count = elementCount(header.shape, name);
  const expected = count * info.size;
  const available = bytes.byteLength - header.dataOffset;
  if (available !== expected) {
    throw rangeError(
      `${expected} data bytes (shape ${formatShape(header.shape)} of '${header.dtype}')`,
      name,
      `${available}${available < expected ? ' (truncated)' : ''}`,
    );
  }
  const start = bytes.byteOffset + header.dataOffset;
  let data: NpyData;
  if (start % info.size === 0 && !header.bigEndian) {
    data = info.make(bytes.buffer as ArrayBuffer, start, count);
  } else {
    const copy = new Uint8Array(expected);
    copy.set(bytes.subarray(header.dataOffset));
    if (header.bigEndian) {
      const s = info.size;
      for (let i = 0; i < expected; i += s) copy.subarray(i, i + s).reverse();
    }
    data = info.make(copy.buffer, 0, count);
  }
  return { dtype: header.dtype, shape: header.shape, data };
}

function checkInput(array: unknown, name: string): { dtype: NpyDtype; shape: number[]; data: NpyData } {
  if (typeof array !== 'object' || array === null) throw typeError('an object { data, shape, dtype? }', name, array);
  const { data, shape, dtype } = array as NpyInput;
  const natural = npyDtypeOf(data);
  if (natural === undefined) throw typeError('a typed array (not Float16Array, Uint8ClampedArray or DataView)', `${name}.data`, data);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw typeError('an array of non-negative integers', `${name}.shape`, shape);
  }
  const chosen = dtype ?? natural;
  if (!(NPY_DTYPES as string[]).includes(chosen)) throw typeError(`one of ${NPY_DTYPES.join(', ')}`, `${name}.dtype`, dtype);
  if (DTYPES[chosen].ctor !== data.constructor.name) {
    throw typeError(`a ${DTYPES[chosen].ctor} for dtype '${chosen}'`, `${name}.data`, data);
  }
  const count = elementCount(shape, `${name}.shape`);
  if (data.length !== count) {
    throw rangeError(`${count} elements (the product of shape ${formatShape(shape)})`, `${name}.data`, String(data.length));
  }
  return { dtype: chosen, shape: shape.slice(), data };
}

/**
 * A chunk of rows for the streaming writers (NpyWriter, NpzWriter entries, H5Writer datasets): `{ data,
 * shape }` with shape [k, ...the array's other dimensions], as every other call takes arrays, or the
 * bare elements (a whole number of them, in C order). Returns the elements; a chunk whose rows are
 * not the array's is a RangeError naming both shapes.
 */
export function chunkElements(chunk: NpyData | NpyInput, arrayShape: readonly number[], name = 'chunk'): NpyData {
  if (ArrayBuffer.isView(chunk) || typeof chunk !== 'object' || chunk === null) return chunk as NpyData;
  const { data, shape } = chunk;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw typeError('an array of non-negative integers', `${name}.shape`, shape);
  }
  const rows = arrayShape.slice(1);
  if (shape.length !== arrayShape.length || shape.slice(1).some((d, i) => d !== rows[i])) {
    throw rangeError(`rows of the array's shape, [k${rows.map((d) => `, ${d}`).join('')}]`, `${name}.shape`, formatShape(shape));
  }
  const count = elementCount(shape, `${name}.shape`);
  if (!ArrayBuffer.isView(data) || (data as NpyData).length !== count) {
    throw rangeError(`${count} elements (the product of shape ${formatShape(shape)})`, `${name}.data`, describe((data as NpyData | undefined)?.length ?? data));
  }
  return data;
}

const bytesOf = (data: NpyData): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/**
 * Encodes an array as .npy bytes (header and data).
 * @example writeFileSync('x.npy', encodeNpy({ data: new Float32Array(6), shape: [2, 3] }));
 */
export function encodeNpy(array: NpyInput): Uint8Array {
  const { dtype, shape, data } = checkInput(array, 'array');
  const header = npyHeader(dtype, shape);
  const out = new Uint8Array(header.byteLength + data.byteLength);
  out.set(header, 0);
  out.set(bytesOf(data), header.byteLength);
  return out;
}

// One read the file reader needs: fill `target` from byte `position` on; the driver answers with
// the bytes it read (0 at the end of the file).
interface ReadRequest {
  target: Uint8Array;
  position: number;
}

// Node reads at most 2 GiB - 1 bytes per call; the data arrives in pieces of this size.
const READ_CHUNK = 2 ** 30;
// V8's typed-array length limit (2^32 on Node 20), which Node exports as the Buffer limit.
const MAX_TYPED_LENGTH = bufferConstants.MAX_LENGTH;

/** Refuses, in the library's words, an array longer than a typed array can be. */
export function checkTypedLength(elements: number, shape: readonly number[], name: string): void {
  if (elements > MAX_TYPED_LENGTH) {
    throw rangeError(`at most ${MAX_TYPED_LENGTH} elements (the longest typed array this Node.js makes)`, name, `shape ${formatShape(shape)} (${elements} elements)`);
  }
}

/** A typed array of `dtype` over `length` elements of `buffer` from its start. */
export const npyView = (dtype: NpyDtype, buffer: ArrayBuffer, length: number): NpyData => DTYPES[dtype].make(buffer, 0, length);

/**
 * The reads that turn a .npy file of `size` bytes into an array, written once for the sync and
 * async drivers: the header first, then the data straight into an ArrayBuffer of its own, chunk
 * by chunk, so no 2 GiB readFile limit applies and the data is never copied. With `leading`, only
 * the first leading(shape) entries along the first axis are read (a preview of a large file).
 */
function* npyReads(size: number, name: string, leading?: (shape: readonly number[]) => number): Generator<ReadRequest, NpyArray, number> {
  // Fills `length` bytes of `buffer` from `offset` with the file's bytes from `position`, in views
  // of at most READ_CHUNK bytes (a Uint8Array over a whole buffer past 4 GiB cannot be made);
  // returns how many bytes the file had.
  const fill = function* (buffer: ArrayBuffer, length: number, position: number): Generator<ReadRequest, number, number> {
    let done = 0;
    while (done < length) {
      const n = yield { target: new Uint8Array(buffer, done, Math.min(length - done, READ_CHUNK)), position: position + done };
      if (n === 0) break;
      done += n;
    }
    return done;
  };
  const prefix = new Uint8Array(Math.min(size, 12));
  const got = yield* fill(prefix.buffer, prefix.length, 0);
  // Not a .npy prefix (bad magic or version, too short): parseHeader says which.
  const major = prefix[6];
  if (got < 12 || MAGIC.some((b, i) => prefix[i] !== b) || !(major >= 1 && major <= 3)) parseHeader(prefix.subarray(0, got), name);
  const headerLength = major === 1 ? 10 + (prefix[8] | (prefix[9] << 8)) : 12 + new DataView(prefix.buffer).getUint32(8, true);
  const head = new Uint8Array(Math.min(size, headerLength));
  const headBytes = yield* fill(head.buffer, head.length, 0);
  const header = parseHeader(head.subarray(0, headBytes), name);
  const info = DTYPES[header.dtype];
  const count = elementCount(header.shape, name);
  const expected = count * info.size;
  const available = size - header.dataOffset;
  if (available !== expected) {
    throw rangeError(`${expected} data bytes (shape ${formatShape(header.shape)} of '${header.dtype}')`, name, `${available}${available < expected ? ' (truncated)' : ''}`);
  }
  let shape = header.shape;
  const first = leading?.(shape);
  if (first !== undefined && shape.length > 0 && first >= 0 && first < shape[0]) shape = [first, ...shape.slice(1)];
  const elements = elementCount(shape, name);
  checkTypedLength(elements, shape, name);
  const wanted = elements * info.size;
  const buffer = new ArrayBuffer(wanted);
  const read = yield* fill(buffer, wanted, header.dataOffset);
  if (read !== wanted) throw rangeError(`${wanted} data bytes`, name, `${read} (the file shrank while it was read)`);
  if (header.bigEndian) {
    for (let start = 0; start < wanted; start += READ_CHUNK) {
      const bytes = new Uint8Array(buffer, start, Math.min(READ_CHUNK, wanted - start));
      for (let i = 0; i < bytes.length; i += info.size) bytes.subarray(i, i + info.size).reverse();
    }
  }
  return { dtype: header.dtype, shape, data: info.make(buffer, 0, elements) };
}

/**
 * Reads a .npy file of any size (the data is read straight into the array, in pieces, so files
 * over 2 GiB read too). Malformed files throw the RangeErrors parseNpy throws.
 * @example const a = await readNpy('heatmaps.npy');
 */
export async function readNpy(file: string): Promise<NpyArray> {
  return readNpyLeading(file);
}

/** Like readNpy; `leading`, given the file's shape, says how many entries of the first axis to read. */
export async function readNpyLeading(file: string, leading?: (shape: readonly number[]) => number): Promise<NpyArray> {
  const handle = await fs.open(file, 'r');
  try {
    const read = async (target: Uint8Array, position: number) => (await handle.read(target, 0, target.byteLength, position)).bytesRead;
    return await readNpyFrom(read, (await handle.stat()).size, file, leading);
  } finally {
    await handle.close();
  }
}

/**
 * Reads .npy bytes of `size` from any source that fills a target from a position (a file, a zip
 * member in place, an inflating stream), with the reads readNpy makes: the header, then the data
 * straight into the array's own buffer in pieces of at most 1 GiB.
 */
export async function readNpyFrom(
  read: (target: Uint8Array, position: number) => Promise<number>,
  size: number,
  name: string,
  leading?: (shape: readonly number[]) => number,
): Promise<NpyArray> {
  const reads = npyReads(size, name, leading);
  let step = reads.next();
  while (!step.done) step = reads.next(await read(step.value.target, step.value.position));
  return step.value;
}

/** Reads a .npy file on the calling thread (any size, as readNpy). */
export function readNpySync(file: string): NpyArray {
  const fd = openSync(file, 'r');
  try {
    const reads = npyReads(fstatSync(fd).size, file);
    let step = reads.next();
    while (!step.done) {
      const { target, position } = step.value;
      step = reads.next(readSync(fd, target, 0, target.byteLength, position));
    }
    return step.value;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a .npy file through a temporary name, renamed into place when complete.
 * @example await writeNpy('coords.npy', { data: coords, shape: [n, 2] });
 */
export async function writeNpy(file: string, array: NpyInput): Promise<void> {
  const { dtype, shape, data } = checkInput(array, 'array');
  const out = await AtomicFile.open(file);
  try {
    await out.write(npyHeader(dtype, shape));
    await out.write(bytesOf(data));
  } catch (error) {
    await out.abort();
    throw error;
  }
  await out.commit();
}

/**
 * Streams a large .npy file: the header (with the final shape) first, then chunks of rows in order.
 * {@link close} checks every element arrived and renames the file into place; {@link abort} removes it.
 * @example
 * const w = await NpyWriter.open('x.npy', { dtype: '|u1', shape: [1e6, 64, 64] });
 * for await (const batch of batches) await w.write(batch);
 * await w.close();
 */
export class NpyWriter {
  private written = 0;

  private constructor(
    private readonly file: AtomicFile,
    readonly dtype: NpyDtype,
    readonly shape: readonly number[],
    readonly count: number,
  ) {}

  static async open(file: string, spec: { dtype: NpyDtype; shape: readonly number[] }): Promise<NpyWriter> {
    if (!(NPY_DTYPES as string[]).includes(spec?.dtype)) throw typeError(`one of ${NPY_DTYPES.join(', ')}`, 'spec.dtype', spec?.dtype);
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw typeError('an array of non-negative integers', 'spec.shape', spec.shape);
    }
    const count = elementCount(spec.shape, 'spec.shape');
    const out = await AtomicFile.open(file);
    try {
      await out.write(npyHeader(spec.dtype, spec.shape));
    } catch (error) {
      await out.abort();
      throw error;
    }
    return new NpyWriter(out, spec.dtype, spec.shape.slice(), count);
  }

  /**
   * Appends rows of the writer's dtype: `{ data, shape: [k, ...rest] }` (rest the file's other
   * dimensions), or bare elements (any whole number of them, in C order).
   */
  async write(chunk: NpyData | NpyInput): Promise<void> {
    let data: NpyData;
    try {
      data = chunkElements(chunk, this.shape);
    } catch (error) {
      await this.abort();
      throw error;
    }
    if (DTYPES[this.dtype].ctor !== data?.constructor?.name) {
      await this.abort();
      throw typeError(`a ${DTYPES[this.dtype].ctor} for dtype '${this.dtype}'`, 'chunk.data', data);
    }
    if (this.written + data.length > this.count) {
      await this.abort();
      throw rangeError(`at most ${this.count - this.written} more elements (shape ${formatShape(this.shape)})`, 'chunk.data', String(data.length));
    }
    try {
      await this.file.write(bytesOf(data));
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.written += data.length;
  }

  /** Completes the file; throws (and removes it) when fewer elements than the shape holds were written. */
  async close(): Promise<void> {
    if (this.written !== this.count) {
      await this.abort();
      throw rangeError(`${this.count} elements (shape ${formatShape(this.shape)})`, 'the written data', String(this.written));
    }
    await this.file.commit();
  }

  /** Discards the temporary file. */
  async abort(): Promise<void> {
    await this.file.abort();
  }
}
