// A PNG contact sheet: planes side by side, each scaled to 0..255 grey, its decoded coordinate
// marked with a red cross. Encoded by pngjs (pure JavaScript).
import { decodeSync, type DecodeMethod, type DecodeOptions } from './decode';
import { rangeError } from './errors';
import { writeFileAtomic } from './io/atomic';
import { readFloat32OrUint8Planes } from './tensor';
import { readInteger } from './validate';

interface PngLike {
  width: number;
  height: number;
  data: Buffer;
}
// pngjs ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PNG } = require('pngjs') as { PNG: { new (o: { width: number; height: number }): PngLike; sync: { write(png: PngLike): Buffer } } };

export interface PreviewOptions {
  /** Planes to show, from the first. Default 16. @example { count: 64 } */
  count?: number;
  /** Tiles per row. Default 4 (fewer when fewer planes). @example { columns: 8 } */
  columns?: number;
  /** Each pixel becomes scale x scale pixels. Default 2. @example { scale: 4 } */
  scale?: number;
  /** How to find each plane's coordinate to mark. Default 'argmax'. @example { method: 'dark' } */
  method?: DecodeMethod;
}

const GAP = 2;
/** The planes a preview shows when `count` is not given. */
export const PREVIEW_COUNT = 16;

/**
 * Renders planes (`[H, W]`, `[N, H, W]` or `[N, C, H, W]`; every plane a tile) to PNG bytes.
 * Resolves with the number of planes drawn.
 * @example const { png, shown } = previewPng({ data, shape: [N, 64, 64] }, { count: 8 });
 */
export function previewPng(input: { data: Float32Array | Uint8Array; shape: readonly number[] }, options: PreviewOptions = {}): { png: Buffer; shown: number } {
  const planes = readFloat32OrUint8Planes(input, 'previewPng');
  const { height, width } = planes;
  const count = Math.min(planes.planes, readInteger(options.count, 'options.count', PREVIEW_COUNT, 1, 4096));
  const columns = Math.min(count, readInteger(options.columns, 'options.columns', 4, 1, 4096));
  const scale = readInteger(options.scale, 'options.scale', 2, 1, 64);
  const rows = Math.ceil(count / columns);
  const tileW = width * scale;
  const tileH = height * scale;
  const sheetW = columns * tileW + (columns + 1) * GAP;
  const sheetH = rows * tileH + (rows + 1) * GAP;
  if (sheetW * sheetH > 2 ** 28) throw rangeError('a sheet of at most 2^28 pixels', 'options', `${sheetW} x ${sheetH}`);
  const plane = height * width;
  const subset = planes.data.subarray(0, count * plane);
  const decoded = decodeSync({ data: subset, shape: [count, height, width] }, { method: options.method ?? 'argmax' } as DecodeOptions);
  const png = new PNG({ width: sheetW, height: sheetH });
  const px = png.data;
  // Background: dark blue-grey, so black tiles stand out.
  for (let i = 0; i < sheetW * sheetH; i++) px.set([40, 44, 52, 255], i * 4);
  for (let t = 0; t < count; t++) {
    const ox = GAP + (t % columns) * (tileW + GAP);
    const oy = GAP + Math.floor(t / columns) * (tileH + GAP);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < plane; i++) {
      const v = subset[t * plane + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi > lo && Number.isFinite(hi - lo) ? hi - lo : 1;
    for (let r = 0; r < tileH; r++) {
      for (let c = 0; c < tileW; c++) {
        const v = subset[t * plane + Math.floor(r / scale) * width + Math.floor(c / scale)];
        const g = Number.isFinite(v) ? Math.round(((v - (hi > lo ? lo : 0)) / span) * 255) : 0;
        const at = ((oy + r) * sheetW + ox + c) * 4;
        px[at] = px[at + 1] = px[at + 2] = Math.max(0, Math.min(255, g));
      }
    }
    if (decoded.valid[t]) {
      const cx = Math.round(ox + (decoded.coords[2 * t] + 0.5) * scale - 0.5);
      const cy = Math.round(oy + (decoded.coords[2 * t + 1] + 0.5) * scale - 0.5);
      const arm = Math.max(3, 2 * scale);
      for (let d = -arm; d <= arm; d++) {
        for (const [x, y] of [[cx + d, cy], [cx, cy + d]]) {
          if (x >= ox && x < ox + tileW && y >= oy && y < oy + tileH) px.set([255, 40, 40, 255], (y * sheetW + x) * 4);
        }
      }
    }
  }
  return { png: PNG.sync.write(png), shown: count };
}

/** Writes {@link previewPng}'s sheet to a file (through a temporary name). Resolves with the planes drawn. */
export async function writePreview(file: string, input: { data: Float32Array | Uint8Array; shape: readonly number[] }, options?: PreviewOptions): Promise<number> {
  const { png, shown } = previewPng(input, options);
  await writeFileAtomic(file, [png]);
  return shown;
}
