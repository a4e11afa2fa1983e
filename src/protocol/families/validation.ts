// Checks the run executes (tests, builds, linters) and their live output. The summary keeps one
// entry per run of a check (name, command, state, exit code, duration); the output lines stay
// events only, so a check printing 100,000 lines costs the summary nothing.
import type { SessionSummary, ValidationCheck } from '../session';
import type { EventEnvelope } from '../wire';
import { stripAnsi } from './ansi';
import { bool, formatDuration, int, millisBetween, num, str, text, type EventFamily } from './family';

/** What a check without a name is called (the legacy CLI always names them; a tool might not). */
export const UNNAMED_CHECK = 'check';

/** The summary keeps the latest check runs (the events keep them all), as it does for skills. */
export const MAX_CHECK_RUNS_KEPT = 500;

export const checkName = (data: Record<string, unknown>): string => text(data.checkName) ?? UNNAMED_CHECK;

/** Index of the most recent running run of a check (a check can run again after a fix). */
function runningCheckIndex(checks: readonly ValidationCheck[], name: string): number {
  for (let i = checks.length - 1; i >= 0; i--) {
    if (checks[i].name === name && checks[i].status === 'running') return i;
  }
  return -1;
}

function completeCheck(next: SessionSummary, event: EventEnvelope): void {
  const name = checkName(event.data);
  const checks = (next.checks ?? []).slice();
  let index = runningCheckIndex(checks, name);
  if (index < 0) {
    // A completion without a start (the start came before we listened): still show the result.
    checks.push({ name, status: 'running' });
    if (checks.length > MAX_CHECK_RUNS_KEPT) {
      const dropped = checks.splice(0, checks.length - MAX_CHECK_RUNS_KEPT).length;
      next.checksDropped = (next.checksDropped ?? 0) + dropped;
    }
    index = checks.length - 1;
  }
  const success = bool(event.data.success);
  const exitCode = int(event.data.exitCode);
  const passed = success ?? (exitCode === undefined ? true : exitCode === 0);
  const check: ValidationCheck = { ...checks[index], status: passed ? 'passed' : 'failed', endedAt: event.ts };
  if (exitCode !== undefined) check.exitCode = exitCode;
  const duration = num(event.data.durationMs) ?? millisBetween(check.startedAt, event.ts);
  if (duration !== undefined) check.durationMs = duration;
  checks[index] = check;
  next.checks = checks;
}

function completedText(d: Record<string, unknown>): string {
  const exitCode = int(d.exitCode);
  const failed = d.success === false || (d.success === undefined && exitCode !== undefined && exitCode !== 0);
  const ms = num(d.durationMs);
  return (
    `${checkName(d)} ${failed ? 'failed' : 'passed'}` +
    `${exitCode !== undefined && exitCode !== 0 ? ` (exit code ${exitCode})` : ''}` +
    `${ms !== undefined ? ` in ${formatDuration(ms)}` : ''}`
  );
}

export const validationFamily: EventFamily = {
  name: 'validation',
  kinds: {
    'validation:started': {
      summary: (d) => `${checkName(d)}${text(d.command) ? `: ${d.command as string}` : ''}`,
      tone: 'plain',
      legacy: 'normalize',
    },
    'validation:output': {
      summary: (d) => `${checkName(d)}: ${stripAnsi(str(d.line) ?? '')}`,
      tone: (d) => (d.stream === 'stderr' ? 'warn' : 'plain'),
      legacy: 'normalize',
    },
    'validation:completed': {
      summary: completedText,
      tone: (d) => (completedText(d).includes(' failed') ? 'bad' : 'good'),
      legacy: 'normalize',
    },
  },
  legacy: {
    underscore: true,
    mapData(_kind, fields, data) {
      // validation:output says which stream in `type`; native data calls it `stream`.
      if (fields.type === 'stdout' || fields.type === 'stderr') {
        data.stream = fields.type;
        delete data.type;
      }
    },
  },
  summaryArrays: ['checks'],
  initSummary(summary) {
    summary.checks = [];
  },
  reduce(next, event) {
    switch (event.kind) {
      case 'validation:started': {
        const check: ValidationCheck = { name: checkName(event.data), status: 'running', startedAt: event.ts };
        const command = str(event.data.command);
        if (command !== undefined) check.command = command;
        const checks = next.checks ?? [];
        if (checks.length >= MAX_CHECK_RUNS_KEPT)
          next.checksDropped = (next.checksDropped ?? 0) + checks.length - MAX_CHECK_RUNS_KEPT + 1;
        next.checks = [...checks.slice(1 - MAX_CHECK_RUNS_KEPT), check];
        break;
      }
      case 'validation:completed':
        completeCheck(next, event);
        break;
    }
  },
};
