// One interface over the three ways a data set is saved: a folder of .npy files, one .npz, one .h5.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { typeError } from '../errors';
import { readEnum } from '../validate';
import { H5Writer } from './h5';
import { NpyWriter, type NpyData, type NpyDtype } from './npy';
import { NpzWriter } from './npz';

export type FileFormat = 'npy' | 'npz' | 'h5';
export const FILE_FORMATS: readonly FileFormat[] = ['npy', 'npz', 'h5'];

export interface ArrayWriter {
  write(data: NpyData): Promise<void>;
  end(): Promise<void>;
}

/** Named arrays, each begun, written in order and ended; `close()` completes the output. */
export interface ArraySink {
  /** The files this sink creates (final names). */
  readonly files: string[];
  /** True when several arrays may be open at once (a folder of .npy files); else one at a time. */
  readonly concurrent: boolean;
  begin(name: string, spec: { dtype: NpyDtype; shape: readonly number[] }): Promise<ArrayWriter>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Opens `dir/<base>.npz`, `dir/<base>.h5`, or (for 'npy') `dir/<base>_<name>.npy` per array
 * (`dir/<name>.npy` when base is empty). The folder is created when missing.
 */
export async function openSink(format: FileFormat, dir: string, base: string): Promise<ArraySink> {
  const which = readEnum(format, 'format', FILE_FORMATS, 'npy');
  if (typeof dir !== 'string' || dir.length === 0) throw typeError('a folder path', 'out', dir);
  await fs.mkdir(dir, { recursive: true });
  if (which === 'npz') {
    const file = path.join(dir, `${base || 'data'}.npz`);
    const npz = await NpzWriter.open(file);
    return { files: [file], concurrent: false, begin: (n, s) => npz.begin(n, s), close: () => npz.close(), abort: () => npz.abort() };
  }
  if (which === 'h5') {
    const file = path.join(dir, `${base || 'data'}.h5`);
    const h5 = await H5Writer.open(file);
    return { files: [file], concurrent: false, begin: (n, s) => h5.begin(n, s), close: () => h5.close(), abort: () => h5.abort() };
  }
  const files: string[] = [];
  const open = new Set<NpyWriter>();
  return {
    files,
    concurrent: true,
    async begin(name, spec) {
      const file = path.join(dir, `${base ? `${base}_` : ''}${name}.npy`);
      const writer = await NpyWriter.open(file, spec);
      open.add(writer);
      return {
        write: (data) => writer.write(data),
        end: async () => {
          await writer.close();
          open.delete(writer);
          files.push(file);
        },
      };
    },
    async close() {
      if (open.size > 0) {
        for (const writer of open) await writer.abort();
        throw new Error('An array was begun but not ended; it was discarded');
      }
    },
    async abort() {
      for (const writer of open) await writer.abort();
    },
  };
}

/**
 * Opens a sink as {@link openSink} does, lets `fill` write its arrays and completes it; when `fill`
 * fails, the partial output is discarded and the error rethrown. Resolves with the files written.
 */
export async function writeSink(format: FileFormat, dir: string, base: string, fill: (sink: ArraySink) => Promise<void>): Promise<string[]> {
  const sink = await openSink(format, dir, base);
  try {
    await fill(sink);
  } catch (error) {
    await sink.abort();
    throw error;
  }
  await sink.close();
  return sink.files;
}
