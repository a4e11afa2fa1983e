// Argument parsing and the error/exit-code contract of `shannon-hub`. Every failure a user can cause
// becomes a CliError with a one-line message and a documented exit code; nothing else escapes.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SessionId } from '../protocol/wire';

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  noHub: 3,
  connection: 4,
  /** `ask`: nobody answered within --timeout (the default, if any, is printed anyway). */
  timeout: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict parse: an unknown flag or a missing value is a usage error that names the flag. */
export function parseFlags<T extends Options>(command: string, args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw usageError(`${command}: ${message} (see shannon-hub ${command} --help)`);
  }
}

export function parsePort(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw usageError(`${flag} must be a port number 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

/** --data must be a JSON object: event data is always a record. */
export function parseDataFlag(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw usageError(`--data is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError(
      `--data must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** The session to report to: --session, else $SHANNON_SESSION_ID, else undefined (the library makes one). */
export function sessionFromFlagOrEnv(flag: string | undefined): string | undefined {
  const [value, origin] =
    flag !== undefined ? [flag, '--session'] : [process.env.SHANNON_SESSION_ID || undefined, 'SHANNON_SESSION_ID'];
  if (value === undefined) return undefined;
  const parsed = SessionId.safeParse(value);
  if (!parsed.success)
    throw usageError(
      `${origin} ${JSON.stringify(value)} is not a valid session id: ${parsed.error.issues[0]?.message}`,
    );
  return value;
}

export const HELP = {
  main: `shannon-hub: report to, or run, the local Shannon hub

Usage:
  shannon-hub serve  [--port N] [--journal DIR] [--legacy-port N]
  shannon-hub emit   <kind> [--data JSON] [--session ID]
  shannon-hub run    [--task TEXT] [--session ID] -- <command...>
  shannon-hub status [--json]
  shannon-hub ask    --question TEXT --option ID=LABEL... [--default ID] [--timeout S]
  shannon-hub <command> --help
  shannon-hub --version

Environment:
  SHANNON_HUB_URL, SHANNON_HUB_TOKEN   the hub to report to (set in VS Code terminals)
  SHANNON_IDE_DIR                      lock file folder (default ~/.shannon/ide)
  SHANNON_SESSION_ID                   session for emit/run when --session is not given

Exit codes: 0 ok, 1 failure, 2 usage/invalid JSON, 3 no hub found, 4 token refused or connection failed,
5 ask: no answer in time`,
  serve: `Usage: shannon-hub serve [--port N] [--journal DIR] [--legacy-port N]

Start a hub without VS Code. Prints one JSON line {"url","token","pid","journal"} on stdout when
ready; logs go to stderr. Runs until SIGINT/SIGTERM, then flushes the journal and exits 0.
  --port N          port on 127.0.0.1 (default 0: any free port)
  --journal DIR     journal folder (default ~/.shannon/hub/journal)
  --legacy-port N   also accept the Shannon CLI's Socket.IO cli_event on 127.0.0.1:N`,
  emit: `Usage: shannon-hub emit <kind> [--data JSON] [--session ID]

Report one event and wait until the hub acknowledged it. Prints {"sessionId","seq"} on stdout.
  <kind>            e.g. execution:started, skill:completed, log
  --data JSON       the event's data, a JSON object (default {})
  --session ID      session id (default $SHANNON_SESSION_ID, else a new do_YYYYMMDD_HHMMSS_xxxxxxxx)`,
  run: `Usage: shannon-hub run [--task TEXT] [--session ID] -- <command...>

Run a command with its output passed through and report it as a session: execution:started,
then execution:completed, execution:failed or execution:cancelled with exit code and duration.
Ctrl-C and SIGTERM are forwarded to the command; a cancel from the hub sends it SIGINT.
Exits with the command's exit code. If no hub answers, the command still runs (one warning).
  --task TEXT       what the run is for (shown in the Shannon panel)
  --session ID      session id (default $SHANNON_SESSION_ID, else a new one)`,
  ask: `Usage: shannon-hub ask --question TEXT --option ID=LABEL... [--default ID] [--timeout S] [--session ID]

Ask the person in VS Code: the Shannon Monitor shows the question with a button per option (and a
notification when the window is in the background). Prints the chosen option's id on stdout.
  --question TEXT   the question (-q)
  --option ID=LABEL one per option, 1-20 (-o); the id is what gets printed
  --default ID      the option taken when --timeout passes (marked in the Monitor)
  --timeout S       seconds to wait (default: no limit); the Monitor counts down to it
  --session ID      ask as part of that session (default: a session of its own)
Exit 0 answered, 5 no answer in time (the --default id is still printed), 3 no hub, 4 connection failed.`,
  status: `Usage: shannon-hub status [--json]

Show which hub emit/run would use (and why), and whether it answers.
Exit 0 if it answers, 3 if no hub is found, 4 if it refuses the token or cannot be reached.
  --json            print the result as one JSON object`,
} as const;
