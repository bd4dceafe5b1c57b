// decodeBoxes: documented usage compiles, misuse does not.
import { decodeBoxes, decodeBoxesSync } from 'coordconv';
import type { BoxMapInput, BoxesOptions, BoxesResult } from 'coordconv';

const hm = { data: new Float32Array(80 * 128 * 128), shape: [1, 80, 128, 128] };
const wh: BoxMapInput = { data: new Float32Array(2 * 128 * 128), dims: [1, 2, 128, 128] };
const reg: BoxMapInput = { data: new Uint16Array(2 * 128 * 128), shape: [1, 2, 128, 128], type: 'float16' };

const r: BoxesResult = decodeBoxesSync(hm, { sizes: wh, offsets: reg, k: 100, threshold: 0.3 });
const boxes: Float32Array = r.boxes;
const classes: Uint32Array = r.classes;
const counts: Uint32Array = r.counts;
decodeBoxesSync({ data: new Uint8Array(80 * 128 * 128), shape: [1, 128, 128, 80] }, { sizes: wh, layout: 'nhwc', window: 3 });
const later: Promise<BoxesResult> = decodeBoxes(hm, { sizes: wh, transfer: true });
void later.then((done) => done.input?.sizes.length);
const options: BoxesOptions = { sizes: wh, threshold: -3.4e38 };
decodeBoxesSync(hm, options);

// @ts-expect-error sizes is required
decodeBoxesSync(hm, { k: 100 });
// @ts-expect-error options are required
decodeBoxesSync(hm);
// @ts-expect-error sizes are not Uint8
decodeBoxesSync(hm, { sizes: { data: new Uint8Array(4), shape: [1, 2, 1, 2] } });
// @ts-expect-error an unknown layout
decodeBoxesSync(hm, { sizes: wh, layout: 'hwc' });

export { boxes, classes, counts };
