// `coordconv preview FILE --out sheet.png`: a contact sheet of planes with their decoded coordinates.
import { PREVIEW_COUNT, writePreview } from '../preview';
import { HELP_FLAG, METHOD_FLAG, OUT_FLAG, parseFlags, readInt, stringFlags } from './flags';
import { channelsFirst, INPUT_FLAGS, readInput } from './input';

export const summary = 'draw a PNG contact sheet of planes with their decoded coordinates marked';

export const USAGE = `Usage: coordconv preview FILE [--array NAME] [--layout nchw|nhwc] [--count N] [--columns C]
                         [--method M] [--scale S] --out sheet.png

Draws the first N planes (default 16) in C columns (default 4), each scaled to 0..255 and
enlarged S times (default 2), with the decoded coordinate marked by a red cross.`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: { ...HELP_FLAG, ...OUT_FLAG, ...INPUT_FLAGS, ...METHOD_FLAG, ...stringFlags('count', 'columns', 'scale') },
  });
  if (values.help) return void console.log(USAGE);
  const count = readInt(values.count, '--count');
  // An array is read only as far as its first planes: a preview of a 4 GB file reads kilobytes.
  const wanted = count === undefined ? PREVIEW_COUNT : Number.isSafeInteger(count) && count > 0 ? count : undefined;
  const { out, planes } = await readInput('preview', positionals, values, 'sheet', ['.png'], wanted);
  const shown = await writePreview(out, channelsFirst(planes), {
    count,
    columns: readInt(values.columns, '--columns'),
    scale: readInt(values.scale, '--scale'),
    method: (values.method ?? 'argmax') as 'argmax',
  });
  console.log(`${out}: ${shown} planes`);
}
