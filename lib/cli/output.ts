// The coordinate files of decode: .npy holds x, y per plane (NaN where invalid); .csv and .json
// also hold score and valid (.json in the HTTP plugin's shape: flat arrays, null for NaN).
import { toJsonText, type ResultArrays } from '../decode-json';
import { writeFileAtomic } from '../io/atomic';
import { encodeNpy } from '../io/npy';

function toCsv(result: ResultArrays): string {
  const lead = result.shape;
  const index = lead.map((_, k) => `i${k}`);
  const lines = [[...index, 'x', 'y', 'score', 'valid'].join(',')];
  for (let i = 0; i < result.valid.length; i++) {
    const idx: number[] = [];
    let rest = i;
    for (let k = lead.length - 1; k >= 0; k--) {
      idx.unshift(rest % lead[k]);
      rest = Math.floor(rest / lead[k]);
    }
    lines.push([...idx, result.coords[2 * i], result.coords[2 * i + 1], result.scores[i], result.valid[i]].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const ENCODERS: Record<string, (result: ResultArrays) => Uint8Array> = {
  '.npy': (result) => encodeNpy({ data: result.coords, shape: [...result.shape, 2] }),
  '.csv': (result) => Buffer.from(toCsv(result)),
  '.json': (result) => Buffer.from(toJsonText(result)),
};

/** The extensions decode's --out may end in. */
export const COORDS_FILES: readonly string[] = Object.keys(ENCODERS);

/** Writes `result` to `file` (whole or not at all) in the format of its extension `ext`, one of {@link COORDS_FILES}. */
export async function writeCoords(file: string, ext: string, result: ResultArrays): Promise<void> {
  await writeFileAtomic(file, [ENCODERS[ext](result)]);
}
