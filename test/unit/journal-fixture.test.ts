// A journal written by release 0.1.0 (test/fixtures/journal/v0.1.0) still loads with today's code:
// summary fields added since are optional or defaulted, and summaries are re-derived from events.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/hub/journal';
import { SessionStore } from '../../src/hub/store';
import { SessionSummary } from '../../src/protocol/session';

const FIXTURE = join(__dirname, '..', 'fixtures', 'journal', 'v0.1.0');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('journal written by release 0.1.0', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-v010-'));
    cpSync(FIXTURE, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses every index entry with the current SessionSummary schema', () => {
    const index = JSON.parse(readFileSync(join(FIXTURE, 'index.json'), 'utf8')) as { sessions: unknown[] };
    assert.equal(index.sessions.length, 2);
    for (const entry of index.sessions) {
      const parsed = SessionSummary.safeParse(entry);
      assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    }
  });

  it('loads both sessions with their events, skills, checkpoints and files', async () => {
    const warnings: string[] = [];
    const journal = new Journal({ dir, log: { ...quiet, warn: (m: string) => warnings.push(m) } });
    const store = new SessionStore({ journal });
    journal.attach(() => store.list());
    // Release 0.1.0's index has no file sizes: every file is read again, as after a crash.
    store.restore(await journal.open());
    assert.equal(journal.needsRebuild, true);
    await journal.rebuild((session) => store.restoreRebuilt(session));
    try {
      assert.deepEqual(warnings, []);
      const native = store.get('native_fixture_run');
      assert.ok(native);
      assert.equal(native.state, 'failed');
      assert.equal(native.eventCount, 18);
      assert.equal((await store.readEvents('native_fixture_run')).length, 18);
      assert.deepEqual(
        native.skills.map((s) => `${s.name}:${s.status}`),
        ['plan:completed', 'edit:completed', 'test:failed'],
      );
      assert.deepEqual(
        native.checkpoints.map((c) => c.id),
        ['cp-1'],
      );
      assert.deepEqual(native.filesChanged, ['src/greeting.js']);
      assert.equal(native.error, 'validation failed');
      // Slices that release did not have are derived again from the events on reload.
      assert.deepEqual(
        native.checks?.map((c) => `${c.name}:${c.status}:${c.exitCode}`),
        ['unit tests:failed:1'],
      );
      assert.deepEqual(
        native.agents?.map((a) => `${a.id}:${a.role}:${a.status}:${a.durationMs}`),
        ['a1:coder:completed:2500'],
      );

      const legacy = store.get('do_20251116_153316_856369b4');
      assert.ok(legacy);
      assert.equal(legacy.source, 'legacy');
      assert.equal(legacy.unauthenticated, true);
      assert.equal(legacy.state, 'completed');
      assert.equal(legacy.task, 'Add a --json flag to the report command');
      assert.deepEqual(legacy.filesChanged, ['src/report/cli.py', 'tests/test_report_json.py']);
    } finally {
      store.dispose();
      await journal.flush();
    }
  });
});
