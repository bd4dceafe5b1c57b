// Finds the native addon. The package ships prebuilt addons in prebuilds/<platform>-<arch>/ (built
// by scripts/prebuild.sh); where none fits, scripts/install.js builds one from source into
// build/Release and removes the shipped one for this platform, so the first of these that loads wins.
import * as path from 'node:path';
import { existsSync } from 'node:fs';

const root = path.join(__dirname, '..');

/** Where this platform's prebuilt addon sits in the package: prebuilds/linux-x64/coordconv.node, say. */
export function prebuiltPath(): string {
  return path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'coordconv.node');
}

/** Where a source build (`npm rebuild coordconv`, or the install step's fallback) puts the addon. */
export function sourceBuildPath(): string {
  return path.join(root, 'build', 'Release', 'coordconv.node');
}

const REBUILD_ADVICE =
  'Build it from source: install CMake >= 3.15, a C++20 compiler (g++ or clang++) and make, then run ' +
  '`npm rebuild coordconv` in your project (pnpm: `pnpm rebuild coordconv`; an install with ' +
  '--ignore-scripts skips that build).';

/**
 * Loads the addon: the file COORDCONV_ADDON names when it is set (another build of the same addon,
 * the sanitizer build for one), else the prebuilt addon for this platform, else the source build.
 * Throws an Error that says what to run when neither exists or the dynamic loader refuses both;
 * an error the addon throws while loading is thrown as it is.
 */
export function loadAddon(): unknown {
  const override = process.env.COORDCONV_ADDON;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (override) return require(path.resolve(override));
  const failures: string[] = [];
  for (const [file, missing] of [
    [prebuiltPath(), 'no prebuilt addon for this platform'],
    [sourceBuildPath(), 'not built from source'],
  ]) {
    if (!existsSync(file)) {
      failures.push(`${path.relative(root, file)}: ${missing}`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(file);
    } catch (error) {
      // Only a file the dynamic loader refuses (wrong CPU, libc too old) is passed over; an error
      // the addon itself throws while loading (a COORDCONV_SIMD this CPU cannot run) is the answer.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_DLOPEN_FAILED') throw error;
      failures.push(`${path.relative(root, file)}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    `coordconv: no native addon loads for ${process.platform}-${process.arch} (Node.js ${process.version}).\n` +
      failures.map((line) => `  ${line}\n`).join('') +
      REBUILD_ADVICE,
  );
}
