// The validation and agent families: data schemas, both legacy spellings (snake_case fields,
// `type` for the stream, durations in seconds; colon and underscore event names), the summary
// slices their reducers keep, and their rows.
import assert from 'node:assert/strict';
import { createSummary, reduceAll } from '../../../src/hub/session-model';
import { dataSchemaFor } from '../../../src/protocol/events';
import { normalizeLegacyEvent } from '../../../src/protocol/legacy';
import { rowTone, summarizeEvent } from '../../../src/protocol/families/index';
import { parseAnsi, stripAnsi } from '../../../src/protocol/families/ansi';
import { SessionSummary } from '../../../src/protocol/session';
import type { EventEnvelope } from '../../../src/protocol/wire';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, second)).toISOString();
let seq = 0;
const ev = (kind: string, data: Record<string, unknown>, second = seq + 1): EventEnvelope => ({
  sessionId: 's',
  seq: ++seq,
  ts: at(second),
  kind,
  data,
});
const fresh = () => createSummary('s', { source: 'native', createdAt: at(0) });

function legacy(eventType: string, data: Record<string, unknown>) {
  const result = normalizeLegacyEvent(
    { session_id: 'run1', event_type: eventType, timestamp: '2026-01-01T10:00:00', data },
    new Date(),
  );
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.event;
}

describe('event family: validation', () => {
  beforeEach(() => (seq = 0));

  it('checks the data of its three kinds', () => {
    assert.ok(dataSchemaFor('validation:started')!.safeParse({ checkName: 'unit', command: 'npm test' }).success);
    assert.ok(
      dataSchemaFor('validation:output')!.safeParse({ checkName: 'unit', line: 'ok', stream: 'stderr' }).success,
    );
    assert.ok(!dataSchemaFor('validation:output')!.safeParse({ checkName: 'unit', line: 'ok', stream: 'tty' }).success);
    assert.ok(
      dataSchemaFor('validation:completed')!.safeParse({
        checkName: 'unit',
        success: false,
        exitCode: 1,
        durationMs: 5,
      }).success,
    );
    assert.ok(!dataSchemaFor('validation:completed')!.safeParse({ exitCode: 'one' }).success);
  });

  it('reads the legacy spellings: check_name, type for the stream, exit_code, duration in seconds, underscores', () => {
    for (const prefix of ['validation:', 'validation_']) {
      assert.deepEqual(legacy(`${prefix}started`, { check_name: 'pytest', command: 'pytest -q' }), {
        sessionId: 'run1',
        kind: 'validation:started',
        ts: legacy(`${prefix}started`, { check_name: 'pytest' }).ts,
        data: { checkName: 'pytest', command: 'pytest -q' },
      });
      const output = legacy(`${prefix}output`, { check_name: 'pytest', line: 'E assert 1 == 2', type: 'stderr' });
      assert.equal(output.kind, 'validation:output');
      assert.deepEqual(output.data, { checkName: 'pytest', line: 'E assert 1 == 2', stream: 'stderr' });
      const done = legacy(`${prefix}completed`, { check_name: 'pytest', success: false, exit_code: 1, duration: 2.5 });
      assert.deepEqual(done.data, { checkName: 'pytest', success: false, exitCode: 1, durationMs: 2500 });
    }
  });

  it('keeps one entry per run of a check in the summary: running, passed, failed with exit code and duration', () => {
    const events = [
      ev('validation:started', { checkName: 'lint', command: 'eslint .' }),
      ev('validation:output', { checkName: 'lint', line: 'clean', stream: 'stdout' }),
      ev('validation:completed', { checkName: 'lint', success: true, exitCode: 0 }),
      ev('validation:started', { checkName: 'unit', command: 'npm test' }),
      ev('validation:output', { checkName: 'unit', line: '1 failing', stream: 'stderr' }),
    ];
    let s = reduceAll(fresh(), events);
    assert.deepEqual(s.checks, [
      {
        name: 'lint',
        command: 'eslint .',
        status: 'passed',
        startedAt: at(1),
        endedAt: at(3),
        exitCode: 0,
        durationMs: 2000,
      },
      { name: 'unit', command: 'npm test', status: 'running', startedAt: at(4) },
    ]);
    const before = s.checks;
    s = reduceAll(s, [ev('validation:output', { checkName: 'unit', line: 'more', stream: 'stdout' })]);
    assert.equal(s.checks, before, 'an output line leaves the checks array as it was');
    s = reduceAll(s, [ev('validation:completed', { checkName: 'unit', success: false, exitCode: 1, durationMs: 900 })]);
    assert.deepEqual(s.checks![1], {
      name: 'unit',
      command: 'npm test',
      status: 'failed',
      startedAt: at(4),
      endedAt: at(7),
      exitCode: 1,
      durationMs: 900,
    });
    // A check that runs again after a fix gets a second entry.
    s = reduceAll(s, [
      ev('validation:started', { checkName: 'unit' }),
      ev('validation:completed', { checkName: 'unit', exitCode: 0 }),
    ]);
    assert.deepEqual(
      s.checks!.map((c) => `${c.name}:${c.status}`),
      ['lint:passed', 'unit:failed', 'unit:passed'],
    );
    assert.ok(SessionSummary.safeParse(s).success);
  });

  it('shows a completion without a start, and a check without a name', () => {
    const s = reduceAll(fresh(), [ev('validation:completed', { exitCode: 2 })]);
    assert.deepEqual(s.checks, [{ name: 'check', status: 'failed', endedAt: at(1), exitCode: 2 }]);
  });

  it('writes rows without escape codes, coloured by outcome and stream', () => {
    const line = ev('validation:output', { checkName: 'unit', line: '\u001b[31m✗ adds\u001b[0m', stream: 'stderr' });
    assert.equal(summarizeEvent(line), 'unit: ✗ adds');
    assert.equal(rowTone(line), 'warn');
    const failed = ev('validation:completed', { checkName: 'unit', success: false, exitCode: 1, durationMs: 1500 });
    assert.equal(summarizeEvent(failed), 'unit failed (exit code 1) in 1.5 s');
    assert.equal(rowTone(failed), 'bad');
    const passed = ev('validation:completed', { checkName: 'lint', success: true });
    assert.equal(summarizeEvent(passed), 'lint passed');
    assert.equal(rowTone(passed), 'good');
    assert.equal(
      summarizeEvent(ev('validation:started', { checkName: 'unit', command: 'npm test' })),
      'unit: npm test',
    );
  });
});

describe('ANSI output', () => {
  it('reads colours and styles into segments, and drops every other escape and control character', () => {
    assert.deepEqual(parseAnsi('\u001b[1;31mFAIL\u001b[0m src/a.test.ts'), [
      { text: 'FAIL', style: { bold: true, fg: 1 } },
      { text: ' src/a.test.ts', style: {} },
    ]);
    assert.deepEqual(parseAnsi('\u001b[92m\u001b[44mok\u001b[39;49m'), [{ text: 'ok', style: { fg: 10, bg: 4 } }]);
    assert.deepEqual(parseAnsi('\u001b[38;5;9mx\u001b[38;5;200my\u001b[38;2;1;2;3mz'), [
      { text: 'x', style: { fg: 9 } },
      { text: 'y', style: {} },
      { text: 'z', style: {} },
    ]);
    assert.equal(stripAnsi('\u001b]0;title\u0007\u001b[2K\r\u001b[32m<b>ok</b>\u001b[m\u0000'), '<b>ok</b>');
    assert.deepEqual(parseAnsi('<img src=x onerror=alert(1)>'), [{ text: '<img src=x onerror=alert(1)>', style: {} }]);
  });
});

describe('event family: agent', () => {
  beforeEach(() => (seq = 0));

  it('checks the data of its kinds', () => {
    assert.ok(dataSchemaFor('agent:spawned')!.safeParse({ agentId: 'a1', role: 'coder', skillName: 'edit' }).success);
    assert.ok(dataSchemaFor('agent:progress')!.safeParse({ agentId: 'a1', message: 'reading', progress: 50 }).success);
    assert.ok(!dataSchemaFor('agent:progress')!.safeParse({ agentId: 'a1', progress: 150 }).success);
    assert.ok(dataSchemaFor('agent:completed')!.safeParse({ agentId: 'a1', success: true, durationMs: 10 }).success);
    assert.ok(!dataSchemaFor('agent:completed')!.safeParse({ agentId: 'a1', durationMs: -1 }).success);
  });

  it('reads the legacy spellings: agent_id, skill_name, duration in seconds, underscores', () => {
    for (const prefix of ['agent:', 'agent_']) {
      assert.deepEqual(legacy(`${prefix}spawned`, { agent_id: 'a1', role: 'tester', skill_name: 'run_tests' }).data, {
        agentId: 'a1',
        role: 'tester',
        skillName: 'run_tests',
      });
      const done = legacy(`${prefix}completed`, { agent_id: 'a1', success: true, duration: 3.25 });
      assert.equal(done.kind, 'agent:completed');
      assert.deepEqual(done.data, { agentId: 'a1', success: true, durationMs: 3250 });
    }
  });

  it('keeps one row per agent: role, skill, state, duration and last activity', () => {
    const s = reduceAll(fresh(), [
      ev('agent:spawned', { agentId: 'a1', role: 'coder', skillName: 'edit' }),
      ev('agent:spawned', { agentId: 'a2', role: 'tester', skillName: 'test' }),
      ev('agent:progress', { agentId: 'a1', message: 'editing greeting.js', progress: 40 }),
      ev('agent:completed', { agentId: 'a1', success: true }),
      ev('agent:completed', { agentId: 'a2', success: false, durationMs: 1234 }),
      ev('agent:progress', { agentId: 'a3', message: 'late joiner' }),
    ]);
    assert.deepEqual(s.agents, [
      {
        id: 'a1',
        role: 'coder',
        skillName: 'edit',
        status: 'completed',
        startedAt: at(1),
        lastActivityAt: at(4),
        lastActivity: 'editing greeting.js',
        progress: 40,
        endedAt: at(4),
        durationMs: 3000,
      },
      {
        id: 'a2',
        role: 'tester',
        skillName: 'test',
        status: 'failed',
        startedAt: at(2),
        lastActivityAt: at(5),
        endedAt: at(5),
        durationMs: 1234,
      },
      { id: 'a3', status: 'active', lastActivityAt: at(6), lastActivity: 'late joiner' },
    ]);
    assert.ok(SessionSummary.safeParse(s).success);
  });

  it('writes rows', () => {
    assert.equal(
      summarizeEvent(ev('agent:spawned', { agentId: 'a1', role: 'coder', skillName: 'edit' })),
      'a1 coder (edit)',
    );
    assert.equal(summarizeEvent(ev('agent:progress', { agentId: 'a1', message: 'reading' })), 'a1: reading');
    const failed = ev('agent:completed', { agentId: 'a2', success: false, durationMs: 2000 });
    assert.equal(summarizeEvent(failed), 'a2 failed in 2.0 s');
    assert.equal(rowTone(failed), 'bad');
  });
});
