// HDF5 files through h5wasm (the HDF5 C library compiled to WebAssembly; no system library).
// Datasets are chunked along the first axis and filled batch by batch, so memory stays bounded.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, rangeError, typeError } from '../errors';
import { formatShape } from '../validate';
import { renameIntoPlace, temporarySibling } from './atomic';
import { checkTypedLength, chunkElements, emptyArray, npyView, npyDtypeOf, npyItemSize, writeWhole, NPY_DTYPES, type NpyArray, type NpyData, type NpyDtype, type NpyInput } from './npy';

/* eslint-disable @typescript-eslint/no-explicit-any */
// h5wasm ships ES modules only; TypeScript's CommonJS output would turn `import()` into `require()`,
// so the dynamic import is built at run time. It resolves from this file, like a static import.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;
let h5wasmPromise: Promise<any> | undefined;

async function h5wasm(): Promise<any> {
  // The namespace (not the default export) also carries `Module`, the live emscripten module.
  h5wasmPromise ??= importEsm('h5wasm/node').then(async (namespace) => {
    await namespace.ready;
    return namespace;
  });
  return h5wasmPromise;
}

// NumPy dtype -> h5wasm's struct-style dtype code.
const H5_DTYPE: Record<NpyDtype, string> = {
  '<f4': '<f',
  '<f8': '<d',
  '|u1': '<B',
  '|b1': '<B',
  '|i1': '<b',
  '<i2': '<h',
  '<u2': '<H',
  '<i4': '<i',
  '<u4': '<I',
  '<i8': '<q',
  '<u8': '<Q',
};

/** One dataset being filled by an {@link H5Writer}, whole rows (first-axis slices) at a time. */
export interface H5DatasetWriter {
  /** Appends whole rows of the dataset's dtype: `{ data, shape: [k, ...rest] }`, or bare elements in C order. */
  write(chunk: NpyData | NpyInput): Promise<void>;
  /** Ends the dataset; throws when fewer rows than its shape holds were written. */
  end(): Promise<void>;
}

/**
 * Writes an HDF5 file dataset by dataset (each streamed in row batches) through a temporary name,
 * renamed into place by {@link close}. h5py reads it: `h5py.File(f)['train_image'][...]`.
 * @example
 * const h5 = await H5Writer.open('set.h5');
 * await h5.add('train_locations', { data: xy, shape: [n, 2] });
 * await h5.close();
 */
export class H5Writer {
  private active = false;
  private closed = false;

  private constructor(
    private readonly file: any,
    private readonly target: string,
    private readonly temp: string,
  ) {}

  static async open(file: string): Promise<H5Writer> {
    if (typeof file !== 'string' || file.length === 0) throw typeError('a file path', 'file', file);
    const lib = await h5wasm();
    const temp = temporarySibling(file);
    // Fail like fs would when the folder is missing, before HDF5 reports it less clearly.
    await fs.access(path.dirname(path.resolve(file)));
    return new H5Writer(new lib.File(temp, 'w'), file, temp);
  }

  /**
   * Starts the dataset `name` with the given dtype and shape (rank >= 1); rows are then written in order.
   * `chunkRows` (default: about 1 MiB per chunk) sets the HDF5 chunk height. @example { chunkRows: 64 }
   */
  async begin(name: string, spec: { dtype: NpyDtype; shape: readonly number[]; chunkRows?: number }): Promise<H5DatasetWriter> {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) throw typeError('a dataset name of letters, digits, _ . -', 'name', name);
    if (this.active) throw new Error('Finish the previous dataset with end() before begin()');
    if (this.closed) throw new Error('The HDF5 file is already closed');
    if (this.file.keys().includes(name)) throw rangeError('a name not yet in the file', 'name', describe(name));
    if (!(NPY_DTYPES as string[]).includes(spec?.dtype)) throw typeError(`one of ${NPY_DTYPES.join(', ')}`, 'spec.dtype', spec?.dtype);
    const shape = spec.shape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw rangeError('rank >= 1 with non-negative integer dimensions', 'spec.shape', Array.isArray(shape) ? formatShape(shape) : describe(shape));
    }
    const rows = shape[0];
    const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
    const itemSize = npyItemSize(spec.dtype);
    const chunkRows = spec.chunkRows ?? Math.max(1, Math.min(rows, Math.floor((1 << 20) / Math.max(1, rowSize * itemSize))));
    if (!Number.isSafeInteger(chunkRows) || chunkRows < 1) throw rangeError('a positive integer', 'spec.chunkRows', describe(spec.chunkRows));
    const tail = shape.slice(1);
    const natural = spec.dtype === '|b1' ? '|u1' : spec.dtype;
    const empty = emptyArray(natural);
    const dataset =
      rows === 0 || rowSize === 0
        ? this.file.create_dataset({ name, data: empty, shape: [...shape], dtype: H5_DTYPE[spec.dtype] })
        : this.file.create_dataset({
            name,
            data: empty,
            shape: [0, ...tail],
            dtype: H5_DTYPE[spec.dtype],
            maxshape: [...shape],
            chunks: [Math.max(1, chunkRows), ...tail],
          });
    if (rows > 0 && rowSize > 0) dataset.resize([...shape]);
    this.active = true;
    let row = 0;
    return {
      write: async (chunk: NpyData | NpyInput) => {
        const data = chunkElements(chunk, shape);
        if (npyDtypeOf(data) !== natural) throw typeError(`a typed array of dtype '${spec.dtype}'`, 'chunk.data', data);
        if (rowSize === 0 || data.length % rowSize !== 0) {
          throw rangeError(`a whole number of rows of ${rowSize} elements`, 'chunk.data', String(data.length));
        }
        const n = data.length / rowSize;
        if (row + n > rows) throw rangeError(`at most ${rows - row} more rows for ${name}`, 'chunk.data', `${n} rows`);
        if (n > 0) dataset.write_slice([[row, row + n]], data);
        row += n;
      },
      end: async () => {
        if (rowSize > 0 && row !== rows) throw rangeError(`${rows} rows for ${name}`, 'the written data', String(row));
        this.active = false;
      },
    };
  }

  /** Adds a whole in-memory array as one dataset. */
  add(name: string, array: NpyInput): Promise<void> {
    return writeWhole(this, name, array);
  }

  /** Closes the file and renames it into place. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.active) {
      await this.abort();
      throw new Error('A dataset was begun but not ended; the file was discarded');
    }
    this.closed = true;
    await renameIntoPlace(this.temp, this.target, () => this.file.close());
  }

  /** Closes and deletes the temporary file. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.file.close();
    } catch {
      // already failed; the file is removed below
    }
    await fs.rm(this.temp, { force: true });
  }
}

const FROM_H5: Record<string, NpyDtype> = {
  'f4': '<f4',
  'f8': '<f8',
  'u1': '|u1',
  'i1': '|i1',
  'i2': '<i2',
  'u2': '<u2',
  'i4': '<i4',
  'u4': '<u4',
  'i8': '<i8',
  'u8': '<u8',
};

/**
 * Reads the numeric datasets at the root of an HDF5 file (integer and float types; all, or those in
 * `names`), each as flat C-order data with its shape. Other datasets (strings, compounds, groups)
 * are skipped. Datasets of any size read in bounded memory: see {@link H5File}.
 * @example const { train_onehots } = await readH5('rectangle_4_uniform.h5');
 */
export async function readH5(file: string, names?: readonly string[]): Promise<Record<string, NpyArray>> {
  const h5 = await H5File.open(file);
  try {
    const out: Record<string, NpyArray> = {};
    for (const key of h5.names) if (!names || names.includes(key)) out[key] = h5.read(key);
    return out;
  } finally {
    h5.close();
  }
}

// Datasets are read this many bytes at a time: HDF5 (WebAssembly, at most 2 GiB of memory) holds
// one piece and hands over a copy, which goes straight into the array's own buffer.
const PIECE_BYTES = 16 << 20;

/** An open HDF5 file: the names of its numeric root datasets, each read on demand in pieces of rows. */
export class H5File {
  private constructor(
    private readonly lib: any,
    private readonly h5: any,
    private readonly file: string,
  ) {}

  /** Opens an HDF5 file for reading; other bytes are a RangeError naming the file. */
  static async open(file: string): Promise<H5File> {
    if (!(await isHdf5(file))) throw rangeError('an HDF5 file (signature \\x89HDF)', file, 'other bytes');
    const lib = await h5wasm();
    return new H5File(lib, new lib.File(file, 'r'), file);
  }

  private dtypeOf(key: string): { entity: any; dtype: NpyDtype } | undefined {
    const entity = this.h5.get(key);
    if (!entity || entity.type !== 'Dataset') return undefined;
    const meta = entity.metadata;
    const classes = this.lib.Module.H5T_class_t;
    const kind = meta.type === classes.H5T_FLOAT.value ? 'f' : meta.type === classes.H5T_INTEGER.value ? (meta.signed ? 'i' : 'u') : '';
    const dtype = FROM_H5[`${kind}${meta.size}`];
    return dtype ? { entity, dtype } : undefined;
  }

  /** The numeric datasets at the root, in the file's order. */
  get names(): string[] {
    return (this.h5.keys() as string[]).filter((key) => this.dtypeOf(key) !== undefined);
  }

  /**
   * Reads one dataset straight into an ArrayBuffer of its own, a piece of rows at a time; with
   * `leading`, given the shape, only that many rows (a preview).
   */
  read(name: string, leading?: (shape: readonly number[]) => number): NpyArray {
    const found = this.dtypeOf(name);
    if (!found) throw rangeError(`one of the file's numeric datasets (${this.names.join(', ') || 'none'})`, 'name', JSON.stringify(name));
    const { entity, dtype } = found;
    const full: number[] = (entity.shape ?? []).map(Number);
    if (full.length === 0) return { dtype, shape: full, data: entity.value as NpyData };
    const first = leading?.(full);
    const rows = first !== undefined && first >= 0 && first < full[0] ? first : full[0];
    const shape = [rows, ...full.slice(1)];
    const rowElements = shape.slice(1).reduce((a, b) => a * b, 1);
    const elements = rows * rowElements;
    checkTypedLength(elements, shape, `${this.file}:${name}`);
    const buffer = new ArrayBuffer(elements * npyItemSize(dtype));
    if (elements > 0) readPieces(entity, shape, npyItemSize(dtype), buffer);
    return { dtype, shape, data: npyView(dtype, buffer, elements) };
  }

  close(): void {
    this.h5.close();
  }
}

/**
 * Fills `buffer` with the hyperslab of `shape` (its first axis possibly shorter than the dataset's)
 * in C order, one h5wasm slice of at most PIECE_BYTES at a time: consecutive entries of an axis
 * while they fit, else entry by entry one axis further in (a single row past the piece size too).
 */
function readPieces(entity: any, shape: readonly number[], itemSize: number, buffer: ArrayBuffer): void {
  let offset = 0;
  const visit = (axis: number, prefix: [number, number][]): void => {
    const entryBytes = shape.slice(axis + 1).reduce((a, b) => a * b, 1) * itemSize;
    if (entryBytes > PIECE_BYTES && axis + 1 < shape.length) {
      for (let i = 0; i < shape[axis]; i++) visit(axis + 1, [...prefix, [i, i + 1]]);
      return;
    }
    const step = Math.max(1, Math.floor(PIECE_BYTES / entryBytes));
    for (let i = 0; i < shape[axis]; i += step) {
      const end = Math.min(shape[axis], i + step);
      const piece = entity.slice([...prefix, [i, end]]) as NpyData;
      const bytes = (end - i) * entryBytes;
      if (piece.byteLength !== bytes) throw rangeError(`${bytes} bytes from HDF5`, 'a slice', String(piece.byteLength));
      new Uint8Array(buffer, offset, bytes).set(new Uint8Array(piece.buffer, piece.byteOffset, bytes));
      offset += bytes;
    }
  };
  visit(0, []);
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the file carries the HDF5 superblock signature at 0, 512, 1024, 2048, ... (after a user block). */
export async function isHdf5(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = new Uint8Array(8);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      await handle.read(buffer, 0, 8, at);
      if (SIGNATURE.every((b, i) => buffer[i] === b)) return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}
