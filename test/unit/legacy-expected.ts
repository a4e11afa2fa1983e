// What each recorded legacy run (test/fixtures/legacy) must look like once the legacy endpoint has
// normalized it into the store, whichever client sent it (socket.io-client, python-socketio).
import assert from 'node:assert/strict';
import type { SessionStore } from '../../src/hub/store';
import { localTimestampToIso } from '../../src/protocol/legacy';
import type { SessionSummary } from '../../src/protocol/session';
import type { LegacyFixtureName } from '../fixtures/legacy';

/** What each recorded run must look like once normalized into the store. */
export const EXPECTED: Record<LegacyFixtureName, (summary: SessionSummary, store: SessionStore) => Promise<void>> = {
  'current-cli-run': async (summary, store) => {
    assert.equal(summary.state, 'completed');
    assert.equal(summary.task, 'Add a --json flag to the report command');
    assert.equal(summary.progress, 100);
    assert.deepEqual(
      summary.skills.map((s) => s.name),
      ['code_edit'],
    );
    assert.deepEqual(summary.filesChanged, ['src/report/cli.py', 'tests/test_report_json.py']);
    assert.deepEqual(summary.checkpoints, []);
    const kinds = (await store.readEvents(summary.id)).map((e) => e.kind);
    assert.deepEqual(kinds, [
      'execution:started',
      'execution:progress',
      'skill:started',
      'execution:progress',
      'file:changed',
      'execution:progress',
      'file:changed',
      'file:changed',
      'execution:progress',
      'execution:completed',
    ]);
    const done = (await store.readEvents(summary.id)).at(-1)!;
    assert.deepEqual(done.data, { success: true, filesCreated: ['tests/test_report_json.py'] });
  },
  'orchestrator-run': async (summary, store) => {
    assert.equal(summary.state, 'completed');
    assert.equal(summary.task, 'Rename the config loader and update its callers');
    assert.equal(summary.stepsTotal, 3);
    assert.deepEqual(
      summary.skills.map((s) => ({ name: s.name, status: s.status, stepIndex: s.stepIndex, durationMs: s.durationMs })),
      [
        { name: 'read_file', status: 'completed', stepIndex: 0, durationMs: 420 },
        { name: 'write_file', status: 'completed', stepIndex: 1, durationMs: 1250 },
        { name: 'run_tests', status: 'completed', stepIndex: 2, durationMs: 2300 },
      ],
    );
    assert.equal(summary.checkpoints.length, 1);
    const [checkpoint] = summary.checkpoints;
    assert.equal(checkpoint.id, '9b1c6f0e-58a4-4d6b-9a57-2f0c3e8d7a41');
    assert.equal(checkpoint.label, 'before_write_file');
    assert.equal(checkpoint.skillName, 'write_file');
    assert.equal(checkpoint.ts, localTimestampToIso('2025-11-12T09:15:03.210665'));
    assert.deepEqual(summary.filesChanged, ['app/settings_loader.py', 'app/main.py']);
    const events = await store.readEvents(summary.id);
    const asked = events.find((e) => e.kind === 'decision:requested');
    assert.ok(asked, 'the decision is kept');
    assert.deepEqual(asked.data.options, [
      { id: 'yes', label: 'yes' },
      { id: 'no', label: 'no' },
    ]);
    // A legacy decision is shown (read-only: the endpoint takes no answers), its wait as a point in time.
    assert.equal(summary.decisions?.[0]?.question, 'Keep a compatibility alias for load_config?');
    assert.equal(Date.parse(summary.decisions![0].autoResolveAt!) - Date.parse(asked.ts), 10_000);
    const progress = events.find((e) => e.kind === 'execution:progress');
    assert.deepEqual(
      progress?.data,
      { progress: 33, message: 'Step 1 of 3 done' },
      'execution_progress with top-level fields',
    );
    assert.equal(events.at(-1)?.data.durationMs, 5290);
    assert.equal(events.find((e) => e.kind === 'validation:output')?.data.stream, 'stdout');
  },
  'orchestrator-failed-run': async (summary) => {
    assert.equal(summary.state, 'failed');
    assert.equal(summary.task, 'Upgrade the HTTP client library');
    assert.equal(summary.error, 'Step 2 (run_tests) failed: 3 tests failed');
    assert.deepEqual(
      summary.skills.map((s) => [s.name, s.status, s.durationMs, s.error]),
      [
        ['edit_requirements', 'completed', 660, undefined],
        ['run_tests', 'failed', summary.skills[1].durationMs, '3 tests failed'],
      ],
    );
    assert.equal(summary.checkpoints[0]?.label, 'before_edit_requirements');
  },
};
