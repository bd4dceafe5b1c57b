// Streams a generate() run (or one shard of it) to .npy / .npz / .h5 in bounded memory.
import { typeError } from '../errors';
import { readEnum } from '../validate';
import { writeSink, FILE_FORMATS, type ArrayWriter, type FileFormat } from '../io/array-files';
import { generate, planGenerate, sampleCentres, type GenerateOptions, type GeneratePlan } from './generate';

export interface WriteGeneratedOptions extends GenerateOptions {
  /** Folder to write into (created when missing). Required. @example { out: 'data' } */
  out: string;
  /**
   * `'npy'`: `images.npy`, `locations.npy`, `val.npy`; `'npz'` / `'h5'`: one `data.npz` / `data.h5`
   * holding those three arrays. A shard's files start with `shard-<i>-of-<k>` instead (i 0-based,
   * zero-padded). Default `'npy'`. @example { format: 'h5' }
   */
  format?: FileFormat;
  /** Called after each batch with the samples done and the shard's total. @example { onProgress: (d, n) => {} } */
  onProgress?: (done: number, total: number) => void;
}

/** The file-name stem of a run: '' (plain names) or `shard-03-of-16`. */
export function shardStem(shard: GenerateOptions['shard']): string {
  if (!shard) return '';
  const width = String(shard.count - 1).length;
  return `shard-${String(shard.index).padStart(width, '0')}-of-${shard.count}`;
}

/**
 * Writes `images` `[n, objects, height, width]` (float32 or uint8), `locations` `[n, objects, 2]`
 * (float32 x, y) and `val` `[n]` (uint8, 1 = val) for a run or a shard of it. Images are streamed
 * batch by batch; centres and flags are recomputed from the seed for their own arrays, so memory
 * stays at one batch. Resolves with the files written.
 * @example await writeGenerated({ count: 1_000_000, kind: 'gaussian', sigma: 2, seed: 7, shard: { index: 3, count: 16 }, out: 'data' });
 */
export async function writeGenerated(options: WriteGeneratedOptions): Promise<string[]> {
  if (typeof options !== 'object' || options === null) throw typeError('an options object with count and out', 'options', options);
  const { out, format: formatOption, onProgress, ...rest } = options;
  if (typeof out !== 'string' || out.length === 0) throw typeError('a folder path', 'options.out', out);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw typeError('a function', 'options.onProgress', onProgress);
  const format = readEnum(formatOption, 'options.format', FILE_FORMATS, 'npy');
  const plan = planGenerate(rest);
  const n = plan.end - plan.begin;
  return writeSink(format, out, shardStem(rest.shard) || (format === 'npy' ? '' : 'data'), async (sink) => {
    const images = await sink.begin('images', { dtype: plan.dtype === 'uint8' ? '|u1' : '<f4', shape: [n, plan.objects, plan.height, plan.width] });
    let done = 0;
    for await (const batch of generate(rest)) {
      await images.write(batch.images.data);
      done += batch.count;
      onProgress?.(done, n);
    }
    await images.end();
    const locations = await sink.begin('locations', { dtype: '<f4', shape: [n, plan.objects, 2] });
    if (sink.concurrent) {
      const val = await sink.begin('val', { dtype: '|u1', shape: [n] });
      await centresInto(plan, locations, val);
      await locations.end();
      await val.end();
    } else {
      // npz / h5 take one array at a time: the centres are cheap to sample twice.
      await centresInto(plan, locations, undefined);
      await locations.end();
      const val = await sink.begin('val', { dtype: '|u1', shape: [n] });
      await centresInto(plan, undefined, val);
      await val.end();
    }
  });
}

async function centresInto(plan: GeneratePlan, locations: ArrayWriter | undefined, val: ArrayWriter | undefined): Promise<void> {
  const step = Math.max(1, Math.min(1 << 16, Math.floor((1 << 22) / plan.objects)));
  const xy = new Float32Array(step * plan.objects * 2);
  const flags = new Uint8Array(step);
  for (let start = plan.begin; start < plan.end; start += step) {
    const k = Math.min(step, plan.end - start);
    sampleCentres(plan, start, k, xy, flags);
    if (locations) await locations.write(xy.subarray(0, k * plan.objects * 2));
    if (val) await val.write(flags.subarray(0, k));
  }
}
