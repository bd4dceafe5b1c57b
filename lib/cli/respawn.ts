// Runs the current command again in a child Node process with V8 flags that Node accepts only on
// its command line (not from NODE_OPTIONS, and too late once the heap exists).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

// Set in the child, so it never respawns in turn.
const MARK = 'COORDCONV_RESPAWNED';

/** Whether this process runs with the V8 flag `flag` (`--name=value`) or is a respawned child. */
export function hasNodeFlag(flag: string): boolean {
  const name = flag.split('=', 1)[0];
  return process.env[MARK] === '1' || process.execArgv.some((a) => a === name || a.startsWith(`${name}=`));
}

// True in a child started by respawnWith.
const isRespawned = (): boolean => process.env[MARK] === '1' && typeof process.send === 'function';

/**
 * Runs this process's command line again in a child with `flags` added to Node's, with the same
 * standard streams, and resolves with the exit code to leave with (the child's; 128 + the signal
 * number when a signal ended it). SIGINT and SIGTERM are forwarded; the child has its own process
 * group (except on Windows), so a Ctrl-C reaches it once, through this process. The child should
 * call {@link stopWithParent}, so it also ends when this process is killed.
 */
export function respawnWith(flags: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: process.platform !== 'win32',
    env: { ...process.env, [MARK]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    const done = (code: number) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.once('error', (error) => {
      console.error(`coordconv: could not start ${process.execPath}: ${error.message}`);
      done(1);
    });
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/**
 * In a respawned child: runs `stop` when the parent goes away (its IPC channel closes), and lets
 * the channel not keep the process alive by itself.
 */
export function stopWithParent(stop: () => void): void {
  if (!isRespawned()) return;
  process.once('disconnect', stop);
  process.channel?.unref();
}
