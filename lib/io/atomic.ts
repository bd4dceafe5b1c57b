// Files are written under a temporary name in the target's folder and renamed when complete, so a
// failure never leaves a half-written file under the real name.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

/** A unique hidden name beside `target`, for the file to be written before it is renamed. */
export function temporarySibling(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

// The error of creating the temporary file, told about the file the caller named: the temporary
// name is ours, not theirs. The errno code stays, so callers can still tell the cause.
function cannotWrite(target: string, error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string') return error;
  const folder = path.dirname(target);
  const why: Record<string, string> = {
    ENOENT: `the folder ${folder} does not exist`,
    ENOTDIR: `${folder} is not a folder`,
    EACCES: `no permission to create files in ${folder}`,
    EPERM: `no permission to create files in ${folder}`,
    EROFS: `${folder} is on a read-only file system`,
    ENOSPC: 'no space left on the device',
  };
  const named = Object.assign(new Error(`${e.code}: cannot write ${target}: ${why[e.code] ?? e.message}`, { cause: error }), {
    code: e.code,
    errno: e.errno,
    syscall: e.syscall,
    path: target,
  });
  return named;
}

/** Closes the temporary file and renames it to `target`; on any failure the temporary file is removed. */
export async function renameIntoPlace(temp: string, target: string, close: () => Promise<void> | void): Promise<void> {
  try {
    await close();
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** A file being written: bytes go to a temporary sibling until {@link commit} renames it into place. */
export class AtomicFile {
  private closed = false;
  position = 0;

  private constructor(
    readonly target: string,
    readonly temp: string,
    readonly handle: FileHandle,
  ) {}

  static async open(target: string): Promise<AtomicFile> {
    const temp = temporarySibling(target);
    try {
      return new AtomicFile(target, temp, await fs.open(temp, 'wx'));
    } catch (error) {
      throw cannotWrite(target, error);
    }
  }

  /** Appends all of `bytes` at the current end. */
  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.byteLength - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }

  /** Overwrites bytes at an earlier position (headers patched after their data). */
  async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.byteLength - done, position + done);
      done += bytesWritten;
    }
  }

  /** Flushes, closes and renames the temporary file to the target name. */
  async commit(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await renameIntoPlace(this.temp, this.target, () => this.handle.close());
  }

  /** Closes and deletes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
    await fs.rm(this.temp, { force: true });
  }
}

/** Writes `bytes` to `target` through a temporary name. */
export async function writeFileAtomic(target: string, chunks: readonly Uint8Array[]): Promise<void> {
  const file = await AtomicFile.open(target);
  try {
    for (const chunk of chunks) await file.write(chunk);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}
