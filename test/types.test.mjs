import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { simd } from 'coordconv';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = fileURLToPath(new URL('types/tsconfig.json', import.meta.url));

// The declarations do not depend on the SIMD path: check them once, on the best path.
const once = simd().active === simd().available[0] ? test : test.skip;

once('the published declarations accept documented usage and reject the rest', async (t) => {
  // tsc is not coordconv: under the sanitizer run it need not carry ASan (slow, and leak-checked).
  const env = { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: '' };
  const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', project], { env }).catch((e) => e);
  t.is(stdout, '');
});
