// README's CLI block, run top to bottom in an empty folder: every line must succeed, and the files
// the later lines read must be the ones the earlier lines wrote.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'cli', 'main.js');

// The sh block that runs `coordconv generate --preset`: its lines without comments.
function readmeCliLines() {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.includes('coordconv generate --preset'));
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

// Plain JS: once per suite (the avx2 pass, or the only pass of a forced path).
const once = !process.env.COORDCONV_ADDON && [undefined, '', 'avx2', 'neon'].includes(process.env.COORDCONV_SIMD);

(once ? test : test.skip)("README's CLI block runs top to bottom in an empty folder", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const lines = readmeCliLines();
  t.true(lines.length >= 4);
  for (const line of lines) {
    const [npx, name, ...args] = line.split(/\s+/);
    t.is(`${npx} ${name}`, 'npx coordconv', line);
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
    t.is(r.status, 0, `${line}\n${r.stderr}`);
  }
  // What the lines claim: the Not-so-CLEVR one-hots decode to their 2407 training locations.
  t.regex(readFileSync(path.join(dir, 'clevr.json'), 'utf8'), /"valid":\[1(,1){2406}\]/);
  for (const file of ['coords.csv', 'sheet.png']) t.true(existsSync(path.join(dir, file)), file);
});
