// transform and topdownTransforms: documented usage compiles, misuse does not.
import { decode, decodeSimccSync, decodeSync, peaksSync, topdownTransforms } from 'coordconv';
import type { AffineTransforms, TopdownBoxes, TopdownOptions, TopdownTransforms, TransformOption } from 'coordconv';

const heat = { data: new Float32Array(2 * 17 * 64 * 48), shape: [2, 17, 64, 48] };
const boxes: TopdownBoxes = { data: Float64Array.of(10, 20, 110, 220, 5, 5, 300, 40), shape: [2, 4] };
const options: TopdownOptions = { inputSize: [192, 256], heatmapSize: [48, 64], padding: 1.25, udp: true, rotation: [0, 30] };
const made: TopdownTransforms = topdownTransforms(boxes, options);
const data: Float64Array = made.toImage.data;
const matrix: AffineTransforms = made.toInput;
topdownTransforms({ data: new Float32Array(4), shape: [1, 4] }, { inputSize: [192, 256], heatmapSize: [48, 64], rotation: 15 });
topdownTransforms(boxes, { inputSize: [192, 256], heatmapSize: [48, 64], rotation: Float32Array.of(1, 2) });

decodeSync(heat, { method: 'dark', transform: made.toImage });
decodeSync(heat, { transform: { data: new Float32Array(12), shape: [2, 2, 3] } });
const later: Promise<unknown> = decode(heat, { method: 'exact', transform: matrix, transfer: true });
peaksSync(heat, { over: 'image', transform: made.toImage });
decodeSimccSync({ x: { data: new Float32Array(384), shape: [1, 384] }, y: { data: new Float32Array(512), shape: [1, 512] } }, { method: 'dark', transform: { data: new Float64Array(6), shape: [2, 3] } });
const option: TransformOption = { transform: made.toImage };

// @ts-expect-error the matrices are a Float32Array or Float64Array
decodeSync(heat, { transform: { data: [1, 0, 0, 0, 1, 0], shape: [1, 2, 3] } });
// @ts-expect-error a transform is { data, shape }, not the bare array
decodeSync(heat, { transform: new Float64Array(12) });
// @ts-expect-error inputSize is required
topdownTransforms(boxes, { heatmapSize: [48, 64] });
// @ts-expect-error sizes are [width, height] pairs
topdownTransforms(boxes, { inputSize: 192, heatmapSize: [48, 64] });
// @ts-expect-error boxes are { data, shape }
topdownTransforms([10, 20, 110, 220], options);
// @ts-expect-error udp is a boolean
topdownTransforms(boxes, { ...options, udp: 'yes' });

void data; void later; void option;
