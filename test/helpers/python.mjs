// Runs NumPy / h5py as an independent reader and writer for the file-format tests.
// The library never needs Python; only these cross-checks do. PYTHON overrides the interpreter.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Debian's interpreter first (where apt puts python3-numpy / python3-h5py), else python3 on PATH.
const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
// The sanitizer run preloads libasan for Node's addon; Python needs none of it.
const env = { ...process.env };
delete env.LD_PRELOAD;

function probe(module) {
  const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', env });
  return r.status === 0;
}

export const hasNumpy = probe('numpy');
export const hasH5py = hasNumpy && probe('h5py');
export const missingNote = (what) =>
  `python3 with ${what} is missing: install Debian's python3-numpy and python3-h5py (apt-get install -y python3-numpy python3-h5py)`;

/** Runs a Python snippet with argv, returns its stdout parsed as JSON. */
export function runPython(code, args = []) {
  const r = spawnSync(python, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}
