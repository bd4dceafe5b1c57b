// The NumPy side of a benchmark: the interpreter that runs it, and a Python process
// (bench/python/*_peers.py) serving the peers on one input. Both sides exchange .npy files, written
// and read here with coordconv's own encodeNpy and readNpySync.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { benchDir, builtLibrary } from './harness.mjs';

// Debian's interpreter (python3-numpy, python3-scipy) where it exists, else python3 on PATH;
// BENCH_PYTHON picks another.
export const python = process.env.BENCH_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

// `new NumpyPeers(script, src, { data, shape }, args)` saves the input at `src` and starts
// bench/python/<script> on it with `args` after the file name. `run(kind)` runs a peer once and
// resolves with the time Python measured (perf_counter, ms); `result(kind)` has Python save that
// peer's answer beside `src` and resolves with its data; `ask(command)` answers one raw line.
export class NumpyPeers {
  constructor(script, src, input, args = []) {
    this.src = src;
    writeFileSync(src, builtLibrary().encodeNpy(input));
    this.child = spawn(python, [path.join(benchDir, 'python', script), src, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.waiting = [];
    let buffer = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk;
      for (let i; (i = buffer.indexOf('\n')) >= 0; buffer = buffer.slice(i + 1)) this.waiting.shift()?.resolve(buffer.slice(0, i));
    });
    this.child.on('close', () => this.waiting.splice(0).forEach((w) => w.reject(new Error(`NumPy peer exited: ${this.stderr.trim().split('\n').pop()}`))));
  }
  ask(command) {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${command}\n`);
    });
  }
  async run(kind) {
    const answer = await this.ask(kind);
    const ms = Number(answer);
    if (!Number.isFinite(ms)) throw new Error(`NumPy ${kind} peer: ${answer}`);
    return ms;
  }
  async result(kind) {
    const file = path.join(path.dirname(this.src), `out-${kind}.npy`);
    await this.ask(`save ${kind} ${file}`);
    return builtLibrary().readNpySync(file).data;
  }
  close() {
    this.child.stdin.end();
    rmSync(this.src, { force: true });
  }
}
