// Runs the ava suite once per SIMD path this CPU has (COORDCONV_SIMD forces each), and with
// --asan against the sanitizer build. Ends with one plain line: "N passed, N failed".
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const asan = args.includes('--asan');
const avaArgs = args.filter((a) => a !== '--asan');
const isFile = (a) => /\.m?js$/.test(a);
const flags = avaArgs.filter((a) => !isFile(a));
const given = avaArgs.filter(isFile);

// Files about the HTTP plugin and the CLI run with the first path only. They decode through the
// same kernels the other files test on every path, and their time goes to child processes,
// sockets and timers: run once, they took the sanitizer run on two paths from 443 to 279 s.
const FIRST_PATH_ONLY = new Set(
  ['properties-http', 'cli', 'cli-entry', 'cli-simcc', 'serve-cli', 'server', 'server-slow-clients', 'server-client-errors', 'server-simcc', 'body-reading']
    .map((name) => path.join('test', `${name}.test.mjs`)),
);
// The first path runs what ava would (the files given, else package.json's test/**/*.test.mjs);
// the later ones the same files, listed, less those above.
const chosen = given.length > 0
  ? given.map((f) => path.relative(root, path.resolve(f)))
  : readdirSync(path.join(root, 'test'), { recursive: true }).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join('test', f));
const laterFiles = chosen.filter((f) => !FIRST_PATH_ONLY.has(f));

const env = { ...process.env };
if (asan) {
  const addon = path.join(root, 'build-asan', 'Release', 'coordconv.node');
  if (!existsSync(addon)) {
    console.error('The sanitizer build is missing: run `npm run build:asan` first.');
    process.exit(2);
  }
  const libasan = execFileSync('gcc', ['-print-file-name=libasan.so']).toString().trim();
  env.COORDCONV_ADDON = addon;
  env.LD_PRELOAD = libasan;
  // LeakSanitizer checks every test process at exit; test/lsan.supp lists (with reasons) the
  // only allocations it may ignore, none of them coordconv's.
  env.ASAN_OPTIONS = 'detect_leaks=1:abort_on_error=1';
  env.LSAN_OPTIONS = `suppressions=${path.join(root, 'test', 'lsan.supp')}:print_suppressions=0`;
  env.UBSAN_OPTIONS = 'halt_on_error=1:print_stacktrace=1';
}

// The paths come from the addon itself, so a path is tested exactly when this CPU can run it.
const probe = spawnSync(process.execPath, ['-e', "console.log(JSON.stringify(require('coordconv').simd().available))"], {
  cwd: root,
  env: { ...env, COORDCONV_SIMD: '' },
  encoding: 'utf8',
});
if (probe.status !== 0) {
  process.stderr.write(probe.stderr);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const paths = process.env.COORDCONV_SIMD ? [process.env.COORDCONV_SIMD] : JSON.parse(probe.stdout);

const ava = path.join(path.dirname(createRequire(import.meta.url).resolve('ava')), 'cli.mjs');

function runAva(simd, files) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ava, '--tap', ...flags, ...files], {
      cwd: root,
      env: { ...env, COORDCONV_SIMD: simd },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => {
      const count = (label) => Number((text.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) ?? [0, 0])[1]);
      const passed = count('pass');
      let failed = count('fail');
      // A run that crashed before its summary, or exited non-zero with nothing failed, still failed.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ passed, failed, skipped: count('skip') });
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const [i, simd] of paths.entries()) {
  console.log(`\n# ---- COORDCONV_SIMD=${simd}${asan ? ' (ASan/UBSan build)' : ''} ----`);
  const files = i === 0 ? given : laterFiles;
  if (i > 0 && files.length === 0) {
    console.log(`# ${simd}: nothing to run (the files given run with the first path only)`);
    continue;
  }
  if (i > 0 && files.length < chosen.length) console.log(`# ${simd}: ${chosen.length - files.length} file(s) of the HTTP plugin and the CLI ran with ${paths[0]} only`);
  const r = await runAva(simd, files);
  console.log(`# ${simd}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
