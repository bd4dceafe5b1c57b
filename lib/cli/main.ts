#!/usr/bin/env node
// The coordconv command: generate data sets, decode heatmap files, preview them, measure speed,
// serve decodes over HTTP. Each command lives in its own file with its usage text.
// Bad arguments or unreadable input print one line on stderr and exit with code 2.
import * as bench from './bench';
import * as decode from './decode';
import * as decodeSimcc from './decode-simcc';
import { fail, inFlags, UsageError } from './flags';
import * as generate from './generate';
import * as preview from './preview';
import * as serve from './serve';

interface Command {
  /** Its line in the top-level usage. */
  summary: string;
  /** Resolves with nothing (exit 0) or, when the command ran in a child process, that one's exit code. */
  run(argv: string[]): Promise<void | number | undefined>;
}

const COMMANDS: Record<string, Command> = { generate, decode, 'decode-simcc': decodeSimcc, preview, bench, serve };

const USAGE = `Usage: coordconv <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run 'coordconv <command> --help' for a command's options, 'coordconv --version' for the version.`;

// The installed package's own version: package.json sits two folders above dist/cli/.
function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(version());
    return 0;
  }
  // Own keys only: `coordconv constructor` is an unknown command, not Object's.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) fail(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    const code = await command.run(rest);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const usage =
      error instanceof UsageError ||
      error instanceof TypeError ||
      error instanceof RangeError ||
      (typeof e?.code === 'string' && (e.code.startsWith('ERR_PARSE_ARGS') || ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST'].includes(e.code)));
    const message = inFlags((e?.message ?? String(error)).split('\n')[0].replace(/\. To specify a positional argument.*$/, ''));
    console.error(`coordconv ${name}: ${message}`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
