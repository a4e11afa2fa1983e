// The session store and the pure reducer: states, skills, checkpoints, files, dedupe, lost after
// the grace period, the single active session rule, retention and change notifications.
import assert from 'node:assert/strict';
import type { EventEnvelope } from '../../src/protocol/wire';
import { createSummary, reduceAll, reduceSession } from '../../src/hub/session-model';
import { SessionStore, type StoreChange } from '../../src/hub/store';
import { MAX_SKILL_RUNS_KEPT } from '../../src/protocol/families/skill';
import { MAX_CHECK_RUNS_KEPT } from '../../src/protocol/families/validation';
import { MAX_FILES_LISTED } from '../../src/protocol/families/file';
import { MAX_CHECKPOINTS_LISTED } from '../../src/protocol/families/checkpoint';
import { MAX_AGENTS_LISTED } from '../../src/protocol/families/agent';
import { event, RecordingLogger, waitFor } from './hub-support';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, second)).toISOString();
const ev = (seq: number, kind: string, data: Record<string, unknown> = {}, ts = at(seq)): EventEnvelope => ({
  sessionId: 's',
  seq,
  ts,
  kind,
  data,
});
const fresh = () => createSummary('s', { source: 'native', createdAt: at(0) });

describe('session model (pure reducer)', () => {
  it('follows a run: started -> progress -> halted -> resumed -> completed', () => {
    let s = reduceSession(fresh(), ev(1, 'execution:started', { task: 'build it', stepsTotal: 4 }));
    assert.equal(s.state, 'running');
    assert.equal(s.task, 'build it');
    assert.equal(s.stepsTotal, 4);
    assert.equal(s.startedAt, at(1));
    s = reduceSession(s, ev(2, 'execution:progress', { progress: 40, message: 'half', currentStep: 2 }));
    assert.deepEqual([s.progress, s.progressMessage, s.currentStep], [40, 'half', 2]);
    s = reduceSession(s, ev(3, 'execution:halted', { reason: 'user' }));
    assert.equal(s.state, 'halted');
    s = reduceSession(s, ev(4, 'execution:resumed'));
    assert.equal(s.state, 'running');
    s = reduceSession(s, ev(5, 'execution:completed', { success: true, exitCode: 0 }));
    assert.equal(s.state, 'completed');
    assert.equal(s.endedAt, at(5));
    assert.equal(s.exitCode, 0);
    assert.equal(s.progress, 100);
    assert.equal(s.eventCount, 5);
    assert.equal(s.lastSeq, 5);
  });

  it('maps completed with success false, failed and cancelled to their states', () => {
    const started = reduceSession(fresh(), ev(1, 'execution:started'));
    assert.equal(reduceSession(started, ev(2, 'execution:completed', { success: false })).state, 'failed');
    const failed = reduceSession(started, ev(2, 'execution:failed', { error: 'boom', exitCode: 1 }));
    assert.deepEqual([failed.state, failed.error, failed.exitCode], ['failed', 'boom', 1]);
    assert.equal(reduceSession(started, ev(2, 'execution:cancelled', { exitCode: 130 })).state, 'cancelled');
  });

  it('keeps a skill run list with durations from durationMs or from the timestamps', () => {
    const s = reduceAll(fresh(), [
      ev(1, 'execution:started'),
      ev(2, 'skill:started', { skillName: 'plan', stepIndex: 0, stepsTotal: 2 }),
      ev(5, 'skill:completed', { skillName: 'plan' }),
      ev(6, 'skill:started', { skillName: 'write', stepIndex: 1 }),
      ev(7, 'skill:failed', { skillName: 'write', error: 'denied' }),
      ev(8, 'skill:started', { skillName: 'write', stepIndex: 1 }),
      ev(9, 'skill:completed', { skillName: 'write', durationMs: 12.5 }),
      ev(10, 'skill:started', { skillName: 'verify' }),
    ]);
    assert.deepEqual(
      s.skills.map((k) => [k.name, k.status, k.durationMs ?? null, k.error ?? null]),
      [
        ['plan', 'completed', 3000, null],
        ['write', 'failed', 1000, 'denied'],
        ['write', 'completed', 12.5, null],
        ['verify', 'running', null, null],
      ],
    );
    assert.equal(s.currentSkill, 'verify');
    assert.equal(s.stepsTotal, 2);
  });

  it('keeps only the latest skill and check runs of a long session, and still completes the running ones', () => {
    const runs = MAX_SKILL_RUNS_KEPT + 700;
    let s = fresh();
    let seq = 0;
    for (let i = 0; i < runs; i++) {
      s = reduceSession(s, ev(++seq, 'skill:started', { skillName: `skill ${i}` }));
      s = reduceSession(s, ev(++seq, 'validation:started', { checkName: `check ${i}` }));
      if (i < runs - 1) {
        s = reduceSession(s, ev(++seq, 'skill:completed', { skillName: `skill ${i}` }));
        s = reduceSession(s, ev(++seq, 'validation:completed', { checkName: `check ${i}`, exitCode: 0 }));
      }
    }
    assert.equal(s.skills.length, MAX_SKILL_RUNS_KEPT);
    assert.equal(s.checks!.length, MAX_CHECK_RUNS_KEPT);
    assert.equal(s.skills[0].name, `skill ${runs - MAX_SKILL_RUNS_KEPT}`, 'the oldest runs go first');
    assert.equal(s.checks![0].name, `check ${runs - MAX_CHECK_RUNS_KEPT}`);
    // How many earlier runs are no longer listed, for the panels to say so.
    assert.equal(s.skillsDropped, runs - MAX_SKILL_RUNS_KEPT);
    assert.equal(s.checksDropped, runs - MAX_CHECK_RUNS_KEPT);
    assert.deepEqual(s.skills.at(-1), { name: `skill ${runs - 1}`, status: 'running', startedAt: at(seq - 1) });
    s = reduceSession(s, ev(++seq, 'skill:completed', { skillName: `skill ${runs - 1}` }));
    s = reduceSession(s, ev(++seq, 'validation:completed', { checkName: `check ${runs - 1}`, exitCode: 1 }));
    assert.equal(s.skills.at(-1)!.status, 'completed');
    assert.equal(s.checks!.at(-1)!.status, 'failed');
    // An end whose start was dropped long ago is still shown, within the bound.
    s = reduceSession(s, ev(++seq, 'skill:failed', { skillName: 'skill 0', error: 'late' }));
    assert.equal(s.skills.length, MAX_SKILL_RUNS_KEPT);
    assert.deepEqual([s.skills.at(-1)!.name, s.skills.at(-1)!.status], ['skill 0', 'failed']);
    assert.equal(s.skillsDropped, runs - MAX_SKILL_RUNS_KEPT + 1, 'the late end pushed one more out');
    assert.equal(s.eventCount, seq, 'every event still counts');
  });

  it('lists the latest 2,000 changed files, 1,000 checkpoints and 500 agents, counting the earlier ones', () => {
    let s = fresh();
    let seq = 0;
    const files = MAX_FILES_LISTED + 300;
    for (let i = 0; i < files; i++)
      s = reduceSession(s, ev(++seq, 'file:changed', { path: `src/f${i}.ts`, operation: 'Write' }));
    assert.equal(s.changes!.length, MAX_FILES_LISTED);
    assert.equal(s.filesChanged.length, MAX_FILES_LISTED);
    assert.equal(s.changesDropped, 300);
    assert.equal(s.changes![0].path, 'src/f300.ts', 'the oldest go first');
    assert.equal(s.filesChanged.at(-1), `src/f${files - 1}.ts`);
    // A listed file changed again stays listed once, with its latest seq.
    s = reduceSession(s, ev(++seq, 'file:changed', { path: 'src/f500.ts', operation: 'Edit' }));
    assert.equal(s.changes!.length, MAX_FILES_LISTED);
    assert.deepEqual(
      s.changes!.find((c) => c.path === 'src/f500.ts'),
      { path: 'src/f500.ts', seq, operation: 'Edit' },
    );
    for (let i = 0; i < MAX_CHECKPOINTS_LISTED + 5; i++)
      s = reduceSession(s, ev(++seq, 'checkpoint:created', { checkpointId: `cp${i}` }));
    assert.equal(s.checkpoints.length, MAX_CHECKPOINTS_LISTED);
    assert.equal(s.checkpointsDropped, 5);
    assert.equal(s.checkpoints.at(-1)!.id, `cp${MAX_CHECKPOINTS_LISTED + 4}`);
    for (let i = 0; i < MAX_AGENTS_LISTED + 3; i++)
      s = reduceSession(s, ev(++seq, 'agent:spawned', { agentId: `a${i}` }));
    // Progress of an agent no longer listed lists it again (as the newest), within the bound.
    s = reduceSession(s, ev(++seq, 'agent:progress', { agentId: 'a0', message: 'still here' }));
    assert.equal(s.agents!.length, MAX_AGENTS_LISTED);
    assert.equal(s.agentsDropped, 4);
    assert.deepEqual([s.agents!.at(-1)!.id, s.agents!.at(-1)!.lastActivity], ['a0', 'still here']);
  });

  it('collects checkpoints and unique changed files; unknown kinds only count', () => {
    const s = reduceAll(fresh(), [
      ev(1, 'checkpoint:created', { checkpointId: 'cp1', label: 'before_write', skillName: 'write', files: ['a.ts'] }),
      ev(2, 'file:changed', { path: 'a.ts' }),
      ev(3, 'file:changed', { path: 'b.ts' }),
      ev(4, 'file:changed', { path: 'a.ts' }),
      ev(5, 'future:kind', { anything: true }),
      ev(6, 'skill:started', { skillName: 42 }),
    ]);
    assert.deepEqual(s.checkpoints, [
      { id: 'cp1', label: 'before_write', skillName: 'write', files: ['a.ts'], ts: at(1) },
    ]);
    assert.deepEqual(s.filesChanged, ['a.ts', 'b.ts']);
    assert.equal(s.eventCount, 6);
    assert.deepEqual(s.skills, [], 'a mistyped field is ignored, not trusted');
  });

  it('does not mutate its input', () => {
    const before = reduceSession(fresh(), ev(1, 'skill:started', { skillName: 'a' }));
    const frozenSkills = before.skills;
    const after = reduceSession(before, ev(2, 'skill:completed', { skillName: 'a' }));
    assert.equal(before.skills[0].status, 'running');
    assert.equal(before.skills, frozenSkills);
    assert.equal(after.skills[0].status, 'completed');
  });
});

describe('session store', () => {
  let store: SessionStore;
  let changes: StoreChange[];
  const log = new RecordingLogger();
  const make = (options: ConstructorParameters<typeof SessionStore>[0] = {}) => {
    store = new SessionStore({ log, ...options });
    changes = [];
    store.subscribe((change) => changes.push(change));
    return store;
  };
  afterEach(() => store?.dispose());

  it('ingests, dedupes by seq and reports lastSeq per session; changes carry only the new events', async () => {
    make();
    const result = store.ingest('native', [event('a', 1), event('a', 2), event('b', 7)]);
    assert.deepEqual(
      [...result],
      [
        ['a', 2],
        ['b', 7],
      ],
    );
    const again = store.ingest('native', [event('a', 2), event('a', 1), event('a', 3)]);
    assert.deepEqual([...again], [['a', 3]]);
    assert.deepEqual(
      (await store.readEvents('a')).map((e) => e.seq),
      [1, 2, 3],
    );
    const eventChanges = changes.filter((c) => c.type === 'events');
    assert.deepEqual(
      eventChanges.map((c) => [c.sessionId, c.fromIndex, c.events.map((e) => e.seq)]),
      [
        ['a', 0, [1, 2]],
        ['b', 0, [7]],
        ['a', 2, [3]],
      ],
    );
    assert.equal(eventChanges[2].session.lastSeq, 3);
    // A batch of pure duplicates changes nothing.
    const count = changes.length;
    store.ingest('native', [event('a', 3)]);
    assert.equal(changes.length, count);
    assert.deepEqual(
      (await store.readEvents('a', 1, 2)).map((e) => e.seq),
      [2],
    );
  });

  it('append assigns the next seq; createPending makes a pending session that the first report takes over', () => {
    make();
    const pending = store.createPending('do_1', { task: 'fix it', source: 'extension' });
    assert.equal(pending.state, 'pending');
    assert.equal(pending.task, 'fix it');
    assert.deepEqual(changes.at(-1), { type: 'session', session: pending });
    const first = store.append('do_1', 'legacy', 'execution:progress', { progress: 5 });
    const second = store.append('do_1', 'legacy', 'log', { message: 'x' }, at(9));
    assert.deepEqual([first.seq, second.seq, second.ts], [1, 2, at(9)]);
    const summary = store.get('do_1')!;
    assert.equal(summary.state, 'running');
    assert.equal(summary.source, 'legacy');
    assert.equal(summary.unauthenticated, true);
    assert.throws(() => store.append('bad id!', 'legacy', 'log', {}), /invalid session id/);
  });

  it('patch sets and clears waitingForCli with a session change', () => {
    make();
    store.createPending('p', { source: 'extension' });
    store.patch('p', { waitingForCli: true });
    assert.equal(store.get('p')?.waitingForCli, true);
    assert.equal(changes.at(-1)?.type, 'session');
    store.patch('p', { waitingForCli: undefined });
    assert.equal('waitingForCli' in store.get('p')!, false);
  });

  it('marks a session lost when its reporter disconnects without a final event and does not return within the grace', async () => {
    make({ lostGraceMs: 50 });
    store.ingest('native', [
      event('gone', 1, 'execution:started'),
      event('back', 1, 'execution:started'),
      event('done', 1, 'execution:started'),
    ]);
    for (const id of ['gone', 'back', 'done']) store.setReporter(id, { connected: true, capabilities: ['halt'] });
    assert.deepEqual(store.get('gone')?.capabilities, ['halt']);
    store.ingest('native', [event('done', 2, 'execution:completed', { success: true })]);
    for (const id of ['gone', 'back', 'done']) store.setReporter(id, { connected: false, capabilities: [] });
    store.setReporter('back', { connected: true, capabilities: [] }); // reconnected within the grace
    await waitFor(() => store.get('gone')?.state === 'lost', 'gone to be lost');
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(store.get('back')?.state, 'running');
    assert.equal(store.get('done')?.state, 'completed');
    assert.equal(store.get('gone')?.reporterConnected, false);
    assert.deepEqual(store.get('gone')?.capabilities, []);
    assert.ok(changes.some((c) => c.type === 'session' && c.session.id === 'gone' && c.session.state === 'lost'));
    assert.ok(log.has('info', /session gone: running -> lost/));
    // A lost session whose reporter comes back with events is running again.
    store.ingest('native', [event('gone', 2)]);
    assert.equal(store.get('gone')?.state, 'running');
  });

  it('follows the single active session rule: newest unfinished, else newest', () => {
    make();
    assert.equal(store.activeSessionId(), null);
    store.ingest('native', [{ ...event('old', 1, 'execution:started'), ts: at(1) }]);
    store.ingest('native', [{ ...event('new', 1, 'execution:started'), ts: at(5) }]);
    assert.equal(store.activeSessionId(), 'new');
    store.ingest('native', [{ ...event('new', 2, 'execution:completed'), ts: at(6) }]);
    assert.equal(store.activeSessionId(), 'old', 'the unfinished one wins over a newer finished one');
    store.ingest('native', [{ ...event('old', 2, 'execution:failed'), ts: at(7) }]);
    assert.equal(store.activeSessionId(), 'new', 'all finished: the most recently started');
    assert.deepEqual(
      store.list().map((s) => s.id),
      ['new', 'old'],
    );
  });

  it('applies retention to finished sessions, oldest first, and clearHistory keeps running ones', async () => {
    make({ retention: { maxSessions: 2, maxBytes: Number.MAX_SAFE_INTEGER } });
    store.ingest('native', [{ ...event('run', 1, 'execution:started'), ts: at(0) }]);
    store.ingest('native', [{ ...event('f1', 1, 'execution:completed'), ts: at(1) }]);
    store.ingest('native', [{ ...event('f2', 1, 'execution:completed'), ts: at(2) }]);
    await nextTurn(); // retention runs once per turn of the event loop
    assert.deepEqual(
      store
        .list()
        .map((s) => s.id)
        .sort(),
      ['f2', 'run'],
    );
    assert.ok(changes.some((c) => c.type === 'removed' && c.sessionIds.includes('f1')));
    await store.clearHistory();
    assert.deepEqual(
      store.list().map((s) => s.id),
      ['run'],
    );
    assert.deepEqual(await store.readEvents('f2'), []);
  });

  it('keeps legacy sessions within their own limit: 55 of them never push out a finished native session', async () => {
    make({ retention: { maxSessions: 5, maxBytes: Number.MAX_SAFE_INTEGER } });
    store.ingest('native', [event('mine', 1, 'execution:started'), event('mine', 2, 'execution:completed')]);
    store.ingest('native', [event('running', 1, 'execution:started')]);
    for (let i = 0; i < 55; i++) {
      const id = `do_legacy_${i}`;
      store.append(id, 'legacy', 'execution:started', { task: `spam ${i}` });
      store.append(id, 'legacy', 'execution:completed', { success: true });
      await nextTurn();
    }
    const ids = store.list().map((s) => s.id);
    assert.ok(ids.includes('mine'), 'the finished native session stays');
    assert.ok(ids.includes('running'));
    const legacy = store.list().filter((s) => s.source === 'legacy');
    assert.equal(legacy.length, 5, 'legacy sessions within min(10, maxSessions)');
    assert.deepEqual(
      legacy.map((s) => s.id),
      ['do_legacy_54', 'do_legacy_53', 'do_legacy_52', 'do_legacy_51', 'do_legacy_50'],
      'the newest legacy ones',
    );
  });

  it('never removes a running session, and handles 20,000 sessions turning lost at once in one pass', async () => {
    make({ retention: { maxSessions: 3, maxBytes: Number.MAX_SAFE_INTEGER }, lostGraceMs: 1 });
    for (let i = 0; i < 20_000; i++) {
      const id = `r${i}`;
      store.ingest('native', [{ ...event(id, 1, 'execution:started'), ts: at(0) }]);
    }
    await nextTurn();
    assert.equal(store.list().length, 20_000, 'running sessions are never removed, whatever the limit');
    const removed: string[] = [];
    store.subscribe((change) => {
      if (change.type === 'removed') removed.push(...change.sessionIds);
    });
    for (let i = 0; i < 20_000; i++) store.setReporter(`r${i}`, { connected: false, capabilities: [] });
    await waitFor(() => store.list().length === 3, 'retention after every session turned lost', 20_000);
    assert.equal(removed.length, 19_997);
    assert.equal(changes.filter((c) => c.type === 'removed').length, 1, 'one retention pass removed them all');
  });
});
