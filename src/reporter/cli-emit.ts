// `shannon-hub emit <kind>`: one event, delivered and acknowledged before exit 0.
import { CliError, ExitCode, HELP, parseDataFlag, parseFlags, sessionFromFlagOrEnv, usageError } from './cli-args';
import { connectionError, locateHub } from './cli-hub-connection';
import { FlushTimeoutError, InvalidEventError, Reporter } from './client';

const ACK_TIMEOUT_MS = 10_000;

export async function emitCommand(args: string[], version: string): Promise<number> {
  const { values, positionals } = parseFlags(
    'emit',
    args,
    {
      data: { type: 'string' },
      session: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${HELP.emit}\n`);
    return ExitCode.ok;
  }
  if (positionals.length !== 1)
    throw usageError(`emit: expected exactly one event kind, got ${positionals.length} (see shannon-hub emit --help)`);
  const [kind] = positionals;
  const data = parseDataFlag(values.data);
  const sessionId = sessionFromFlagOrEnv(values.session);
  const location = locateHub();

  let refused: string | undefined;
  const reporter = new Reporter({
    ...location,
    sessionId,
    client: { name: 'shannon-hub emit', version },
    onHubError: (error) => {
      refused = `${error.code}: ${error.message}`;
    },
  });
  try {
    // Validated before connecting, so a malformed event never reaches (or waits for) the hub.
    reporter.send(kind, data);
  } catch (error) {
    if (error instanceof InvalidEventError) throw usageError(`emit: ${error.message}`);
    throw error;
  }
  try {
    await reporter.connect();
    await reporter.flush(ACK_TIMEOUT_MS);
  } catch (error) {
    await reporter.close();
    if (error instanceof FlushTimeoutError) throw new CliError(`emit: ${error.message}`, ExitCode.connection);
    throw connectionError(error, location);
  }
  // One event per process: the next `emit` for this session is a new connection, not a crash.
  await reporter.close({ moreToCome: true });
  if (refused) throw usageError(`emit: the hub refused the event: ${refused}`);
  process.stdout.write(`${JSON.stringify({ sessionId: reporter.sessionId, seq: reporter.lastAckedSeq })}\n`);
  return ExitCode.ok;
}
