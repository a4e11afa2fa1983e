// The session summary is derived from the events alone, by this pure reducer, so the live store,
// the journal reload and every view agree on what a session looks like. The reducer never trusts
// `data` shapes blindly: events replayed from disk or appended by other endpoints are read through
// small typed accessors, and an unexpected field type is simply ignored.
import type { EventEnvelope } from '../protocol/wire';
import type { CheckpointRef, SessionSource, SessionState, SessionSummary, SkillRun } from '../protocol/session';
import { FINAL_EVENT_KINDS } from '../protocol/events';

export interface NewSessionInit {
  source: SessionSource;
  createdAt: string;
  task?: string;
  state?: SessionState;
}

export function createSummary(id: string, init: NewSessionInit): SessionSummary {
  const summary: SessionSummary = {
    id,
    state: init.state ?? 'pending',
    source: init.source,
    unauthenticated: init.source === 'legacy',
    createdAt: init.createdAt,
    lastSeq: 0,
    eventCount: 0,
    skills: [],
    checkpoints: [],
    filesChanged: [],
    capabilities: [],
    reporterConnected: false,
  };
  if (init.task !== undefined) summary.task = init.task;
  return summary;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const int = (value: unknown): number | undefined => (Number.isInteger(value) ? (value as number) : undefined);
const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;

function millisBetween(from: string | undefined, to: string): number | undefined {
  if (!from) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Index of the most recent still-running run of a skill (skills can repeat within a session). */
function runningSkillIndex(skills: readonly SkillRun[], name: string): number {
  for (let i = skills.length - 1; i >= 0; i--) {
    if (skills[i].name === name && skills[i].status === 'running') return i;
  }
  return -1;
}

function endSkill(next: SessionSummary, event: EventEnvelope, status: 'completed' | 'failed'): void {
  const name = str(event.data.skillName);
  if (!name) return;
  const skills = next.skills.slice();
  let index = runningSkillIndex(skills, name);
  if (index < 0) {
    // An end without a start (e.g. the start was sent before we were listening): still show it.
    skills.push({ name, status: 'running' });
    index = skills.length - 1;
  }
  const run: SkillRun = { ...skills[index], status, endedAt: event.ts };
  const stepIndex = int(event.data.stepIndex);
  if (stepIndex !== undefined) run.stepIndex = stepIndex;
  const duration = num(event.data.durationMs) ?? millisBetween(run.startedAt, event.ts);
  if (duration !== undefined) run.durationMs = duration;
  const error = str(event.data.error);
  if (error !== undefined) run.error = error;
  skills[index] = run;
  next.skills = skills;
  if (next.currentSkill === name) delete next.currentSkill;
}

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

/**
 * Fold one event into a summary. Returns a new object; arrays are copied only when they change,
 * so folding a long stream of log lines costs one shallow copy per event.
 * Events with seq <= summary.lastSeq are the store's business (dedupe), not the reducer's.
 */
export function reduceSession(summary: SessionSummary, event: EventEnvelope): SessionSummary {
  const next: SessionSummary = {
    ...summary,
    eventCount: summary.eventCount + 1,
    lastSeq: Math.max(summary.lastSeq, event.seq),
  };
  const data = event.data;

  // Any non-final report means a reporter is alive: a pending session starts, a lost one is back.
  if (!FINAL_EVENT_KINDS.has(event.kind) && (next.state === 'pending' || next.state === 'lost')) {
    next.state = 'running';
    next.startedAt ??= event.ts;
    delete next.endedAt;
  }

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
    case 'skill:started': {
      const name = str(data.skillName);
      if (!name) break;
      const run: SkillRun = { name, status: 'running', startedAt: event.ts };
      const stepIndex = int(data.stepIndex);
      if (stepIndex !== undefined) {
        run.stepIndex = stepIndex;
        next.currentStep = stepIndex;
      }
      const stepsTotal = int(data.stepsTotal);
      if (stepsTotal !== undefined) {
        run.stepsTotal = stepsTotal;
        next.stepsTotal = stepsTotal;
      }
      next.skills = [...next.skills, run];
      next.currentSkill = name;
      break;
    }
    case 'skill:completed':
      endSkill(next, event, 'completed');
      break;
    case 'skill:failed':
      endSkill(next, event, 'failed');
      break;
    case 'checkpoint:created': {
      const id = str(data.checkpointId);
      if (!id) break;
      const ref: CheckpointRef = { id, ts: event.ts };
      const label = str(data.label);
      if (label !== undefined) ref.label = label;
      const skillName = str(data.skillName);
      if (skillName !== undefined) ref.skillName = skillName;
      const files = strings(data.files);
      if (files !== undefined) ref.files = files;
      next.checkpoints = [...next.checkpoints, ref];
      break;
    }
    case 'file:changed': {
      const path = str(data.path);
      if (path && !next.filesChanged.includes(path)) next.filesChanged = [...next.filesChanged, path];
      break;
    }
    default:
      // Unknown and informational kinds (log, validation:*, agent:*) only count.
      break;
  }
  return next;
}

/** Fold many events (journal reload). */
export function reduceAll(summary: SessionSummary, events: readonly EventEnvelope[]): SessionSummary {
  let current = summary;
  for (const event of events) current = reduceSession(current, event);
  return current;
}
