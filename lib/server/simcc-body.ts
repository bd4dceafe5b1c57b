// The HTTP edges of the SimCC endpoint: an .npz body holding the model's two outputs, and the
// query's pairs. No Fastify here.
import { describe, rangeError } from '../errors';
import { parseNpz } from '../io/npz';
import type { SimccInput } from '../simcc';
import { bodyTensor, queryValue } from './http';

/** The entry names the x and y vectors may have: short, or as RTMPose's ONNX outputs are named. */
const NAMES = [['x', 'y'], ['simcc_x', 'simcc_y']] as const;

/**
 * Reads an application/x-npz body with the entries `x` and `y` (or `simcc_x` and `simcc_y`), each
 * [N, K, W] or [K, W], float32 or uint8; their shapes are left to the library, so its messages stand.
 */
export function readSimccBody(body: Buffer): SimccInput {
  const arrays = parseNpz(body, 'the request body');
  for (const [x, y] of NAMES) {
    if (arrays[x] && arrays[y]) {
      return { x: bodyTensor(arrays[x], `the request body's ${x}`), y: bodyTensor(arrays[y], `the request body's ${y}`) };
    }
  }
  throw rangeError('.npz entries x and y (or simcc_x and simcc_y)', 'the request body', `entries ${describe(Object.keys(arrays).join(', '))}`);
}

/** The keys whose query value may be a pair, `sigma=4.9,5.66`. */
const PAIRS = ['sigma', 'kernel'];

/** Turns `a,b` in the pair keys into [a, b] (each converted as queryValue does); the rest stays as it is. */
export function readSimccPairs(options: Record<string, unknown>): Record<string, unknown> {
  for (const key of PAIRS) {
    const v = options[key];
    if (typeof v === 'string' && v.includes(',')) options[key] = v.split(',').map((p) => queryValue(p.trim()));
  }
  return options;
}
