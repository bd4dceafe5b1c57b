#!/usr/bin/env node
// The package's install step. Where the prebuilt addon for this platform loads in this Node.js, it
// is used and nothing is compiled; otherwise (or with COORDCONV_BUILD_FROM_SOURCE=1) the addon is
// built from source with cmake-js into build/Release, and the prebuilt one for this platform is
// removed so that lib/load-addon.ts takes the source build.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const platform = `${process.platform}-${process.arch}`;
const prebuilt = path.join(root, 'prebuilds', platform, 'coordconv.node');
const fromSource = !['', '0', 'false'].includes(process.env.COORDCONV_BUILD_FROM_SOURCE ?? '');

// Loading it in a child process is the only check that counts: a glibc or libstdc++ too old for it
// shows up here, not in the file's name. Only the dynamic loader's refusal (or a crash) counts as
// not loading: an error the addon throws itself (a bad COORDCONV_SIMD) says nothing about the file.
const PROBE = `try { require(process.argv[1]); } catch (e) {
  if (e.code !== 'ERR_DLOPEN_FAILED') process.exit(0);
  console.error(e.message.split('\\n')[0]);
  process.exit(3);
}`;
function prebuiltLoads() {
  const probe = spawnSync(process.execPath, ['-e', PROBE, prebuilt], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  console.log(`coordconv: the prebuilt addon for ${platform} does not load here, building from source:`);
  console.log(`  ${probe.stderr.trim() || `the probe ended by ${probe.signal}`}`);
  return false;
}

// A program named with a slash is looked up as it is, any other on PATH.
function found(names) {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return names.some((name) => (name.includes('/') ? existsSync(name) : dirs.some((dir) => existsSync(path.join(dir, name)))));
}

// Checked first so that a machine without them is told what to install, not shown cmake-js's
// stack trace. Windows names its programs differently and builds with MSBuild: left to cmake-js.
function missingTools() {
  if (process.platform === 'win32') return [];
  const missing = [];
  if (!found(['cmake'])) missing.push('CMake >= 3.15');
  const cxx = process.env.CXX ? [process.env.CXX.split(' ')[0]] : ['c++', 'g++', 'clang++'];
  if (!found(cxx)) missing.push('a C++20 compiler (g++ or clang++)');
  if (!found(['make', 'ninja'])) missing.push('make (or ninja)');
  return missing;
}

function buildFromSource() {
  const missing = missingTools();
  if (missing.length > 0) {
    console.error(
      `coordconv: no prebuilt addon for ${platform} loads here, and building one from source needs ` +
        `${missing.join(', ')}, which are not on PATH.\n` +
        'Install them, then run `npm rebuild coordconv` (pnpm: `pnpm rebuild coordconv`).',
    );
    return 1;
  }
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  const build = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('coordconv: the source build failed (its output is above). Fix that, then run `npm rebuild coordconv`.');
    return build.status ?? 1;
  }
  rmSync(path.dirname(prebuilt), { recursive: true, force: true });
  return 0;
}

function main() {
  if (fromSource) {
    console.log('coordconv: COORDCONV_BUILD_FROM_SOURCE is set, building the addon from source');
  } else if (existsSync(prebuilt) && prebuiltLoads()) {
    console.log(`coordconv: using the prebuilt addon for ${platform}`);
    return 0;
  }
  return buildFromSource();
}

process.exitCode = main();
