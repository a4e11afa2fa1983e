// `shannon-hub ask`: ask the person in VS Code a question from any script. The question becomes a
// decision of a session (its own, unless --session names one); the Monitor shows it with a button
// per option and the chosen option's id is printed on stdout. A timeout takes the default.
import { randomUUID } from 'node:crypto';
import { MAX_DECISION_OPTIONS } from '../protocol/events';
import { OptionId, SessionId } from '../protocol/wire';
import { CliError, ExitCode, HELP, parseFlags, usageError } from './cli-args';
import { connectionError, locateHub } from './cli-hub-connection';
import { InvalidEventError, Reporter } from './client';

const ACK_TIMEOUT_MS = 10_000;
/** Longest --timeout: a day; a longer wait is a forgotten prompt, not a question. */
const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;

export interface AskOption {
  id: string;
  label: string;
}

/** `ID=LABEL` (the label may contain `=`); a bare `ID` is its own label. */
export function parseOptionFlag(value: string): AskOption {
  const at = value.indexOf('=');
  const id = (at < 0 ? value : value.slice(0, at)).trim();
  const label = (at < 0 ? value : value.slice(at + 1)).trim();
  if (!OptionId.safeParse(id).success || /\s/.test(id))
    throw usageError(`ask: --option ${JSON.stringify(value)}: the id before = must be 1-100 characters without spaces`);
  if (label.length === 0 || label.length > 200)
    throw usageError(`ask: --option ${JSON.stringify(value)}: the label after = must be 1-200 characters`);
  return { id, label };
}

export interface AskRequest {
  question: string;
  options: AskOption[];
  defaultOptionId?: string;
  timeoutSeconds?: number;
  sessionId?: string;
}

export function parseAskArgs(args: string[]): AskRequest | 'help' {
  const { values, positionals } = parseFlags(
    'ask',
    args,
    {
      question: { type: 'string', short: 'q' },
      option: { type: 'string', short: 'o', multiple: true },
      default: { type: 'string' },
      timeout: { type: 'string' },
      session: { type: 'string' },
    },
    true,
  );
  if (values.help) return 'help';
  if (positionals.length > 0) throw usageError(`ask: unexpected argument ${JSON.stringify(positionals[0])}`);
  const question = values.question?.trim();
  if (!question) throw usageError('ask: --question TEXT is required (see shannon-hub ask --help)');
  if (question.length > 4000) throw usageError('ask: --question is longer than 4000 characters');
  const options = (values.option ?? []).map(parseOptionFlag);
  if (options.length === 0) throw usageError('ask: give at least one --option ID=LABEL');
  if (options.length > MAX_DECISION_OPTIONS) throw usageError(`ask: at most ${MAX_DECISION_OPTIONS} options`);
  const ids = new Set<string>();
  for (const option of options) {
    if (ids.has(option.id)) throw usageError(`ask: option id ${JSON.stringify(option.id)} is given twice`);
    ids.add(option.id);
  }
  if (values.default !== undefined && !ids.has(values.default))
    throw usageError(`ask: --default ${JSON.stringify(values.default)} is not one of the option ids`);
  let timeoutSeconds: number | undefined;
  if (values.timeout !== undefined) {
    timeoutSeconds = Number(values.timeout);
    if (!/^\d+(\.\d+)?$/.test(values.timeout) || timeoutSeconds <= 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS)
      throw usageError(`ask: --timeout must be a number of seconds, 0 < S <= ${MAX_TIMEOUT_SECONDS}`);
  }
  if (values.session !== undefined && !SessionId.safeParse(values.session).success)
    throw usageError(`ask: --session ${JSON.stringify(values.session)} is not a valid session id`);
  return { question, options, defaultOptionId: values.default, timeoutSeconds, sessionId: values.session };
}

export async function askCommand(args: string[], version: string): Promise<number> {
  const request = parseAskArgs(args);
  if (request === 'help') {
    process.stdout.write(`${HELP.ask}\n`);
    return ExitCode.ok;
  }
  const location = locateHub();
  const decisionId = `ask-${randomUUID()}`;
  let answer: ((optionId: string, controlId: string) => void) | undefined;
  const answered = new Promise<{ optionId: string; controlId: string }>((resolve) => {
    answer = (optionId, controlId) => resolve({ optionId, controlId });
  });
  const reporter = new Reporter({
    ...location,
    sessionId: request.sessionId,
    client: { name: 'shannon-hub ask', version },
    capabilities: ['decide'],
    onControl: (control) => {
      if (control.command === 'decide' && control.decisionId === decisionId) answer?.(control.optionId, control.id);
      // A control for another decision or command is refused, so VS Code does not wait for it.
      else reporter.result(control.id, false, 'shannon-hub ask only answers its own question');
    },
  });
  // Its own session (no --session): the question is what the session is about.
  const ownSession = request.sessionId === undefined;
  const autoResolveAt =
    request.timeoutSeconds === undefined
      ? undefined
      : new Date(Date.now() + request.timeoutSeconds * 1000).toISOString();
  try {
    if (ownSession) reporter.send('execution:started', { task: request.question });
    reporter.send('decision:requested', {
      decisionId,
      question: request.question,
      options: request.options,
      ...(request.defaultOptionId === undefined ? {} : { defaultOptionId: request.defaultOptionId }),
      ...(autoResolveAt === undefined ? {} : { autoResolveAt }),
    });
  } catch (error) {
    if (error instanceof InvalidEventError) throw usageError(`ask: ${error.message}`);
    throw error;
  }
  try {
    await reporter.connect();
    await reporter.flush(ACK_TIMEOUT_MS);
  } catch (error) {
    await reporter.close();
    throw connectionError(error, location);
  }

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    if (request.timeoutSeconds !== undefined)
      timer = setTimeout(() => resolve(undefined), request.timeoutSeconds * 1000);
  });
  const outcome = await Promise.race([answered, timedOut]);
  clearTimeout(timer);

  let exitCode: number;
  let printed: string | undefined;
  if (outcome) {
    reporter.send('decision:resolved', { decisionId, optionId: outcome.optionId, by: 'user' });
    reporter.result(outcome.controlId, true);
    printed = outcome.optionId;
    exitCode = ExitCode.ok;
  } else {
    if (request.defaultOptionId !== undefined) {
      reporter.send('decision:resolved', { decisionId, optionId: request.defaultOptionId, by: 'default' });
      printed = request.defaultOptionId;
    }
    exitCode = ExitCode.timeout;
  }
  if (ownSession) {
    if (outcome || printed !== undefined) reporter.send('execution:completed', { success: true });
    else reporter.send('execution:cancelled', { reason: `no answer within ${request.timeoutSeconds} s` });
  }
  try {
    await reporter.flush(ACK_TIMEOUT_MS);
  } catch (error) {
    process.stderr.write(`shannon-hub: ask: ${(error as Error).message}\n`);
  }
  await reporter.close(ownSession ? {} : { moreToCome: true });
  if (printed !== undefined) process.stdout.write(`${printed}\n`);
  if (exitCode === ExitCode.timeout)
    throw new CliError(
      `ask: no answer within ${request.timeoutSeconds} s${printed !== undefined ? `; took the default ${printed}` : ''}`,
      ExitCode.timeout,
    );
  return exitCode;
}
