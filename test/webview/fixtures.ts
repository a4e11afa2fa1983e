// Host messages for the webview tests: sessions and events shaped exactly like the protocol types.
import type { HubStatus, SessionSummary } from '../../src/protocol/session';
import type { HostToWebview } from '../../src/protocol/webview';
import type { EventEnvelope } from '../../src/protocol/wire';

export const SESSION_ID = 'do_20261125_203000_a1b2c3d4';
const START = Date.parse('2026-11-25T20:30:00.000Z');

export function hubStatus(patch: Partial<HubStatus> = {}): HubStatus {
  return {
    url: 'ws://127.0.0.1:41234',
    state: 'running',
    clients: 2,
    legacy: { state: 'listening', port: 8000 },
    ...patch,
  };
}

export function session(patch: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id: SESSION_ID,
    state: 'running',
    source: 'native',
    unauthenticated: false,
    task: 'Add a dark mode toggle to the settings page',
    createdAt: new Date(START).toISOString(),
    startedAt: new Date(START).toISOString(),
    lastSeq: 0,
    eventCount: 0,
    skills: [],
    checkpoints: [],
    filesChanged: [],
    capabilities: ['halt', 'resume', 'cancel'],
    reporterConnected: true,
    ...patch,
  };
}

export function event(seq: number, kind: string, data: Record<string, unknown>, sessionId = SESSION_ID): EventEnvelope {
  return { sessionId, seq, ts: new Date(START + seq * 250).toISOString(), kind, data };
}

/** `count` log events numbered from `firstSeq`, message "event <seq>". */
export function logEvents(firstSeq: number, count: number): EventEnvelope[] {
  return Array.from({ length: count }, (_, i) =>
    event(firstSeq + i, 'log', { level: 'info', message: `event ${firstSeq + i}` }),
  );
}

/** A realistic run: started, skills (one failed), progress, checkpoint, files, logs. */
export function realisticRun(): { summary: SessionSummary; events: EventEnvelope[] } {
  const events: EventEnvelope[] = [
    event(1, 'execution:started', { task: 'Add a dark mode toggle to the settings page', stepsTotal: 4 }),
    event(2, 'skill:started', { skillName: 'analyze_codebase', stepIndex: 0, stepsTotal: 4 }),
    event(3, 'log', { level: 'info', message: 'Scanning 214 files in src/' }),
    event(4, 'skill:completed', { skillName: 'analyze_codebase', stepIndex: 0, durationMs: 4200 }),
    event(5, 'checkpoint:created', {
      checkpointId: 'cp_001',
      label: 'after analyze_codebase',
      skillName: 'analyze_codebase',
      files: ['src/settings.tsx'],
    }),
    event(6, 'skill:started', { skillName: 'write_code', stepIndex: 1, stepsTotal: 4 }),
    event(7, 'file:changed', { path: 'src/settings/ThemeToggle.tsx', operation: 'created' }),
    event(8, 'file:changed', { path: 'src/settings/index.tsx', operation: 'modified' }),
    event(9, 'execution:progress', {
      progress: 45,
      message: 'Writing the toggle component',
      currentStep: 1,
      stepsTotal: 4,
    }),
    event(10, 'log', { level: 'warn', message: 'No tests found for src/settings; creating some' }),
  ];
  const summary = session({
    lastSeq: 10,
    eventCount: 10,
    progress: 45,
    progressMessage: 'Writing the toggle component',
    currentSkill: 'write_code',
    currentStep: 1,
    stepsTotal: 4,
    skills: [
      { name: 'analyze_codebase', status: 'completed', stepIndex: 0, stepsTotal: 4, durationMs: 4200 },
      {
        name: 'write_code',
        status: 'running',
        stepIndex: 1,
        stepsTotal: 4,
        startedAt: new Date(START + 1500).toISOString(),
      },
    ],
    checkpoints: [
      {
        id: 'cp_001',
        label: 'after analyze_codebase',
        skillName: 'analyze_codebase',
        ts: new Date(START + 1250).toISOString(),
      },
    ],
    filesChanged: ['src/settings/ThemeToggle.tsx', 'src/settings/index.tsx'],
  });
  return { summary, events };
}

export function snapshot(
  seq: number,
  s: SessionSummary | null,
  events: EventEnvelope[],
  patch: Partial<Extract<HostToWebview, { type: 'snapshot' }>> = {},
): HostToWebview {
  return {
    type: 'snapshot',
    seq,
    session: s,
    events,
    sessions: s
      ? [s, session({ id: 'do_20261125_190000_00ff00ff', state: 'completed', task: 'Fix the flaky login test' })]
      : [],
    activeSessionId: s?.id ?? null,
    pinnedSessionId: null,
    hub: hubStatus(),
    ...patch,
  };
}

export function delta(seq: number, s: SessionSummary, events: EventEnvelope[]): HostToWebview {
  return { type: 'delta', seq, sessionId: s.id, session: s, events };
}
