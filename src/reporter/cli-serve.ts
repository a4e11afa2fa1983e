// `shannon-hub serve`: the hub without VS Code (benchmarks, tests, headless use). stdout carries
// exactly one JSON line so scripts can read the address; everything else goes to stderr.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHub } from '../hub/hub';
import type { HubLogger } from '../hub/logger';
import { CliError, ExitCode, HELP, parseFlags, parsePort } from './cli-args';

const stderrLogger: HubLogger = {
  info: (message) => process.stderr.write(`[hub] ${message}\n`),
  warn: (message) => process.stderr.write(`[hub] warn: ${message}\n`),
  error: (message) => process.stderr.write(`[hub] error: ${message}\n`),
};

export async function serveCommand(args: string[], version: string): Promise<number> {
  const { values } = parseFlags('serve', args, {
    port: { type: 'string' },
    journal: { type: 'string' },
    'legacy-port': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${HELP.serve}\n`);
    return ExitCode.ok;
  }
  const port = parsePort('--port', values.port) ?? 0;
  const legacyPort = parsePort('--legacy-port', values['legacy-port']);
  const journal = resolve(values.journal ?? join(homedir(), '.shannon', 'hub', 'journal'));

  let hub;
  try {
    hub = await startHub({
      port,
      journalDir: journal,
      legacy: legacyPort === undefined ? { enabled: false, port: 0 } : { enabled: true, port: legacyPort },
      log: stderrLogger,
      version,
    });
  } catch (error) {
    throw new CliError(`serve: cannot start the hub: ${(error as Error).message}`, ExitCode.failure);
  }
  const started = hub;
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal while flushing: the user insists; leave without waiting.
        process.stderr.write(`shannon-hub serve: ${signal} again, exiting without waiting for the journal\n`);
        resolveExit(ExitCode.failure);
        return;
      }
      stopping = true;
      stderrLogger.info(`${signal} received, stopping`);
      started.dispose().then(
        () => resolveExit(ExitCode.ok),
        (error: unknown) => {
          process.stderr.write(`shannon-hub serve: shutdown failed: ${(error as Error).message}\n`);
          resolveExit(ExitCode.failure);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // The hub guards its own callbacks (src/hub/guard.ts); this catches what a library's callback
    // might still throw, so one bad event or peer never ends the hub every reporter depends on.
    process.on('uncaughtException', (error) =>
      stderrLogger.error(`uncaught exception (the hub keeps serving): ${error.stack ?? String(error)}`),
    );
    process.on('unhandledRejection', (reason) =>
      stderrLogger.error(`unhandled rejection (the hub keeps serving): ${(reason as Error)?.stack ?? String(reason)}`),
    );
    // Only now: whoever reads this line may signal us at once, and must find the handlers in place.
    process.stdout.write(`${JSON.stringify({ url: started.url, token: started.token, pid: process.pid, journal })}\n`);
  });
}
