// `shannon-hub run -- <command...>`: run any command as a reported session. The user's work comes
// first: output is passed through untouched, signals reach the command, its exit code is ours, and
// a missing or broken hub costs one warning line, never the run.
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { ExitCode, HELP, parseFlags, sessionFromFlagOrEnv, usageError } from './cli-args';
import { locateHub } from './cli-hub-connection';
import { Reporter } from './client';
import { findHub } from './discovery';

const CONNECT_TIMEOUT_MS = 3_000;
const FINAL_FLUSH_TIMEOUT_MS = 5_000;
const LOST_HUB_FLUSH_TIMEOUT_MS = 1_000;

function warn(message: string): void {
  process.stderr.write(`shannon-hub: ${message}\n`);
}

/** Split at the first `--`: flags for us before it, the command (untouched) after it. */
function splitCommand(args: string[]): { own: string[]; command: string[] } {
  const separator = args.indexOf('--');
  if (separator === -1) return { own: args, command: [] };
  return { own: args.slice(0, separator), command: args.slice(separator + 1) };
}

/** Connect if we can; on any failure warn once and carry on without reporting. */
async function tryConnect(
  sessionId: string | undefined,
  version: string,
  onCancel: () => void,
): Promise<Reporter | undefined> {
  let location;
  try {
    location = locateHub();
  } catch (error) {
    warn(`${(error as Error).message}; running without reporting`);
    return undefined;
  }
  const reporter = new Reporter({
    ...location,
    sessionId,
    client: { name: 'shannon-hub run', version },
    capabilities: ['cancel'],
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    // A long run may outlive its window's hub (reload): find the current one before each reconnect.
    relocate: () => {
      const found = findHub();
      return found.ok ? found.location : undefined;
    },
    onControl: (control) => {
      if (control.command === 'cancel') onCancel();
    },
  });
  try {
    await reporter.connect();
    return reporter;
  } catch (error) {
    await reporter.close();
    warn(`${(error as Error).message}; running without reporting`);
    return undefined;
  }
}

export async function runCommand(args: string[], version: string): Promise<number> {
  const { own, command } = splitCommand(args);
  const { values, positionals } = parseFlags(
    'run',
    own,
    {
      task: { type: 'string' },
      session: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${HELP.run}\n`);
    return ExitCode.ok;
  }
  if (positionals.length > 0)
    throw usageError(`run: put the command after --, as in: shannon-hub run -- ${positionals.join(' ')}`);
  if (command.length === 0)
    throw usageError('run: no command given (usage: shannon-hub run [--task TEXT] -- <command...>)');

  const sessionId = sessionFromFlagOrEnv(values.session);

  let child: ReturnType<typeof spawn> | undefined;
  let cancelRequested = false;
  let interrupted = false;
  const reporter = await tryConnect(sessionId, version, () => {
    cancelRequested = true;
    child?.kill('SIGINT');
  });

  const report = (kind: string, data: Record<string, unknown>) => {
    try {
      reporter?.send(kind, data);
    } catch (error) {
      warn(`could not report ${kind}: ${(error as Error).message}`);
    }
  };

  const cwd = process.cwd();
  const startedAt = Date.now();
  report('execution:started', { ...(values.task === undefined ? {} : { task: values.task }), command, cwd });

  const result = await new Promise<{ exitCode: number; signal?: NodeJS.Signals; spawnError?: string }>(
    (resolveResult) => {
      // Ctrl-C in a terminal already sends SIGINT to the whole foreground process group, the command
      // included; sending it a second one would interrupt its cleanup (Python raises KeyboardInterrupt
      // again). So SIGINT is forwarded only when we are not on a terminal (kill -INT, a parent
      // process); SIGTERM always is, since nobody sends it to the group for us.
      const terminalDeliversSigint = process.stdin.isTTY === true;
      const forward = (signal: NodeJS.Signals) => {
        if (signal === 'SIGINT') {
          interrupted = true;
          if (terminalDeliversSigint) return;
        }
        child?.kill(signal);
      };
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      const cleanup = () => {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
      };
      child = spawn(command[0], command.slice(1), { stdio: 'inherit', cwd });
      child.on('error', (error: NodeJS.ErrnoException) => {
        cleanup();
        // Same codes a shell uses: 127 not found, 126 found but not executable.
        const exitCode = error.code === 'ENOENT' ? 127 : error.code === 'EACCES' ? 126 : ExitCode.failure;
        resolveResult({ exitCode, spawnError: `cannot run ${command[0]}: ${error.code ?? error.message}` });
      });
      child.on('exit', (code, signal) => {
        cleanup();
        if (signal) resolveResult({ exitCode: 128 + (osConstants.signals[signal] ?? 0), signal });
        else resolveResult({ exitCode: code ?? ExitCode.failure });
      });
    },
  );
  if (result.spawnError) warn(result.spawnError);

  const durationMs = Date.now() - startedAt;
  if (result.exitCode === 0) {
    report('execution:completed', { success: true, exitCode: 0, durationMs });
  } else if (cancelRequested || interrupted || result.exitCode === 130 || result.signal === 'SIGINT') {
    const reason = cancelRequested ? 'cancelled from the hub' : 'interrupted (SIGINT)';
    report('execution:cancelled', { reason, exitCode: result.exitCode, durationMs });
  } else {
    const error =
      result.spawnError ??
      (result.signal ? `command killed by ${result.signal}` : `command exited with code ${result.exitCode}`);
    report('execution:failed', { exitCode: result.exitCode, durationMs, error });
  }

  if (reporter) {
    try {
      // A hub that went away mid-run gets a short grace to come back; the user's shell waits on us.
      await reporter.flush(reporter.state === 'connected' ? FINAL_FLUSH_TIMEOUT_MS : LOST_HUB_FLUSH_TIMEOUT_MS);
    } catch (error) {
      warn(`${(error as Error).message}; the session may look unfinished in VS Code`);
    }
    await reporter.close();
  }
  return result.exitCode;
}
