// decodeSimcc: documented usage compiles, misuse does not.
import { decodeSimcc, decodeSimccSync, simccBlurKernel, SIMCC_METHODS } from 'coordconv';
import type { SimccMethod, SimccOptions, SimccResult } from 'coordconv';

const x = { data: new Float32Array(17 * 384), dims: [1, 17, 384] };
const y = { data: new Uint8Array(17 * 512), shape: [1, 17, 512] };

const r: SimccResult = decodeSimccSync({ x, y }, { splitRatio: 2 });
const coords: Float32Array = r.coords;
const lead: number[] = r.shape;
const later: Promise<SimccResult> = decodeSimcc({ x, y }, { method: 'dark', sigma: [4.9, 5.66], transfer: true });
void later.then((done) => done.input?.x.length);
decodeSimccSync({ x, y }, { method: 'dark', kernel: 29, minScore: -Infinity });
decodeSimccSync({ x, y }, { method: 'dark' });
for (const method of SIMCC_METHODS) decodeSimccSync({ x, y }, { method });
const m: SimccMethod = 'argmax';
const options: SimccOptions = { method: m, out: { coords: new Float32Array(34), scores: new Float32Array(17), valid: new Uint8Array(17) } };
decodeSimccSync({ x, y }, options);
const k: number = simccBlurKernel(4.9);

// @ts-expect-error sigma belongs to 'dark'
decodeSimccSync({ x, y }, { sigma: 2 });
// @ts-expect-error kernel belongs to 'dark'
decodeSimccSync({ x, y }, { method: 'argmax', kernel: 11 });
// @ts-expect-error y is required
decodeSimccSync({ x });
// @ts-expect-error Float64Array is not a supported dtype
decodeSimccSync({ x: { data: new Float64Array(4), shape: [1, 4] }, y });
// @ts-expect-error an unknown method
decodeSimccSync({ x, y }, { method: 'quarter' });

export { coords, lead, k };
