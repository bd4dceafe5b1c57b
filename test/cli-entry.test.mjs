// The two entry points a new user types first: `coordconv --version` and `npm start -- --help`.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = (...args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const cli = path.join(root, 'dist', 'cli', 'main.js');
const demo = path.join(root, 'examples', 'demo.mjs');

test('coordconv --version, -V and version print the version of package.json and exit 0', (t) => {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const flag of ['--version', '-V', 'version']) {
    t.deepEqual(node(cli, flag), { code: 0, out: `${version}\n`, err: '' }, flag);
  }
  t.regex(node(cli, '--help').out, /'coordconv --version' for the version/);
});

test('the demo: --help prints its usage and exits 0; an unknown flag names it with the usage and exits 2', (t) => {
  const usage = 'usage: npm start -- [--planes N] [--height H] [--width W] [--dtype float32|uint8] [--repeat R]';
  for (const flag of ['--help', '-h']) {
    const r = node(demo, flag);
    t.is(r.code, 0, flag);
    t.true(r.out.endsWith(`${usage}\n`), r.out);
  }
  t.deepEqual(node(demo, '--bogus'), { code: 2, out: '', err: `Unknown option '--bogus'\n${usage}\n` });
  t.deepEqual(node(demo, '--planes', '0'), { code: 2, out: '', err: `${usage}\n` });
});
