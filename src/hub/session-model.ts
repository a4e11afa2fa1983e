// The session summary is derived from the events alone, by this pure reducer, so the live store,
// the journal reload and every view agree on what a session looks like. Each event family
// (src/protocol/families) reduces its own slice; this module does what is common to all events.
// The reducer never trusts `data` shapes blindly: events replayed from disk or appended by other
// endpoints are read through small typed accessors, and an unexpected field type is ignored.
import type { EventEnvelope } from '../protocol/wire';
import type { SessionSource, SessionState, SessionSummary } from '../protocol/session';
import { FINAL_EVENT_KINDS, initFamilySlices, reduceFamilySlice } from '../protocol/families/index';

export interface NewSessionInit {
  source: SessionSource;
  createdAt: string;
  task?: string;
  state?: SessionState;
}

export function createSummary(id: string, init: NewSessionInit): SessionSummary {
  const summary = {
    id,
    state: init.state ?? 'pending',
    source: init.source,
    unauthenticated: init.source === 'legacy',
    createdAt: init.createdAt,
    lastSeq: 0,
    eventCount: 0,
    capabilities: [],
    reporterConnected: false,
  } as Partial<SessionSummary> as SessionSummary;
  // Every family starts its slice (skills, checkpoints, files, checks, agents: empty).
  initFamilySlices(summary);
  if (init.task !== undefined) summary.task = init.task;
  return summary;
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

  // Any non-final report means a reporter is alive: a pending session starts, a lost one is back.
  if (!FINAL_EVENT_KINDS.has(event.kind) && (next.state === 'pending' || next.state === 'lost')) {
    next.state = 'running';
    next.startedAt ??= event.ts;
    delete next.endedAt;
  }
  // Kinds no family knows (and informational ones such as log) only count.
  reduceFamilySlice(next, event);
  return next;
}

/** Fold many events (journal reload). */
export function reduceAll(summary: SessionSummary, events: readonly EventEnvelope[]): SessionSummary {
  let current = summary;
  for (const event of events) current = reduceSession(current, event);
  return current;
}
