// The `offsets` option of decode and peaks: a map read at each valid integer peak, in one of the
// two conventions models publish (native/offsets.h holds the arithmetic).
import type { NativeOffsets } from './addon';
import { isObject, rangeError, typeError } from './errors';
import { planeFields, planesShape, readPlanes, shapeKey, type Float16PlaneInput, type PlaneInput, type Planes } from './tensor';
import { formatShape, readNumber, readOptions } from './validate';

/**
 * PoseNet's offsets (tfjs-models posenet, getOffsetPoint / getImageCoords): `map` has 2K channels
 * per image, channel k the y offset and channel K + k the x offset of keypoint k, in input pixels;
 * keypoint k found at heatmap cell (x, y) is at `(x * outputStride + map[K + k], y * outputStride + map[k])`,
 * in input pixels.
 * @example { kind: 'posenet', map: { data: offsets, shape: [1, 33, 33, 34] }, outputStride: 16 }
 */
export interface PosenetOffsets {
  kind: 'posenet';
  /**
   * `[N, 2K, H, W]` for heatmaps `[N, K, H, W]` (`[H, W, 2K]` / `[N, H, W, 2K]` with layout 'nhwc';
   * `[2, H, W]` for one plane `[H, W]`, `[N, 2, H, W]` for `[N, H, W]`): the heatmaps' sides and
   * layout, Float32 or float16.
   */
  map: PlaneInput<Float32Array> | Float16PlaneInput;
  /** Required: input pixels per heatmap cell (PoseNet's outputStride: 8, 16 or 32); finite and > 0. */
  outputStride: number;
}

/**
 * CenterNet's regression head (ctdet_decode: `xs + reg[..., 0]`, `ys + reg[..., 1]`): `map` has 2
 * channels per image, x then y, in heatmap pixels, shared by every class (channel) of the image; a
 * peak at cell (x, y) is at `(x + map[0], y + map[1])`, in heatmap pixels.
 * @example { kind: 'centernet', map: { data: reg, shape: [1, 2, 128, 128] } }
 */
export interface CenternetOffsets {
  kind: 'centernet';
  /** `[N, 2, H, W]` for heatmaps `[N, C, H, W]` (`[N, H, W, 2]` with layout 'nhwc'; `[2, H, W]` for `[H, W]`). */
  map: PlaneInput<Float32Array> | Float16PlaneInput;
}

/**
 * Offsets read at each valid integer peak and added to it, before any other post-step. Decode
 * takes them with method 'argmax' only (they belong to the integer cell the model predicted them
 * at; a refined point has no cell of its own). Invalid results stay NaN; the map is read as it
 * is, so a NaN offset gives a NaN coordinate of a result still marked valid.
 */
export type OffsetsOption = PosenetOffsets | CenternetOffsets;

const KINDS = ['posenet', 'centernet'] as const;
const KEYS = { posenet: ['kind', 'map', 'outputStride'], centernet: ['kind', 'map'] } as const;
const NAME = 'options.offsets';

// Heatmaps as images of K channels: [] or [N] planes are images of one channel.
function imagesOf({ lead, layout }: Planes): { images: number; perImage: number } {
  if (layout === 'nhwc' || lead.length === 2) return { images: lead.length === 2 ? lead[0] : 1, perImage: lead[lead.length - 1] };
  return { images: lead[0] ?? 1, perImage: 1 };
}

/** The option read against the heatmaps it is for; null when absent. */
export function readOffsets(value: unknown, heatmaps: Planes): NativeOffsets | null {
  if (value === undefined) return null;
  if (!isObject(value) || Array.isArray(value) || ArrayBuffer.isView(value)) throw typeError("an object { kind: 'posenet' | 'centernet', map, ... }", NAME, value);
  const kind = value.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw typeError("one of 'posenet', 'centernet'", `${NAME}.kind`, kind);
  const k = kind as (typeof KINDS)[number];
  const opts = readOptions(value, `${NAME} (kind '${k}')`, KEYS[k]);
  const map = readPlanes(opts.map, `${NAME}.map`, { layout: heatmaps.layout, emptyBatch: true, notBytes: 'offsets are signed pixels' });
  const { images, perImage } = imagesOf(heatmaps);
  const channels = k === 'posenet' ? 2 * perImage : 2;
  const sides = [heatmaps.height, heatmaps.width];
  // The images' dimension, if any: N of [N, K, H, W] and of [N, H, W] (one channel each), N of [N, H, W, K].
  const batch = heatmaps.layout === 'nhwc' ? heatmaps.lead.slice(0, -1) : heatmaps.lead.slice(0, 1);
  const want = heatmaps.layout === 'nhwc' ? [...batch, ...sides, channels] : [...batch, channels, ...sides];
  const got = planesShape(map);
  if (formatShape(got) !== formatShape(want)) {
    const what = k === 'posenet' ? `${channels} channels (2K: y offsets then x)` : '2 channels (x then y)';
    throw rangeError(`${formatShape(want)} (${what} for heatmaps ${formatShape(planesShape(heatmaps))})`, `${NAME}.map.${shapeKey(opts.map as Record<string, unknown>, `${NAME}.map`)}`, formatShape(got));
  }
  const outputStride = k === 'posenet'
    ? readNumber(opts.outputStride, `${NAME}.outputStride`, undefined, 'a finite number > 0', (v) => Number.isFinite(v) && v > 0)
    : 0;
  return {
    kind: k,
    images,
    perImage,
    outputStride,
    ...planeFields(map),
  };
}
