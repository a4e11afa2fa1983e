// Host messages for the webview tests: sessions and events shaped exactly like the protocol types.
import type { HubStatus, SessionSummary } from '../../src/protocol/session';
import type { HostToWebview } from '../../src/protocol/webview';
import type { EventEnvelope } from '../../src/protocol/wire';
import { createSummary, reduceAll } from '../../src/hub/session-model';

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
    changes: [
      { path: 'src/settings/ThemeToggle.tsx', operation: 'Write', seq: 7 },
      { path: 'src/settings/index.tsx', operation: 'Edit', seq: 8 },
    ],
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
    firstIndex: 0,
    sessions: s
      ? [s, session({ id: 'do_20261125_190000_00ff00ff', state: 'completed', task: 'Fix the flaky login test' })]
      : [],
    activeSessionId: s?.id ?? null,
    pinnedSessionId: null,
    hub: hubStatus(),
    ...patch,
  };
}

/** A delta; its events' indexes default to seq - 1 (the fixtures number events from seq 1, no gaps). */
export function delta(
  seq: number,
  s: SessionSummary,
  events: EventEnvelope[],
  firstIndex = (events[0]?.seq ?? 1) - 1,
): HostToWebview {
  return { type: 'delta', seq, sessionId: s.id, session: s, firstIndex, events };
}

const ESC = '\u001b';
/** A test runner's coloured output: passing lines green, the failure red, a summary in bold. */
export const FAILING_TEST_OUTPUT: Array<{ line: string; stream: 'stdout' | 'stderr' }> = [
  { line: `${ESC}[1mRUN${ESC}[22m  v1.6.0 /work/app`, stream: 'stdout' },
  { line: ` ${ESC}[32m✓${ESC}[39m src/theme.test.ts ${ESC}[2m(4 tests)${ESC}[22m`, stream: 'stdout' },
  { line: ` ${ESC}[32m✓${ESC}[39m src/settings/index.test.ts ${ESC}[2m(2 tests)${ESC}[22m`, stream: 'stdout' },
  { line: ` ${ESC}[31m✗${ESC}[39m src/settings/ThemeToggle.test.tsx > toggles the theme`, stream: 'stdout' },
  { line: `${ESC}[41m${ESC}[97m FAIL ${ESC}[0m ${ESC}[31mexpected "dark" to be "light"${ESC}[39m`, stream: 'stderr' },
  { line: `  at ThemeToggle.test.tsx:14:23`, stream: 'stderr' },
  { line: `<script>alert("not markup")</script>`, stream: 'stdout' },
  {
    line: `${ESC}[1m Tests ${ESC}[22m ${ESC}[1m${ESC}[31m1 failed${ESC}[39m${ESC}[22m | ${ESC}[1m${ESC}[32m6 passed${ESC}[39m${ESC}[22m`,
    stream: 'stdout',
  },
];

/**
 * A run that fills every panel: skills (one failed), a checkpoint, files, three checks (lint passed,
 * unit tests failed with coloured output on both streams, a type check still running) and two
 * agents (one active, one completed). The summary is folded by the hub's own reducer.
 */
export function fullRun(): { summary: SessionSummary; events: EventEnvelope[] } {
  const base = realisticRun().events;
  let seq = base.length;
  const next = (kind: string, data: Record<string, unknown>) => event(++seq, kind, data);
  const events: EventEnvelope[] = [
    ...base,
    next('agent:spawned', { agentId: 'agent-1', role: 'coder', skillName: 'write_code' }),
    next('agent:spawned', { agentId: 'agent-2', role: 'tester', skillName: 'run_tests' }),
    next('agent:progress', { agentId: 'agent-1', message: 'Editing src/settings/ThemeToggle.tsx', progress: 60 }),
    next('skill:completed', { skillName: 'write_code', stepIndex: 1, durationMs: 8100 }),
    next('agent:completed', { agentId: 'agent-1', success: true, durationMs: 9300 }),
    next('skill:started', { skillName: 'run_tests', stepIndex: 2, stepsTotal: 4 }),
    next('validation:started', { checkName: 'lint', command: 'npm run lint' }),
    next('validation:output', { checkName: 'lint', line: `${ESC}[32m✔${ESC}[39m no problems`, stream: 'stdout' }),
    next('validation:completed', { checkName: 'lint', success: true, exitCode: 0, durationMs: 2300 }),
    next('validation:started', { checkName: 'unit tests', command: 'npm test -- --reporter=dot' }),
    ...FAILING_TEST_OUTPUT.map((o) => next('validation:output', { checkName: 'unit tests', ...o })),
    next('validation:completed', { checkName: 'unit tests', success: false, exitCode: 1, durationMs: 6400 }),
    next('agent:progress', { agentId: 'agent-2', message: 'Reading the failure in ThemeToggle.test.tsx' }),
    next('validation:started', { checkName: 'typecheck', command: 'npx tsc --noEmit' }),
    next('validation:output', { checkName: 'typecheck', line: 'Checking 214 files…', stream: 'stdout' }),
  ];
  const summary = reduceAll(
    createSummary(SESSION_ID, { source: 'native', createdAt: new Date(START).toISOString() }),
    events,
  );
  return { summary: { ...summary, capabilities: ['halt', 'resume', 'cancel'], reporterConnected: true }, events };
}
