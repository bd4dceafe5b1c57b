// `coordconv serve` as a user runs it: a child process on an ephemeral loopback port, real
// requests, then SIGTERM with a request in flight; its flags, and the limits it sets on Node's
// server, seen from a client.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { serverLimits } from '../dist/cli/serve.js';
import { npy, openFileLimit, rawConnection, startServe } from './helpers/server.mjs';

// The coordconv command (package.json "bin") and serve's own entry.
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const standalone = fileURLToPath(new URL('../dist/cli/serve.js', import.meta.url));

function start(args) {
  const child = spawn(process.execPath, [cli, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const listening = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out}`)));
  });
  return { child, listening, output: () => out };
}

test('serve listens on loopback by default, decodes with its default options, and stops cleanly on SIGTERM', async (t) => {
  const { child, listening, output } = start(['--port', '0', '--method', 'centroid', '--threshold', '0.9', '--max-queue', '4']);
  t.teardown(() => child.kill('SIGKILL'));
  const url = await listening;
  const plane = new Float32Array(12 * 10);
  plane[4 * 10 + 7] = 1;
  plane[4 * 10 + 8] = 0.5; // below 0.9 of the maximum: left out of the centroid
  const response = await fetch(`${url}/decode`, { method: 'POST', body: npy(plane, [12, 10]), headers: { 'content-type': 'application/x-npy' } });
  t.deepEqual(await response.json(), { shape: [], coords: [7, 4], scores: [1], valid: [1] });
  t.like(await (await fetch(`${url}/health`)).json(), { status: 'ok', maxQueue: 4 });
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  t.is(code, 0);
  t.regex(output(), /SIGTERM, finishing requests in flight/);
});

test('serve --help prints the usage; a bad option exits 2 with a message', (t) => {
  const listed = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  t.regex(listed.stdout, /^ {2}serve {6}answer POST \/decode over HTTP/m);
  const help = spawnSync(process.execPath, [cli, 'serve', '--help'], { encoding: 'utf8' });
  t.is(help.status, 0);
  t.regex(help.stdout, /^Usage: coordconv serve \[options\]/);
  t.regex(help.stdout, /--host <address> +address to listen on \(default 127\.0\.0\.1/);
  t.is(spawnSync(process.execPath, [standalone, '--help'], { encoding: 'utf8' }).stdout, help.stdout);
  const bad = spawnSync(process.execPath, [cli, 'serve', '--port', 'http'], { encoding: 'utf8' });
  t.is(bad.status, 2);
  t.regex(bad.stderr, /^coordconv serve: Expected a non-negative integer for --port but received "http"$/m);
  const option = spawnSync(process.execPath, [cli, 'serve', '--method', 'magic', '--port', '0'], { encoding: 'utf8' });
  t.is(option.status, 2);
  t.regex(option.stderr, /Expected one of 'argmax', .* for --method but received "magic"/);
});

// Linux only: reads the server's command line from /proc.
// The processes whose parent is `pid`, from /proc (not ps: the sanitizer run preloads libasan into
// every child, and ps hangs with it).
function childrenOf(pid) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) found.push(entry);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
const linux = process.platform === 'linux' ? test : test.skip;
linux('serve runs its server in a child Node with a 64 MB initial old generation, which stops when serve is killed', async (t) => {
  const { child, listening } = start(['--port', '0']);
  t.teardown(() => child.kill('SIGKILL'));
  const url = await listening;
  const children = childrenOf(child.pid);
  t.is(children.length, 1);
  const args = readFileSync(`/proc/${children[0]}/cmdline`, 'utf8').split('\0');
  t.true(args.includes('--initial-old-space-size=64'), args.join(' '));
  t.is((await fetch(`${url}/health`)).status, 200);
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
  // The server notices its parent is gone and closes its port.
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
    } catch {
      break;
    }
    if (i === 50) t.fail('the server still answers after its parent was killed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Then exits (a zombie until reaped counts as exited).
  const running = () => {
    try {
      return !/\) [ZX] /.test(readFileSync(`/proc/${children[0]}/stat`, 'utf8'));
    } catch {
      return false; // gone and reaped
    }
  };
  for (let i = 0; running(); i++) {
    if (i === 50) t.fail('the server process is still running 5 s after its parent was killed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.false(running());
});

test('serve checks its server-limit flags with the library\'s messages', (t) => {
  const cases = [
    [['--max-connections', '0'], 'Expected an integer >= 1 for --max-connections but received 0'],
    [['--keep-alive-timeout', '0'], 'Expected an integer >= 1 for --keep-alive-timeout but received 0'],
    [['--keep-alive-timeout', '5s'], 'Expected a non-negative integer for --keep-alive-timeout but received "5s"'],
    [['--headers-timeout', '5000', '--http-request-timeout', '1000'], 'Expected an integer from 0 to --http-request-timeout (1000) for --headers-timeout but received 5000'],
    [['--http-request-timeout=-1'], 'Expected a non-negative integer for --http-request-timeout but received "-1"'],
    [['--max-upload-bytes', '5'], 'Expected an integer >= bodyLimit (67108864) for coordconv/fastify options.maxUploadBytes but received 5'],
    [['--max-uploads', '0'], 'Expected an integer >= 1 for coordconv/fastify options.maxUploads but received 0'],
    [['--upload-idle-timeout', '1.5'], 'Expected a non-negative integer for --upload-idle-timeout but received "1.5"'],
  ];
  for (const [flags, message] of cases) {
    const run = spawnSync(process.execPath, [standalone, '--port', '0', ...flags], { encoding: 'utf8', env: { ...process.env, COORDCONV_RESPAWNED: '1' } });
    t.is(run.status, 2, flags.join(' '));
    t.is(run.stderr.split('\n')[0], `coordconv serve: ${message}`);
  }
  const help = spawnSync(process.execPath, [cli, 'serve', '--help'], { encoding: 'utf8' }).stdout;
  for (const flag of ['max-uploads', 'max-upload-bytes', 'upload-timeout', 'upload-idle-timeout', 'headers-timeout', 'http-request-timeout', 'keep-alive-timeout', 'max-connections']) {
    t.regex(help, new RegExp(`^ {2}--${flag} <`, 'm'), flag);
  }
});

test('serve\'s default server limits are the documented ones', (t) => {
  const limits = serverLimits({});
  const files = openFileLimit();
  t.deepEqual(limits, {
    headersTimeout: 10000,
    requestTimeout: 10000 + 120000 + 1000,
    keepAliveTimeout: 5000,
    maxConnections: files === undefined ? 4096 : Math.min(4096, files - 64),
    connectionsCheckingInterval: 1000,
  });
  t.like(serverLimits({ uploadTimeout: 0 }), { requestTimeout: 0, headersTimeout: 10000 });
  t.like(serverLimits({ headersTimeout: 500, uploadTimeout: 2000 }), { requestTimeout: 3500, connectionsCheckingInterval: 50 });
});

test('serve applies its server limits: the keep-alive timeout, the connection cap, and Node\'s request timeout behind the body deadlines', async (t) => {
  const server = await startServe(['--keep-alive-timeout', '300', '--max-connections', '3', '--headers-timeout', '500', '--upload-timeout', '0', '--upload-idle-timeout', '0', '--http-request-timeout', '800']);
  t.teardown(() => server.child.kill('SIGKILL'));
  // A kept-alive connection is closed once idle for the keep-alive timeout (Node waits 1 s more).
  const kept = rawConnection(server.port);
  await kept.connected;
  kept.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
  const { at: keptClosed, bytes } = await kept.closed;
  t.regex(bytes.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/);
  const idleFor = keptClosed - kept.firstByteAt;
  t.true(idleFor >= 300 && idleFor < 300 + 1000 + 1000, `closed ${idleFor.toFixed(0)} ms after its answer`);

  // Three connections open; a fourth is closed at once, unanswered.
  const three = [rawConnection(server.port), rawConnection(server.port), rawConnection(server.port)];
  await Promise.all(three.map((c) => c.connected));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const fourth = rawConnection(server.port);
  const dropped = await fourth.closed;
  t.is(dropped.bytes.length, 0);
  t.true(dropped.at - fourth.createdAt < 500, `the fourth connection closed after ${(dropped.at - fourth.createdAt).toFixed(0)} ms`);
  t.true(three.every((c) => !c.socket.destroyed), 'the first three are still open');

  // With the body deadlines off, Node's request timeout cuts a stalled upload (408, from Fastify).
  three[0].write('POST /decode HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/octet-stream\r\ncontent-length: 100\r\n\r\n');
  const started = three[0].lastWrite;
  const { at, bytes: cut } = await three[0].closed;
  t.regex(cut.toString('latin1'), /^HTTP\/1\.1 408 Request Timeout\r\n[^]*"message":"Client Timeout"/);
  t.true(at - started >= 800 - 1 && at - started < 800 + 1000, `cut off ${(at - started).toFixed(0)} ms after its request`);
  for (const c of three) c.socket.destroy();
});
