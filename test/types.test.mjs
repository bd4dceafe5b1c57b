import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { simd } from 'coordconv';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = fileURLToPath(new URL('types/tsconfig.json', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

// The declarations do not depend on the SIMD path: check them once, on the best path.
const once = simd().active === simd().available[0] ? test : test.skip;

once('the published declarations accept documented usage and reject the rest', async (t) => {
  // tsc is not coordconv: under the sanitizer run it need not carry ASan (slow, and leak-checked).
  const env = { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: '' };
  const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', project], { env }).catch((e) => e);
  t.is(stdout, '');
});

// Consumers on the old resolution (moduleResolution node10, TypeScript's default for CommonJS before
// 5.x) ignore "exports": typesVersions maps coordconv/fastify to its declarations for them.
once('coordconv and coordconv/fastify resolve their types under moduleResolution node10', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-node10-'));
  try {
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(root, path.join(dir, 'node_modules', 'coordconv'), 'dir');
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', strict: true, noEmit: true, esModuleInterop: true, types: [] }, files: ['use.ts'] }),
    );
    writeFileSync(
      path.join(dir, 'use.ts'),
      [
        "import coordconvFastify from 'coordconv/fastify';",
        "import type { DefaultOptions } from 'coordconv/fastify';",
        "import { decodeSync } from 'coordconv';",
        "const defaults: DefaultOptions = { method: 'dark', sigma: 2 };",
        "const plugin: typeof coordconvFastify = coordconvFastify;",
        'const r = decodeSync({ data: new Float32Array(4), shape: [2, 2] });',
        'export const used = [defaults, plugin, r.coords.length];',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: '' };
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { env }).catch((e) => e);
    t.is(stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
