// `shannon-hub`: the command-line entry (bundled to dist/shannon-hub.js). It only dispatches;
// each subcommand lives in its own module. Errors end here as one line on stderr + an exit code.
import packageJson from '../../package.json';
import { CliError, ExitCode, HELP, usageError } from './cli-args';
import { askCommand } from './cli-ask';
import { emitCommand } from './cli-emit';
import { runCommand } from './cli-run';
import { serveCommand } from './cli-serve';
import { statusCommand } from './cli-status';

const VERSION: string = packageJson.version;

/** Schema errors come formatted over several lines; a CLI error is one line, so scripts can log it. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*(→\s*)?/g, ' ').trim();
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest, VERSION);
    case 'emit':
      return emitCommand(rest, VERSION);
    case 'run':
      return runCommand(rest, VERSION);
    case 'status':
      return statusCommand(rest);
    case 'ask':
      return askCommand(rest, VERSION);
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return ExitCode.ok;
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${HELP.main}\n`);
      return ExitCode.ok;
    case undefined:
      process.stderr.write(`${HELP.main}\n`);
      return ExitCode.usage;
    default:
      throw usageError(
        command.startsWith('-')
          ? `unknown option ${command} (see shannon-hub --help)`
          : `unknown command ${command} (see shannon-hub --help)`,
      );
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Open handles (a socket closing slowly, a timer) must not keep a finished command alive.
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    const isCliError = error instanceof CliError;
    const message = isCliError ? oneLine(error.message) : `internal error: ${(error as Error)?.stack ?? String(error)}`;
    process.stderr.write(`shannon-hub: ${message}\n`);
    process.exit(isCliError ? error.exitCode : ExitCode.failure);
  },
);
