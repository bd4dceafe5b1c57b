// The loader's order and its error: dist/load-addon.js is copied into a package-like folder that
// holds some of prebuilds/<platform>-<arch>/coordconv.node and build/Release/coordconv.node, and a
// child Node.js reports which file it loaded (or the Error it threw).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The addon this run tests (the sanitizer build under --asan), as the real file to place.
const built = process.env.COORDCONV_ADDON ?? path.join(root, 'build', 'Release', 'coordconv.node');
const platform = `${process.platform}-${process.arch}`;
const PREBUILT = path.join('prebuilds', platform, 'coordconv.node');
const SOURCE = path.join('build', 'Release', 'coordconv.node');

// files: { [relative path]: 'addon' | 'garbage' }. Resolves with the loaded .node file (relative) or the error.
function load(t, files, env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-loader-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'dist'));
  copyFileSync(path.join(root, 'dist', 'load-addon.js'), path.join(dir, 'dist', 'load-addon.js'));
  for (const [file, kind] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    if (kind === 'addon') copyFileSync(built, path.join(dir, file));
    else writeFileSync(path.join(dir, file), 'not an ELF file');
  }
  const script = `
    try {
      require('./dist/load-addon.js').loadAddon();
      const file = Object.keys(require.cache).find((k) => k.endsWith('.node'));
      console.log(JSON.stringify({ file: require('path').relative(process.cwd(), file) }));
    } catch (e) { console.log(JSON.stringify({ error: e.constructor.name, message: e.message })); }`;
  const childEnv = { ...process.env, ...env };
  if (!('COORDCONV_ADDON' in env)) delete childEnv.COORDCONV_ADDON;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: dir, env: childEnv, encoding: 'utf8' });
  t.is(child.status, 0, child.stderr);
  return { dir, ...JSON.parse(child.stdout) };
}

test('the prebuilt addon for this platform is taken before the source build', (t) => {
  t.is(load(t, { [PREBUILT]: 'addon', [SOURCE]: 'addon' }).file, PREBUILT);
  t.is(load(t, { [PREBUILT]: 'addon' }).file, PREBUILT);
});

test('the source build is taken where no prebuilt addon exists or it does not load', (t) => {
  t.is(load(t, { [SOURCE]: 'addon' }).file, SOURCE);
  t.is(load(t, { [PREBUILT]: 'garbage', [SOURCE]: 'addon' }).file, SOURCE);
  // Another platform's prebuilt addon is never looked at.
  t.is(load(t, { [path.join('prebuilds', 'other-cpu', 'coordconv.node')]: 'garbage', [SOURCE]: 'addon' }).file, SOURCE);
});

test('COORDCONV_ADDON wins over both', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-override-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const override = path.join(dir, 'other.node');
  copyFileSync(built, override);
  const r = load(t, { [PREBUILT]: 'addon', [SOURCE]: 'addon' }, { COORDCONV_ADDON: override });
  t.is(path.resolve(r.dir, r.file), override);
});

test('no addon at all: an Error that lists what was tried and says what to run', (t) => {
  const r = load(t, {});
  t.is(r.error, 'Error');
  t.false(r.message.includes('Cannot find module'));
  t.true(r.message.startsWith(`coordconv: no native addon loads for ${platform} (Node.js ${process.version}).\n`), r.message);
  t.true(r.message.includes(`  ${PREBUILT}: no prebuilt addon for this platform\n`), r.message);
  t.true(r.message.includes(`  ${SOURCE}: not built from source\n`), r.message);
  t.true(r.message.includes('install CMake >= 3.15, a C++20 compiler (g++ or clang++) and make, then run `npm rebuild coordconv`'), r.message);
});

test('an addon that does not load: the Error gives its loader message', (t) => {
  const r = load(t, { [PREBUILT]: 'garbage' });
  t.is(r.error, 'Error');
  t.regex(r.message, new RegExp(`  ${PREBUILT.replaceAll('/', '\\/')}: .*(invalid ELF header|file too short)`), r.message);
  t.true(r.message.includes('npm rebuild coordconv'));
});

test('an error the addon throws while loading is thrown as it is, not taken for a missing file', (t) => {
  const unrunnable = process.arch === 'arm64' ? 'avx2' : 'neon';
  const r = load(t, { [PREBUILT]: 'addon', [SOURCE]: 'addon' }, { COORDCONV_SIMD: unrunnable });
  t.is(r.error, 'RangeError');
  t.true(r.message.startsWith('Expected one of '), r.message);
  t.true(r.message.includes(`but received "${unrunnable}"`), r.message);
});
