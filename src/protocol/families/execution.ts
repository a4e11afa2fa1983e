// The run itself: started, progress, halted/resumed, and how it ended. Maintains the summary's
// state, task, progress, steps, exit code and error.
import type { SessionState, SessionSummary } from '../session';
import type { EventEnvelope } from '../wire';
import { bool, compactJson, formatDuration, int, num, str, stepSuffix, text, type EventFamily } from './family';

function applySteps(next: SessionSummary, data: Record<string, unknown>): void {
  const currentStep = int(data.currentStep);
  if (currentStep !== undefined) next.currentStep = currentStep;
  const stepsTotal = int(data.stepsTotal);
  if (stepsTotal !== undefined) next.stepsTotal = stepsTotal;
}

function finish(next: SessionSummary, event: EventEnvelope, state: SessionState): void {
  next.state = state;
  next.endedAt = event.ts;
  const exitCode = int(event.data.exitCode);
  if (exitCode !== undefined) next.exitCode = exitCode;
  const error = str(event.data.error);
  if (error !== undefined) next.error = error;
  delete next.currentSkill;
}

const reason = (d: Record<string, unknown>) => text(d.reason) ?? compactJson(d);

export const executionFamily: EventFamily = {
  name: 'execution',
  kinds: {
    'execution:started': { summary: (d) => text(d.task) ?? compactJson(d), tone: 'plain', legacy: 'normalize' },
    'execution:progress': {
      summary: (d) => {
        const pct = num(d.progress);
        return `${pct !== undefined ? `${Math.round(pct)}% ` : ''}${text(d.message) ?? ''}${stepSuffix(d)}`.trim();
      },
      tone: 'plain',
      legacy: 'normalize',
    },
    'execution:halted': { summary: reason, tone: 'warn', legacy: 'normalize' },
    'execution:resumed': { summary: compactJson, tone: 'plain', legacy: 'normalize' },
    'execution:completed': {
      summary: (d) => {
        const ms = num(d.durationMs);
        return `${d.success === false ? 'unsuccessful' : 'success'}${ms !== undefined ? ` in ${formatDuration(ms)}` : ''}`;
      },
      tone: 'good',
      legacy: 'normalize',
    },
    'execution:failed': { summary: (d) => text(d.error) ?? compactJson(d), tone: 'bad', legacy: 'normalize' },
    'execution:cancelled': { summary: reason, tone: 'bad', legacy: 'normalize' },
  },
  legacy: {
    underscore: true,
    vocabularyOnly: ['execution:rollback_started', 'execution:rollback_completed', 'execution:rollback_failed'],
    mapData: (kind, fields) =>
      // The orchestrator reports a failed run as `execution:completed` with `success: false`.
      kind === 'execution:completed' && fields.success === false ? 'execution:failed' : undefined,
  },
  summaryArrays: ['capabilities'],
  finalKinds: ['execution:completed', 'execution:failed', 'execution:cancelled'],
  reduce(next, event) {
    const data = event.data;
    switch (event.kind) {
      case 'execution:started': {
        next.state = 'running';
        next.startedAt = event.ts;
        delete next.endedAt;
        const task = str(data.task);
        if (task !== undefined) next.task = task;
        applySteps(next, data);
        break;
      }
      case 'execution:progress': {
        const progress = num(data.progress);
        if (progress !== undefined) next.progress = progress;
        const message = str(data.message);
        if (message !== undefined) next.progressMessage = message;
        applySteps(next, data);
        break;
      }
      case 'execution:halted':
        next.state = 'halted';
        applySteps(next, data);
        break;
      case 'execution:resumed':
        next.state = 'running';
        applySteps(next, data);
        break;
      case 'execution:completed': {
        const success = bool(data.success) !== false;
        finish(next, event, success ? 'completed' : 'failed');
        applySteps(next, data);
        if (success) next.progress = 100;
        break;
      }
      case 'execution:failed':
        finish(next, event, 'failed');
        break;
      case 'execution:cancelled':
        finish(next, event, 'cancelled');
        break;
    }
  },
};
