// Decode results as JSON, one shape for the HTTP plugin's responses and the CLI's .json files.
import type { DecodeResult } from './decode';

/** A decode result as JSON: flat arrays as in the library, with NaN (an invalid plane's coordinates) as null. */
export interface DecodeJson {
  shape: number[];
  coords: (number | null)[];
  scores: (number | null)[];
  valid: number[];
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** What a result carries: a DecodeResult's, or a SimccResult's, arrays. */
export type ResultArrays = Pick<DecodeResult, 'coords' | 'scores' | 'valid' | 'shape'>;

export function toJson(result: ResultArrays): DecodeJson {
  return {
    shape: result.shape,
    coords: Array.from(result.coords, orNull),
    scores: Array.from(result.scores, orNull),
    valid: Array.from(result.valid),
  };
}

/** The JSON text of a result, ending in a newline. */
export const toJsonText = (result: ResultArrays): string => `${JSON.stringify(toJson(result))}\n`;
