// The mapping from today's CLI payloads to native events, tested without any socket.
import assert from 'node:assert/strict';
import { dataSchemaFor } from '../../src/protocol/events';
import {
  localTimestampToIso,
  normalizeEventType,
  normalizeLegacyEvent,
  type NormalizedLegacyEvent,
  readTimestamp,
  legacySessionId,
  secondsToMs,
  snakeToCamel,
} from '../../src/protocol/legacy';
import { IsoTimestamp } from '../../src/protocol/wire';
import { loadLegacyRun } from '../fixtures/legacy';

const ARRIVAL = new Date('2026-01-02T03:04:05.006Z');
const SESSION = 'do_20251116_153316_856369b4';

function ok(payload: unknown): NormalizedLegacyEvent {
  const result = normalizeLegacyEvent(payload, ARRIVAL);
  if (!result.ok) assert.fail(`expected ok, got: ${result.reason}`);
  return result.event;
}

function rejected(payload: unknown): string {
  const result = normalizeLegacyEvent(payload, ARRIVAL);
  assert.equal(result.ok, false, `expected a rejection for ${JSON.stringify(payload)}`);
  return (result as { reason: string }).reason;
}

/** Run with another process time zone; Node re-reads TZ when it is assigned. */
function inTimeZone<T>(zone: string, body: () => T): T {
  const previous = process.env.TZ;
  process.env.TZ = zone;
  try {
    return body();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

describe('legacy normalization: timestamps', () => {
  it('reads a timestamp without a zone as local time and adds the offset', () => {
    const iso = inTimeZone('America/New_York', () => localTimestampToIso('2025-11-16T15:33:16.482913'));
    assert.equal(iso, '2025-11-16T15:33:16.482-05:00');
    assert.equal(new Date(iso!).toISOString(), '2025-11-16T20:33:16.482Z');
  });

  it('uses the offset in effect at that date (summer time)', () => {
    const iso = inTimeZone('Europe/Berlin', () => localTimestampToIso('2025-07-01T08:00:00'));
    assert.equal(iso, '2025-07-01T08:00:00.000+02:00');
  });

  it('handles zones east and west, UTC, a space separator and missing seconds', () => {
    assert.equal(
      inTimeZone('Asia/Kolkata', () => localTimestampToIso('2025-11-16 15:33:16')),
      '2025-11-16T15:33:16.000+05:30',
    );
    assert.equal(
      inTimeZone('UTC', () => localTimestampToIso('2025-11-16T15:33')),
      '2025-11-16T15:33:00.000+00:00',
    );
  });

  it('keeps a timestamp that already has a zone', () => {
    assert.equal(localTimestampToIso('2025-11-16T15:33:16.5Z'), '2025-11-16T15:33:16.5Z');
    assert.equal(localTimestampToIso('2025-11-16T15:33:16+01:00'), '2025-11-16T15:33:16+01:00');
  });

  it('refuses what is not a timestamp', () => {
    for (const bad of ['', 'yesterday', '2025-13-01T00:00:00', '2025-02-30T10:00:00', '1700000000']) {
      assert.equal(localTimestampToIso(bad), undefined, bad);
    }
  });

  it('reads epoch seconds (Python time.time()) and epoch milliseconds', () => {
    inTimeZone('UTC', () => {
      assert.equal(readTimestamp(1763307196.482), '2025-11-16T15:33:16.482+00:00');
      assert.equal(readTimestamp(1763307196482), '2025-11-16T15:33:16.482+00:00');
      assert.equal(readTimestamp(-5), undefined);
      assert.equal(readTimestamp(null), undefined);
    });
  });

  it('falls back to the arrival time when the payload has no usable timestamp', () => {
    const event = inTimeZone('UTC', () =>
      ok({ session_id: SESSION, event_type: 'execution:progress', timestamp: 'soon', data: { progress: 1 } }),
    );
    assert.equal(event.ts, '2026-01-02T03:04:05.006+00:00');
    assert.ok(IsoTimestamp.safeParse(event.ts).success);
  });

  it('takes the timestamp from data when the envelope has none', () => {
    const event = inTimeZone('UTC', () =>
      ok({
        session_id: SESSION,
        event_type: 'skill:started',
        data: { skill_name: 'x', timestamp: '2025-11-16T15:33:18.250077' },
      }),
    );
    assert.equal(event.ts, '2025-11-16T15:33:18.250+00:00');
    assert.equal(event.data.timestamp, undefined, 'the envelope timestamp is not repeated in data');
  });
});

describe('legacy normalization: names', () => {
  it('maps both spellings of the event types', () => {
    assert.equal(normalizeEventType('execution:progress'), 'execution:progress');
    assert.equal(normalizeEventType('execution_progress'), 'execution:progress');
    assert.equal(normalizeEventType('file:modified'), 'file:changed');
    assert.equal(normalizeEventType('file_changed'), 'file:changed');
    assert.equal(normalizeEventType('file_modified'), 'file:changed');
    assert.equal(normalizeEventType('file:created'), 'file:changed');
    assert.equal(normalizeEventType('execution_rollback_started'), 'execution:rollback_started');
    assert.equal(normalizeEventType('execution:rollback_started'), 'execution:rollback_started');
    assert.equal(normalizeEventType('decision:requested'), 'decision:requested');
    assert.equal(normalizeEventType('heartbeat'), 'heartbeat');
  });

  it('converts snake_case field names to camelCase', () => {
    assert.equal(snakeToCamel('skill_name'), 'skillName');
    assert.equal(snakeToCamel('files_created'), 'filesCreated');
    assert.equal(snakeToCamel('step_index'), 'stepIndex');
    assert.equal(snakeToCamel('alreadyCamel'), 'alreadyCamel');
  });

  it('converts seconds to whole milliseconds', () => {
    assert.equal(secondsToMs(2.3), 2300);
    assert.equal(secondsToMs(0.42), 420);
    assert.equal(secondsToMs(0), 0);
  });

  it('keeps session ids of the CLI format and makes other --session-id values safe', () => {
    assert.equal(legacySessionId(SESSION), SESSION);
    assert.equal(legacySessionId('my run/2'), 'my_run_2');
    assert.equal(legacySessionId('   '), undefined);
  });
});

describe('legacy normalization: event data', () => {
  it('maps the current CLI vocabulary', () => {
    const started = ok({
      session_id: SESSION,
      event_type: 'execution:started',
      timestamp: '2025-11-16T15:33:16.482913',
      data: { task: 'Add a flag', session_id: SESSION, timestamp: '2025-11-16T15:33:16.482913' },
    });
    assert.equal(started.sessionId, SESSION);
    assert.equal(started.kind, 'execution:started');
    assert.deepEqual(started.data, { task: 'Add a flag' });

    const file = ok({
      session_id: SESSION,
      event_type: 'file:modified',
      data: { file_path: 'src/a.py', operation: 'Edit' },
    });
    assert.deepEqual(file, {
      sessionId: SESSION,
      kind: 'file:changed',
      ts: file.ts,
      data: { path: 'src/a.py', operation: 'Edit' },
    });

    const skill = ok({
      session_id: SESSION,
      event_type: 'skill:started',
      data: { skill_id: 'code-edit', skill_name: 'code_edit' },
    });
    assert.deepEqual(skill.data, { skillId: 'code-edit', skillName: 'code_edit' });

    const thinking = ok({
      session_id: SESSION,
      event_type: 'execution:progress',
      data: { progress: 5, thinking: true },
    });
    assert.deepEqual(thinking.data, { progress: 5, thinking: true });

    const done = ok({
      session_id: SESSION,
      event_type: 'execution:completed',
      data: { success: true, files_created: ['t.py'] },
    });
    assert.equal(done.kind, 'execution:completed');
    assert.deepEqual(done.data, { success: true, filesCreated: ['t.py'] });
  });

  it('maps the earlier orchestrator vocabulary, with durations in ms', () => {
    const completed = ok({
      session_id: SESSION,
      event_type: 'skill:completed',
      data: { skill_name: 'write_file', step_index: 1, duration: 1.25 },
    });
    assert.deepEqual(completed.data, { skillName: 'write_file', stepIndex: 1, durationMs: 1250 });

    const run = ok({
      session_id: SESSION,
      event_type: 'execution:completed',
      data: { success: true, plan_id: 'p', steps_completed: 3, steps_total: 3, duration_seconds: 12.75 },
    });
    assert.deepEqual(run.data, { success: true, planId: 'p', stepsCompleted: 3, stepsTotal: 3, durationMs: 12750 });

    const checkpoint = ok({
      session_id: SESSION,
      event_type: 'checkpoint:created',
      data: { checkpoint_id: 'c1', label: 'before_write_file', skill_name: 'write_file' },
    });
    assert.deepEqual(checkpoint.data, { checkpointId: 'c1', label: 'before_write_file', skillName: 'write_file' });

    const agent = ok({
      session_id: SESSION,
      event_type: 'agent:completed',
      data: { agent_id: 'a3', success: true, duration: 2.2 },
    });
    assert.deepEqual(agent.data, { agentId: 'a3', success: true, durationMs: 2200 });

    const output = ok({
      session_id: SESSION,
      event_type: 'validation:output',
      data: { check_name: 'pytest', line: 'ok', type: 'stderr' },
    });
    assert.deepEqual(output.data, { checkName: 'pytest', line: 'ok', stream: 'stderr' });

    const validation = ok({
      session_id: SESSION,
      event_type: 'validation:completed',
      data: { check_name: 'pytest', success: false, exit_code: 2 },
    });
    assert.deepEqual(validation.data, { checkName: 'pytest', success: false, exitCode: 2 });

    const halted = ok({
      session_id: SESSION,
      event_type: 'execution:halted',
      data: { reason: 'user', current_step: 1, steps_total: 3 },
    });
    assert.deepEqual(halted.data, { reason: 'user', currentStep: 1, stepsTotal: 3 });

    const rollback = ok({
      session_id: SESSION,
      event_type: 'execution:rollback_failed',
      data: { checkpoint_id: 'c1', error: 'dirty tree' },
    });
    assert.deepEqual(rollback.data, { checkpointId: 'c1', error: 'dirty tree' });

    const created = ok({
      session_id: SESSION,
      event_type: 'file:created',
      data: { file: 'app/x.py', type: 'python', directory: 'app' },
    });
    assert.deepEqual(created.data, { path: 'app/x.py', type: 'python', directory: 'app', operation: 'created' });
  });

  it('turns execution:completed with success false into execution:failed', () => {
    const failed = ok({
      session_id: SESSION,
      event_type: 'execution:completed',
      data: { success: false, error: 'boom', duration_seconds: 5.8 },
    });
    assert.equal(failed.kind, 'execution:failed');
    assert.deepEqual(failed.data, { success: false, error: 'boom', durationMs: 5800 });
  });

  it('reads fields at the top level as well as under data (data wins)', () => {
    const progress = ok({ session_id: SESSION, event_type: 'execution_progress', progress: 40, message: 'top level' });
    assert.equal(progress.kind, 'execution:progress');
    assert.deepEqual(progress.data, { progress: 40, message: 'top level' });

    const both = ok({
      session_id: SESSION,
      event_type: 'file_changed',
      file_path: 'top.py',
      data: { file_path: 'inner.py' },
    });
    assert.deepEqual(both.data, { path: 'inner.py' });

    const sessionInData = ok({ event_type: 'execution:started', data: { session_id: SESSION, task: 't' } });
    assert.equal(sessionInData.sessionId, SESSION);
  });

  it('keeps extra fields and lets an explicit camelCase field win over its snake_case twin', () => {
    const skill = ok({
      session_id: SESSION,
      event_type: 'skill:started',
      data: { skill_name: 'old', skillName: 'new', parameters: { some_path: 'x' }, model: 'opus' },
    });
    assert.deepEqual(skill.data, { skillName: 'new', parameters: { some_path: 'x' }, model: 'opus' });
  });

  it('maps the orchestrator decision: string options, auto_resolve_seconds as a point in time', () => {
    const decision = ok({
      session_id: SESSION,
      event_type: 'decision:requested',
      timestamp: '2025-11-12T09:15:04.000',
      data: { decision_id: 'd1', question: 'Alias?', options: ['yes', 'no'], auto_resolve_seconds: 10, default: 'no' },
    });
    assert.equal(decision.kind, 'decision:requested');
    assert.equal(decision.data.decisionId, 'd1');
    assert.deepEqual(decision.data.options, [
      { id: 'yes', label: 'yes' },
      { id: 'no', label: 'no' },
    ]);
    assert.equal(decision.data.defaultOptionId, 'no');
    assert.equal(Date.parse(decision.data.autoResolveAt as string) - Date.parse(decision.ts), 10_000);
    const resolved = ok({
      session_id: SESSION,
      event_type: 'decision:resolved',
      data: { decision_id: 'd1', choice: 'yes' },
    });
    assert.deepEqual(resolved.data, { decisionId: 'd1', optionId: 'yes', by: 'cli' });
    assert.match(
      rejected({ session_id: SESSION, event_type: 'decision:requested', data: { decision_id: 'd1', options: ['a'] } }),
      /question/,
    );
  });

  it('keeps unknown event types with their data as sent', () => {
    const unknown = ok({
      session_id: SESSION,
      event_type: 'rollback:planned',
      data: { plan_id: 'p1', files: ['a', 'b'] },
    });
    assert.equal(unknown.kind, 'rollback:planned');
    assert.deepEqual(unknown.data, { plan_id: 'p1', files: ['a', 'b'] });
    const bare = ok({ session_id: SESSION, event_type: 'heartbeat' });
    assert.deepEqual(bare.data, {});
    const pythonNone = ok({ session_id: SESSION, event_type: 'heartbeat', timestamp: null, data: null });
    assert.deepEqual(pythonNone.data, {});
  });

  it('rejects malformed payloads with a reason instead of throwing', () => {
    assert.match(rejected(null), /not a cli_event payload/);
    assert.match(rejected('execution:started'), /not a cli_event payload/);
    assert.match(rejected({ session_id: SESSION }), /event_type/);
    assert.match(rejected({ session_id: SESSION, event_type: 42 }), /event_type/);
    assert.match(rejected({ session_id: SESSION, event_type: 'x', data: 'not an object' }), /data/);
    assert.match(rejected({ event_type: 'execution:started', data: {} }), /no session_id/);
    assert.match(rejected({ session_id: SESSION, event_type: 'bad type with spaces' }), /unusable event_type/);
    assert.match(rejected({ session_id: SESSION, event_type: 'skill:started', data: {} }), /skill:started/);
    assert.match(
      rejected({ session_id: SESSION, event_type: 'execution:progress', data: { progress: 'half' } }),
      /progress/,
    );
  });
});

describe('legacy normalization: recorded runs', () => {
  for (const name of ['current-cli-run', 'orchestrator-run', 'orchestrator-failed-run'] as const) {
    it(`${name}: every payload normalizes to a valid native event of its session`, () => {
      const run = loadLegacyRun(name);
      for (const payload of run.events) {
        const event = ok(payload);
        assert.equal(event.sessionId, run.sessionId);
        assert.ok(IsoTimestamp.safeParse(event.ts).success, event.ts);
        const schema = dataSchemaFor(event.kind);
        if (schema) assert.ok(schema.safeParse(event.data).success, `${event.kind} data valid`);
        for (const key of Object.keys(event.data)) {
          assert.doesNotMatch(key, /_/, `${event.kind}.${key} is camelCase`);
        }
      }
    });
  }

  it('the orchestrator run ends in execution:completed, the failed one in execution:failed', () => {
    const last = (name: 'orchestrator-run' | 'orchestrator-failed-run') => {
      const run = loadLegacyRun(name);
      return ok(run.events[run.events.length - 1]);
    };
    assert.equal(last('orchestrator-run').kind, 'execution:completed');
    assert.equal(last('orchestrator-run').data.durationMs, 5290);
    assert.equal(last('orchestrator-failed-run').kind, 'execution:failed');
    assert.equal(last('orchestrator-failed-run').data.error, 'Step 2 (run_tests) failed: 3 tests failed');
  });
});
