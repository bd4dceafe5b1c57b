// mergeFlipped: documented usage compiles, misuse does not.
import { FLIP_INDICES, mergeFlipped, mergeFlippedSync } from 'coordconv';
import type { FlipIndexArray, FlipOptions, FlipPreset, MergedHeatmaps, MergedSimcc, SimccFlipOptions } from 'coordconv';

const heatmaps = { data: new Float32Array(17 * 64 * 48), shape: [1, 17, 64, 48] };
const flipped = { data: new Uint16Array(17 * 64 * 48), dims: [1, 17, 64, 48], type: 'float16' as const };

const merged: MergedHeatmaps = mergeFlippedSync(heatmaps, flipped, { flipIndices: 'coco17', shift: true });
const data: Float32Array = merged.data;
const later: Promise<MergedHeatmaps> = mergeFlipped(heatmaps, heatmaps, { flipIndices: [0, 2, 1], layout: 'nhwc', transfer: true });
void later.then((done) => done.input?.[1].length);
const preset: FlipPreset = 'coco-wholebody133';
const options: FlipOptions = { flipIndices: preset, out: new Float32Array(17 * 64 * 48) };
mergeFlippedSync(heatmaps, heatmaps, options);
const twin: number = FLIP_INDICES.coco17[1];
const fromNumpy: FlipIndexArray = Int32Array.from(FLIP_INDICES.coco17);
mergeFlippedSync(heatmaps, heatmaps, { flipIndices: fromNumpy });

const x = { data: new Float32Array(17 * 384), shape: [1, 17, 384] };
const y = { data: new Uint8Array(17 * 512), shape: [1, 17, 512] };
const simcc: MergedSimcc = mergeFlippedSync({ x, y }, { x, y }, { flipIndices: 'coco17' });
const sx: Float32Array = simcc.x.data;
const simOptions: SimccFlipOptions = { flipIndices: 'coco17', out: { x: new Float32Array(17 * 384), y: new Float32Array(17 * 512) } };
const simLater: Promise<MergedSimcc> = mergeFlipped({ x, y }, { x, y }, simOptions);

// @ts-expect-error flipIndices is required
mergeFlippedSync(heatmaps, heatmaps, { shift: true });
// @ts-expect-error an unknown preset
mergeFlippedSync(heatmaps, heatmaps, { flipIndices: 'coco' });
// @ts-expect-error SimCC has no shift
mergeFlippedSync({ x, y }, { x, y }, { flipIndices: 'coco17', shift: true });
// @ts-expect-error an unknown layout
mergeFlippedSync(heatmaps, heatmaps, { flipIndices: 'coco17', layout: 'chw' });
// @ts-expect-error Float64Array is not a supported dtype
mergeFlippedSync({ data: new Float64Array(4), shape: [1, 1, 2, 2] }, heatmaps, { flipIndices: [0] });
// @ts-expect-error float indices are not flip indices
mergeFlippedSync(heatmaps, heatmaps, { flipIndices: new Float32Array(17) });
// @ts-expect-error no options at all
mergeFlippedSync(heatmaps, heatmaps);

export { data, twin, sx, simLater };
