// History on demand, with real files: start-up reads index.json only, a session's events are read
// a range at a time through the offsets sidecar, finished sessions keep none in memory, running
// ones a bounded tail, and what the index cannot vouch for is rebuilt from the files.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/hub/journal';
import { journalFileName, offsetsFileName } from '../../src/hub/journal-names';
import { OFFSET_STRIDE } from '../../src/hub/journal-scan';
import { SessionStore, TAIL_EVENTS } from '../../src/hub/store';
import type { EventEnvelope } from '../../src/protocol/wire';
import { RecordingLogger } from './hub-support';

const event = (sessionId: string, seq: number, kind = 'log'): EventEnvelope => ({
  sessionId,
  seq,
  ts: new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + seq).toISOString(),
  kind,
  data: { message: `line ${seq} ${'é'.repeat(seq % 5)}` },
});

describe('journal: history on demand', () => {
  let dir: string;
  let log: RecordingLogger;
  const opened: Array<{ store: SessionStore; journal: Journal }> = [];

  async function open(): Promise<{ store: SessionStore; journal: Journal }> {
    const journal = new Journal({ dir, log });
    const store = new SessionStore({ journal, log });
    journal.attach(() => store.list());
    store.restore(await journal.open());
    if (journal.needsRebuild) store.loadInBackground(journal.rebuild((s) => store.restoreRebuilt(s)));
    const pair = { store, journal };
    opened.push(pair);
    return pair;
  }

  async function close(pair: { store: SessionStore; journal: Journal }): Promise<void> {
    pair.store.dispose();
    await pair.journal.close();
    opened.splice(opened.indexOf(pair), 1);
  }

  /** A session of `count` log events, in batches as a reporter sends them; finished when `finish`. */
  function fill(store: SessionStore, sessionId: string, count: number, finish: boolean): void {
    for (let from = 1; from <= count; from += 500) {
      const batch = [];
      for (let seq = from; seq < Math.min(from + 500, count + 1); seq++) batch.push(event(sessionId, seq));
      store.ingest('native', batch);
    }
    if (finish) store.ingest('native', [event(sessionId, count + 1, 'execution:completed')]);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-pages-'));
    log = new RecordingLogger();
  });
  afterEach(async () => {
    for (const pair of [...opened]) await close(pair);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps no events of a finished session in memory and a bounded tail of a running one', async () => {
    const first = await open();
    fill(first.store, 'done', 5_000, true);
    fill(first.store, 'live', 5_000, false);
    assert.equal(first.store.memoryEvents('done', 0, 1), undefined, 'a finished session reads from disk');
    assert.equal(first.store.memoryEvents('live', 0, 1), undefined, 'old events of a running session too');
    const tail = first.store.memoryEvents('live', 5_000 - TAIL_EVENTS, 5_000);
    assert.equal(tail?.length, TAIL_EVENTS, 'the latest events of a running session are in memory');
    assert.deepEqual(
      (await first.store.readEvents('done', 2_000, 2_010)).map((e) => e.seq),
      Array.from({ length: 10 }, (_, i) => 2_001 + i),
    );
    const all = await first.store.readEvents('done');
    assert.equal(all.length, 5_001);
    assert.ok(all.every((e, i) => e.seq === i + 1));
  });

  it('starts from the index alone and reads any range through the offsets, also after a restart', async () => {
    const first = await open();
    fill(first.store, 'big', 10_000, true);
    const summary = first.store.get('big');
    await close(first);
    const sidecar = join(dir, offsetsFileName(journalFileName('big')));
    assert.equal(statSync(sidecar).size, Math.ceil(10_001 / OFFSET_STRIDE) * 8, 'one offset per stride');

    const second = await open();
    assert.equal(second.journal.needsRebuild, false, 'the index vouched for every file');
    assert.deepEqual(second.store.get('big')?.skills, summary?.skills);
    assert.equal(second.store.get('big')?.eventCount, 10_001);
    for (const [from, to] of [
      [0, 1],
      [127, 129],
      [5_000, 6_000],
      [9_990, 20_000],
    ]) {
      const page = await second.store.readEvents('big', from, to);
      const expected = Array.from({ length: Math.min(to, 10_001) - from }, (_, i) => from + i + 1);
      assert.deepEqual(
        page.map((e) => e.seq),
        expected,
        `events [${from}, ${to})`,
      );
    }
    assert.equal((await second.store.readEvents('big', 10_000))[0].kind, 'execution:completed');
  });

  it('repairs a damaged or short offsets sidecar from the file', async () => {
    const first = await open();
    fill(first.store, 's', 3_000, true);
    await close(first);
    const sidecar = join(dir, offsetsFileName(journalFileName('s')));
    // Garbage after the first entries, and the file cut short: both are detected and rebuilt.
    const raw = readFileSync(sidecar);
    raw.writeDoubleLE(7, 5 * 8);
    writeFileSync(sidecar, raw.subarray(0, 12 * 8));
    const second = await open();
    assert.deepEqual(
      (await second.store.readEvents('s', 1_500, 1_503)).map((e) => e.seq),
      [1_501, 1_502, 1_503],
    );
    assert.equal(statSync(sidecar).size, Math.ceil(3_001 / OFFSET_STRIDE) * 8, 'the sidecar was rewritten');
  });

  it('rebuilds in the background a session whose file grew after the index was written (crash), and a missing index', async () => {
    const first = await open();
    fill(first.store, 'grew', 1_000, false);
    await close(first);
    // After the index was written, more lines reached the file (the hub died before its next index).
    const file = join(dir, journalFileName('grew'));
    appendFileSync(file, `${JSON.stringify(event('grew', 1_001, 'execution:completed'))}\n`);

    const second = await open();
    assert.equal(second.journal.needsRebuild, true);
    assert.equal(second.store.get('grew')?.eventCount, 1_000, 'shown at once from the stale index');
    await second.store.whenLoaded();
    assert.equal(second.store.get('grew')?.eventCount, 1_001);
    assert.equal(second.store.get('grew')?.state, 'completed');
    assert.equal((await second.store.readEvents('grew', 1_000))[0].kind, 'execution:completed');
    await close(second);

    rmSync(join(dir, 'index.json'));
    const third = await open();
    assert.equal(third.store.get('grew'), undefined, 'nothing is known before the rebuild');
    await third.store.whenLoaded();
    assert.equal(third.store.get('grew')?.eventCount, 1_001);
    assert.equal(third.store.get('grew')?.source, 'native', 'the header keeps the trust level');
  });

  it('drops a torn last line left by a crash and appends after it on a line of its own', async () => {
    const first = await open();
    fill(first.store, 't', 300, false);
    await close(first);
    const file = join(dir, journalFileName('t'));
    appendFileSync(file, JSON.stringify(event('t', 301)).slice(0, 30));
    const second = await open();
    await second.store.whenLoaded();
    assert.equal(second.store.get('t')?.eventCount, 300);
    second.store.ingest('native', [event('t', 301), event('t', 302)]);
    assert.deepEqual(
      (await second.store.readEvents('t', 298)).map((e) => e.seq),
      [299, 300, 301, 302],
    );
    await close(second);
    truncateSync(join(dir, offsetsFileName(journalFileName('t'))), 0);
    const third = await open();
    assert.deepEqual(
      (await third.store.readEvents('t', 299)).map((e) => e.seq),
      [300, 301, 302],
    );
  });
});
