// The Monitor's host side against a real SessionStore and journal on disk: the snapshot carries
// only the latest page, any rows are read on request, and filters run here over the whole session.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/hub/journal';
import { SessionStore } from '../../src/hub/store';
import type { HostToWebview } from '../../src/protocol/webview';
import type { EventEnvelope } from '../../src/protocol/wire';
import { MonitorConnection } from '../../src/vscode/monitor-connection';
import { hubStatus } from '../webview/fixtures';
import { RecordingLogger } from './hub-support';

type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>;
type Rows = Extract<HostToWebview, { type: 'rows' }>;
type Progress = Extract<HostToWebview, { type: 'queryProgress' }>;

const SESSION = 'paged_session';

function logEvent(seq: number, message = `line ${seq}`, sessionId = SESSION): EventEnvelope {
  return { sessionId, seq, ts: new Date(Date.UTC(2026, 0, 1) + seq).toISOString(), kind: 'log', data: { message } };
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Monitor paging and filters on the host (real journal on disk)', function () {
  this.timeout(60_000);
  let dir: string;
  let log: RecordingLogger;
  let journal: Journal;
  let store: SessionStore;
  let posted: HostToWebview[];
  let warnings: string[];
  let connection: MonitorConnection;

  async function openStore(): Promise<void> {
    journal = new Journal({ dir, log });
    store = new SessionStore({ journal, log });
    journal.attach(() => store.list());
    store.restore(await journal.open());
  }

  async function closeStore(): Promise<void> {
    store.dispose();
    await journal.close();
  }

  /** A finished session of `count` events (message from `message(seq)`), then the store reopened: nothing in memory. */
  async function finishedSession(count: number, message: (seq: number) => string = (seq) => `line ${seq}`) {
    for (let from = 1; from <= count; from += 1000) {
      const batch: EventEnvelope[] = [];
      for (let seq = from; seq < Math.min(from + 1000, count + 1); seq++) batch.push(logEvent(seq, message(seq)));
      store.ingest('native', batch);
    }
    store.ingest('native', [
      { ...logEvent(count + 1), kind: 'execution:completed', data: { success: true, durationMs: 1 } },
    ]);
    await closeStore();
    await openStore();
    assert.equal(store.memoryEvents(SESSION, 0, 1), undefined, 'the reopened session holds no events in memory');
  }

  function connect(): void {
    connection = new MonitorConnection(
      { status: () => hubStatus(), onStatusChange: () => ({ dispose: () => undefined }) },
      {
        post: (m) => posted.push(m),
        runCommand: () => undefined,
        copy: () => undefined,
        log: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      },
    );
    connection.attachStore(store);
    connection.receive({ type: 'ready' });
  }

  const snapshot = () => waitFor(() => posted.find((m): m is Snapshot => m.type === 'snapshot'), 'the snapshot');
  const rowsAnswer = (from: number, queryId = 0) =>
    waitFor(
      () => posted.find((m): m is Rows => m.type === 'rows' && m.from === from && m.queryId === queryId),
      `rows from ${from}`,
    );
  const finalProgress = (queryId: number) =>
    waitFor(
      () => posted.find((m): m is Progress => m.type === 'queryProgress' && m.queryId === queryId && m.done),
      `query ${queryId} done`,
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'monitor-paging-'));
    log = new RecordingLogger();
    posted = [];
    warnings = [];
    await openStore();
  });

  afterEach(async () => {
    connection?.dispose();
    await closeStore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the latest 1,000 events with their position, and reads any other rows on request', async () => {
    await finishedSession(20_000);
    connect();
    const snap = await snapshot();
    assert.equal(snap.session?.eventCount, 20_001);
    assert.equal(snap.events.length, 1000);
    assert.equal(snap.firstIndex, 19_001);
    assert.equal(snap.events[0].seq, 19_002);
    assert.equal(snap.events[999].kind, 'execution:completed');
    assert.ok(JSON.stringify(snap).length < 1024 * 1024, 'at most 1 MB posted to open the session');
    // The picker's list carries what it shows, not every session's full summary.
    assert.deepEqual(Object.keys(snap.sessions[0]).sort(), ['createdAt', 'id', 'state']);

    connection.receive({ type: 'rows', sessionId: SESSION, queryId: 0, from: 10_000, to: 10_250 });
    const middle = await rowsAnswer(10_000);
    assert.deepEqual(
      middle.events.map((e) => e.seq),
      Array.from({ length: 250 }, (_, i) => 10_001 + i),
    );
    // Past the end: what exists.
    connection.receive({ type: 'rows', sessionId: SESSION, queryId: 0, from: 19_990, to: 20_100 });
    assert.equal((await rowsAnswer(19_990)).events.length, 11);
  });

  it('keeps the snapshot under 1 MB when the latest events are large', async () => {
    await finishedSession(1500, (seq) => `${seq} ${'x'.repeat(4000)}`);
    connect();
    const snap = await snapshot();
    const bytes = JSON.stringify(snap.events).length;
    assert.ok(bytes <= 768 * 1024, `${bytes} bytes of events`);
    assert.ok(snap.events.length > 100 && snap.events.length < 1000, `${snap.events.length} events`);
    assert.equal(snap.firstIndex + snap.events.length, 1501, 'they are the latest ones');
  });

  it('filters the whole session on the host: progress, a match count, and the matching rows by number', async () => {
    await finishedSession(30_000, (seq) => (seq % 100 === 0 ? `found the NEEDLE at ${seq}` : `line ${seq}`));
    connect();
    await snapshot();
    connection.receive({ type: 'query', sessionId: SESSION, queryId: 1, kindFilter: '', search: 'needle' });
    const done = await finalProgress(1);
    assert.equal(done.matched, 300);
    assert.equal(done.scanned, 30_001);
    assert.equal(done.total, 30_001);
    const progress = posted.filter((m): m is Progress => m.type === 'queryProgress' && m.queryId === 1);
    assert.equal(progress[0].done, false, 'the scan says at once that it started');
    assert.ok(
      progress.every((p, i) => i === 0 || p.matched >= progress[i - 1].matched),
      'the count only grows',
    );

    connection.receive({ type: 'rows', sessionId: SESSION, queryId: 1, from: 100, to: 110 });
    const rows = await rowsAnswer(100, 1);
    assert.deepEqual(
      rows.events.map((e) => e.seq),
      Array.from({ length: 10 }, (_, i) => (101 + i) * 100),
    );
    assert.ok(rows.events.every((e) => (e.data.message as string).includes('NEEDLE')));

    // A kind filter, by family.
    connection.receive({ type: 'query', sessionId: SESSION, queryId: 2, kindFilter: 'execution:*', search: '' });
    assert.equal((await finalProgress(2)).matched, 1);
  });

  it('a new query stops the previous scan; an empty one stops it without another', async () => {
    await finishedSession(60_000);
    connect();
    await snapshot();
    connection.receive({ type: 'query', sessionId: SESSION, queryId: 1, kindFilter: '', search: 'line' });
    await waitFor(() => posted.find((m) => m.type === 'queryProgress' && m.queryId === 1), 'the first progress');
    connection.receive({ type: 'query', sessionId: SESSION, queryId: 2, kindFilter: '', search: '' });
    const countAfterCancel = posted.filter((m) => m.type === 'queryProgress').length;
    await new Promise((r) => setTimeout(r, 500));
    const later = posted.filter((m) => m.type === 'queryProgress');
    assert.equal(later.length, countAfterCancel, 'no progress after the query was replaced');
    assert.ok(!later.some((m) => (m as Progress).done), 'the cancelled scan never reported done');
    // Rows of the stopped query are not answered.
    connection.receive({ type: 'rows', sessionId: SESSION, queryId: 1, from: 0, to: 10 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(posted.filter((m) => m.type === 'rows').length, 0);
  });

  it('a filter covers the events that arrive while it is shown', async () => {
    store.ingest('native', [logEvent(1, 'start'), logEvent(2, 'needle one')]);
    connect();
    await snapshot();
    connection.receive({ type: 'query', sessionId: SESSION, queryId: 7, kindFilter: '', search: 'needle' });
    await finalProgress(7);
    store.ingest('native', [logEvent(3, 'not it'), logEvent(4, 'needle two')]);
    const grown = await waitFor(
      () =>
        posted.find((m): m is Progress => m.type === 'queryProgress' && m.queryId === 7 && m.done && m.matched === 2),
      'two matches',
    );
    assert.equal(grown.total, 4);
    connection.receive({ type: 'rows', sessionId: SESSION, queryId: 7, from: 0, to: 2 });
    assert.deepEqual(
      (await rowsAnswer(0, 7)).events.map((e) => e.seq),
      [2, 4],
    );
  });

  it('refuses row requests over 1,000 rows, and ignores those for a session it does not show', async () => {
    store.ingest('native', [logEvent(1)]);
    connect();
    await snapshot();
    connection.receive({ type: 'rows', sessionId: SESSION, queryId: 0, from: 0, to: 1001 });
    connection.receive({ type: 'rows', sessionId: 'other_session', queryId: 0, from: 0, to: 1 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(posted.filter((m) => m.type === 'rows').length, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /at most 1000 rows/);
  });
});
