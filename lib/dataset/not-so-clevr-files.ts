// Saves Not-so-CLEVR with the reference generator's dataset names and dtypes, streamed in row batches.
import { describe, rangeError, typeError } from '../errors';
import { readEnum, readOptions } from '../validate';
import { writeSink, FILE_FORMATS, type FileFormat } from '../io/array-files';
import type { NpyData, NpyDtype } from '../io/npy';
import {
  notSoClevrFieldSize,
  notSoClevrIndex,
  renderNotSoClevr,
  NOT_SO_CLEVR_DTYPES,
  NOT_SO_CLEVR_FIELDS,
  NOT_SO_CLEVR_SIDE,
  NOT_SO_CLEVR_SPLITS,
  type NotSoClevrDtype,
  type NotSoClevrField,
  type NotSoClevrSplit,
} from './not-so-clevr';

export interface WriteNotSoClevrOptions {
  /** Folder to write into (created when missing). Required. @example { out: 'data' } */
  out: string;
  /** Default `'uniform'`. @example { split: 'quadrant' } */
  split?: NotSoClevrSplit;
  /**
   * `'h5'`: one `rectangle_4_<split>.h5` as the reference writes it; `'npz'`: one
   * `rectangle_4_<split>.npz`; `'npy'`: one `rectangle_4_<split>_<dataset>.npy` per dataset.
   * Default `'h5'`. @example { format: 'npz' }
   */
  format?: FileFormat;
  /**
   * Element type of image, imagegray, onehots (and normalized_locations: float32 unless float64).
   * Default `'float64'`, the reference file's dtype; locations are always int64, as in the reference.
   * @example { dtype: 'uint8' }
   */
  dtype?: NotSoClevrDtype;
  /** Which of the five fields to write. Default all. @example { fields: ['onehots', 'locations'] } */
  fields?: readonly NotSoClevrField[];
}

const ROWS_PER_BATCH = 64;

function fieldDtype(field: NotSoClevrField, dtype: NotSoClevrDtype): NpyDtype {
  if (field === 'locations') return '<i8';
  if (field === 'normalized_locations') return dtype === 'float64' ? '<f8' : '<f4';
  return dtype === 'float64' ? '<f8' : dtype === 'float32' ? '<f4' : '|u1';
}

function makeBatch(dtype: NpyDtype, length: number): NpyData {
  if (dtype === '<i8') return new BigInt64Array(length);
  if (dtype === '<f8') return new Float64Array(length);
  if (dtype === '<f4') return new Float32Array(length);
  return new Uint8Array(length);
}

function fieldShape(field: NotSoClevrField, rows: number): number[] {
  const side = NOT_SO_CLEVR_SIDE;
  if (field === 'image') return [rows, side, side, 3];
  if (field === 'imagegray' || field === 'onehots') return [rows, side, side, 1];
  return [rows, 2];
}

/**
 * Writes the Not-so-CLEVR data set to files with the reference generator's names
 * (`train_image`, ..., `val_normalized_locations`) and, by default, its dtypes (float64, int64).
 * Memory stays at one batch of 64 rows. Resolves with the files written.
 * @example await writeNotSoClevr({ out: 'data', split: 'quadrant', format: 'h5' });
 */
export async function writeNotSoClevr(options: WriteNotSoClevrOptions): Promise<string[]> {
  const opts = readOptions(options, 'options', ['out', 'split', 'format', 'dtype', 'fields']);
  if (typeof opts.out !== 'string' || opts.out.length === 0) throw typeError('a folder path', 'options.out', opts.out);
  const split = readEnum(opts.split, 'options.split', NOT_SO_CLEVR_SPLITS, 'uniform');
  const format = readEnum(opts.format, 'options.format', FILE_FORMATS, 'h5');
  const dtype = readEnum(opts.dtype, 'options.dtype', NOT_SO_CLEVR_DTYPES, 'float64');
  let fields: readonly NotSoClevrField[] = NOT_SO_CLEVR_FIELDS;
  if (opts.fields !== undefined) {
    if (!Array.isArray(opts.fields)) throw typeError('an array of field names', 'options.fields', opts.fields);
    for (const f of opts.fields) {
      if (!(NOT_SO_CLEVR_FIELDS as readonly unknown[]).includes(f)) {
        throw rangeError(`each of ${NOT_SO_CLEVR_FIELDS.map((n) => `'${n}'`).join(', ')}`, 'options.fields', describe(f));
      }
    }
    fields = opts.fields as NotSoClevrField[];
  }
  const index = notSoClevrIndex(split);
  return writeSink(format, opts.out, `rectangle_4_${split}`, async (sink) => {
    for (const field of fields) {
      for (const part of ['train', 'val'] as const) {
        const rows = index[part];
        const npyDtype = fieldDtype(field, dtype);
        const size = notSoClevrFieldSize(field);
        const writer = await sink.begin(`${part}_${field}`, { dtype: npyDtype, shape: fieldShape(field, rows.length) });
        const full = makeBatch(npyDtype, ROWS_PER_BATCH * size);
        for (let start = 0; start < rows.length; start += ROWS_PER_BATCH) {
          const n = Math.min(ROWS_PER_BATCH, rows.length - start);
          const batch = full.subarray(0, n * size);
          if (batch instanceof BigInt64Array) batch.fill(0n);
          else (batch as Exclude<NpyData, BigInt64Array | BigUint64Array>).fill(0);
          for (let i = 0; i < n; i++) renderNotSoClevr(field, rows[start + i], batch, i * size);
          await writer.write(batch);
        }
        await writer.end();
      }
    }
  });
}
