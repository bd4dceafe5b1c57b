// `npm run bench`: installs bench/'s own dependencies when they are missing or stale, then runs
// every bench/*.bench.mjs (or the ones named: `npm run bench -- decode`), each in its own process,
// in name order. Each bench file prints its tables and writes bench/results/<name>.json.
// Exit code: 0 when every bench file ran to the end (a MISSed target is a result, not a failure).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!existsSync(path.join(root, 'dist', 'index.js')) || !existsSync(path.join(root, 'build', 'Release', 'coordconv.node'))) {
  console.error('coordconv is not built: run `npm ci` (or `npm run build`) at the repository root first.');
  process.exit(1);
}

// `npm ci` in bench/ when node_modules is absent or was installed from another lockfile. The stamp
// is the lockfile's hash, written after a successful install.
// onnxruntime-node's postinstall downloads CUDA libraries; its CPU binaries ship in the package,
// so the download is skipped (ONNXRUNTIME_NODE_INSTALL=skip).
const lock = path.join(benchDir, 'package-lock.json');
const stamp = path.join(benchDir, 'node_modules', '.coordconv-bench-stamp');
const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (have !== want) {
  console.log('# installing bench dependencies (npm ci in bench/)');
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: benchDir,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  if (r.status !== 0) {
    console.error('npm ci in bench/ failed');
    process.exit(r.status ?? 1);
  }
  writeFileSync(stamp, `${want}\n`);
}

const only = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.mjs$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`no bench file matches ${only.join(', ')}`);
  process.exit(1);
}

const failed = [];
const started = performance.now();
for (const file of files) {
  console.log(`\n# ===== ${file} =====`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(benchDir, file)], { cwd: root, stdio: 'inherit' });
  console.log(`# ${file}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  if (r.status !== 0) failed.push(file);
}
console.log(`\n# ${files.length - failed.length} of ${files.length} bench files ran in ${((performance.now() - started) / 1e3).toFixed(1)} s; results in bench/results/`);
process.exit(failed.length === 0 ? 0 : 1);
