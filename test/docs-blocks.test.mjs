// Every fenced code block of README.md and docs/*.md runs, so the docs cannot go stale. The rules
// (also in docs/architecture.md, "Docs that run"):
// - js / mjs blocks run as ES modules with `require` defined too, against the built package (a fresh
//   project whose node_modules holds coordconv, linked to this repository, and the repository's own
//   dependencies); ts blocks are type-checked (strict) and compiled with the repository's tsc, then run;
//   sh / bash blocks run under `bash -e -o pipefail` (every line must succeed) with the package's
//   `coordconv` bin on PATH; python blocks run with NumPy (skipped, with a note, without it, as are
//   shell blocks that call python).
// - The blocks of one file run in order in one fresh empty folder, outside the repository: a later
//   block reads what an earlier one wrote. What a block leaves running (a server, or what a shell
//   block started in the background) runs until the file's last block has run, then is stopped.
// - In js blocks, a line `expr; // 12` or `expr; // [8, 6, 32, 48]` (plain numbers; prose may follow)
//   states its value: the test checks it (a typed array or a shape element by element).
// - `<!-- given: code -->` right above a block runs first, in the block's language: the inputs a
//   snippet uses without showing how they were made.
// - `<!-- not run: reason -->` right above a block skips it; the reason is required.
// - text / json / console blocks are listings and never run; an untagged block, or an unknown
//   language, is a failure (tag it).
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkStatedValues, docBlocks, STATED_CHECK } from './helpers/doc-blocks.mjs';
import { hasNumpy, missingNote } from './helpers/python.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LISTINGS = new Set(['text', 'txt', 'json', 'console', 'output']);
const RUNNERS = { js: 'js', mjs: 'js', javascript: 'js', ts: 'ts', typescript: 'ts', sh: 'sh', bash: 'sh', shell: 'sh', python: 'python', py: 'python' };
// One block may take this long; the whole file stays well under a minute on two cores.
const BLOCK_TIMEOUT = 60_000;

const documents = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

// Plain JS around the built package: once per suite (the avx2 pass, or the only pass of a forced path).
const once = !process.env.COORDCONV_ADDON && [undefined, '', 'avx2', 'neon'].includes(process.env.COORDCONV_SIMD);

// A fresh project outside the repository: node_modules/coordconv is this repository (as an install
// would place it), the other entries its dependencies; node_modules/.bin/coordconv the CLI.
const base = mkdtempSync(path.join(tmpdir(), 'coordconv-docs-'));
test.after.always(() => rmSync(base, { recursive: true, force: true }));
function makeProject() {
  const modules = path.join(base, 'node_modules');
  mkdirSync(path.join(modules, '.bin'), { recursive: true });
  for (const entry of readdirSync(path.join(root, 'node_modules'))) {
    if (!entry.startsWith('.')) symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
  symlinkSync(root, path.join(modules, 'coordconv'));
  // npm makes the bin executable on install; a shim does it here without touching dist/.
  writeFileSync(path.join(modules, '.bin', 'coordconv'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(modules, 'coordconv', 'dist', 'cli', 'main.js')}" "$@"\n`, { mode: 0o755 });
  writeFileSync(path.join(base, 'package.json'), JSON.stringify({ name: 'docs-project', private: true, type: 'module', dependencies: { coordconv: '*' } }));
  mkdirSync(path.join(base, 'blocks'));
}
if (once) makeProject();

const env = { ...process.env, PATH: `${path.join(base, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`, npm_config_offline: 'true' };

// Runs a command; resolves with its status and output, or, once `done` fires with the process still
// running after a moment (a server it started), with the process left running.
function run(command, args, { cwd, detached = false, ipc = false }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stop(child).then(() => resolve({ status: 'timeout', stdout, stderr }));
    }, BLOCK_TIMEOUT);
    child.on('message', () => {
      setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        clearTimeout(timer);
        resolve({ status: 0, stdout, stderr, running: child });
      }, 500);
    });
    child.on('error', reject);
    // 'exit', not 'close': what a shell block started in the background may hold its output open.
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status: status ?? signal, stdout, stderr, ...(detached ? { running: child } : {}) });
    });
  });
}

// Stops a process and, when it leads a group (the shell blocks), everything it started; resolves
// once it is gone (its port free for the next file), after SIGKILL if SIGTERM was not enough.
async function stop(child) {
  const group = child.spawnargs[0] === 'bash';
  const signal = (name) => {
    try {
      process.kill(group ? -child.pid : child.pid, name);
      return true;
    } catch {
      return false; // already gone
    }
  };
  for (const name of ['SIGTERM', 'SIGKILL']) {
    if (!signal(name)) return;
    for (let i = 0; i < 20 && signal(0); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const REQUIRE = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

async function runBlock(kind, block, name, cwd, document) {
  const given = block.given ? `${block.given}\n` : '';
  if (kind === 'js') {
    const file = path.join(base, 'blocks', `${name}.mjs`);
    const code = checkStatedValues(block.code, (i) => `${document}:${block.line + 1 + i}`);
    writeFileSync(file, `${REQUIRE} ${STATED_CHECK}\n${given}${code}\n;process.send?.('done');\n`);
    return run(process.execPath, [file], { cwd, ipc: true });
  }
  if (kind === 'ts') {
    const dir = path.join(base, 'blocks', name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'block.ts'), `${given}${block.code}\n;process.send?.('done');\nexport {};\n`);
    const compilerOptions = { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', outDir: 'out', skipLibCheck: true, types: ['node'] };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['block.ts'] }));
    const tsc = await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir });
    if (tsc.status !== 0) return { status: tsc.status, stdout: '', stderr: `tsc: ${tsc.stdout}${tsc.stderr}` };
    return run(process.execPath, [path.join(dir, 'out', 'block.js')], { cwd, ipc: true });
  }
  // In a process group of its own, so that what it starts in the background can be stopped with it.
  if (kind === 'sh') return run('bash', ['-e', '-o', 'pipefail', '-c', `${given}${block.code}`], { cwd, detached: true });
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  return run(python, ['-c', `${given}${block.code}`], { cwd });
}

// The rules as the parser reads them, on a document made for the purpose.
(once ? test : test.skip)('blocks: fences of backticks or tildes, indented in lists, with the comment right above', (t) => {
  const markdown = [
    '<!-- not run: needs a GPU -->', '```sh', 'nvidia-smi', '```', '',
    '<!-- given:', 'const x = 1;', '-->', '', '```js', 'x;', '```',
    '- item', '  ```Python', '  print(1)', '    indented', '  ```',
    '<!-- a remark, not a rule -->', '~~~~', '``` not a fence inside', '~~~~',
    '```text', 'listing',
  ].join('\n');
  t.is(
    checkStatedValues(['r.shape;  // [64, 17]', 'n; // 2407 (val: 729)', 'x; // 0.42, as NumPy', 'const a = 1; // 1', 'f(); // Float32Array [2]', 'g(); // [N, 2]'].join('\n'), (i) => `d.md:${i + 1}`),
    ["__stated(r.shape, [64, 17], \"d.md:1\");", '__stated(n, 2407, "d.md:2");', '__stated(x, 0.42, "d.md:3");', 'const a = 1; // 1', 'f(); // Float32Array [2]', 'g(); // [N, 2]'].join('\n'),
  );
  t.deepEqual(docBlocks(markdown), [
    { line: 2, lang: 'sh', code: 'nvidia-smi', notRun: 'needs a GPU' },
    { line: 10, lang: 'js', code: 'x;', given: 'const x = 1;' },
    { line: 14, lang: 'python', code: 'print(1)\n  indented' },
    { line: 19, lang: '', code: '``` not a fence inside' },
    { line: 22, lang: 'text', code: 'listing' },
  ]);
});

for (const document of documents) {
  (once ? test.serial : test.skip)(`${document}: every code block runs`, async (t) => {
    const blocks = docBlocks(readFileSync(path.join(root, document), 'utf8'));
    const cwd = mkdtempSync(path.join(base, `${path.basename(document, '.md')}-`));
    const running = [];
    t.teardown(() => Promise.all(running.map(stop)));
    let ran = 0;
    const failures = [];
    for (const block of blocks) {
      const where = `${document}:${block.line}`;
      if (LISTINGS.has(block.lang)) continue;
      if (block.notRun !== undefined) {
        if (block.notRun === '') failures.push(`${where}: <!-- not run: --> needs a reason`);
        t.log(`${where} not run: ${block.notRun}`);
        continue;
      }
      const kind = RUNNERS[block.lang];
      if (!kind) {
        failures.push(`${where}: a block tagged "${block.lang}" (untagged, or a language without a runner): tag it, \`\`\`text for a listing`);
        continue;
      }
      if ((kind === 'python' || /\bpython3?\b/.test(block.code)) && !hasNumpy) {
        t.log(`${where} skipped: ${missingNote('numpy')}`);
        continue;
      }
      const started = Date.now();
      const r = await runBlock(kind, block, `${path.basename(document, '.md')}-${block.line}`, cwd, document);
      t.log(`${where} (${block.lang}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (r.running) running.push(r.running);
      ran++;
      if (r.status !== 0) failures.push(`${where} (${block.lang}) exited with ${r.status}:\n${block.code}\n--- stderr:\n${r.stderr.slice(-2000)}\n--- stdout:\n${r.stdout.slice(-1000)}`);
    }
    t.log(`${ran} blocks ran`);
    // All failures at once (a later block may fail only because an earlier one did).
    t.is(failures.join('\n\n'), '');
  });
}
