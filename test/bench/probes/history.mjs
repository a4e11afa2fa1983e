// History at size, in a fresh process per measurement (modes below). Prints one JSON line.
//   generate DIR SESSIONS EVENTS  write SESSIONS finished sessions of EVENTS events each through the
//                                 real store and journal (as a hub would), then close it
//   ready DIR                     startHub on that journal: ms until it is ready, RSS, and the floor:
//                                 reading and parsing index.json alone
//   page DIR SESSION FROM COUNT   a COUNT-event page from FROM through the store: the first read of
//                                 the process, the same page again (cache), the next pages, pages
//                                 once the code is compiled; beside a raw fs.read of the same bytes
import { openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { startHub } from '../../../src/hub/hub';
import { Journal } from '../../../src/hub/journal';
import { journalFileName, offsetsFileName } from '../../../src/hub/journal-names';
import { OFFSET_STRIDE } from '../../../src/hub/journal-scan';
import { SessionStore } from '../../../src/hub/store';

const [mode, dir, ...rest] = process.argv.slice(2);
const quiet = { info() {}, warn() {}, error() {} };

function eventsOf(sessionId, from, count) {
  const events = [];
  for (let seq = from; seq < from + count; seq++) {
    const kind = seq % 50 === 0 ? 'execution:progress' : 'log';
    const data =
      kind === 'log'
        ? { level: 'info', message: `step ${seq}: read src/module-${seq % 97}.ts and planned the next edit` }
        : { progress: seq % 100, message: `working on part ${seq}` };
    events.push({ sessionId, seq, ts: new Date(Date.UTC(2026, 0, 1) + seq).toISOString(), kind, data });
  }
  return events;
}

if (mode === 'generate') {
  const sessions = Number(rest[0]);
  const perSession = Number(rest[1]);
  const journal = new Journal({ dir, log: quiet });
  const store = new SessionStore({
    journal,
    log: quiet,
    retention: { maxSessions: 1_000, maxBytes: Number.MAX_SAFE_INTEGER },
  });
  journal.attach(() => store.list());
  store.restore(await journal.open());
  for (let s = 0; s < sessions; s++) {
    const id = `bench_${String(s).padStart(3, '0')}`;
    for (let from = 1; from <= perSession; from += 1_000) {
      store.ingest('native', eventsOf(id, from, Math.min(1_000, perSession - from + 1)));
      if (from % 50_000 === 1) await journal.flush();
    }
    store.ingest('native', [{ ...eventsOf(id, perSession + 1, 1)[0], kind: 'execution:completed', data: {} }]);
    await journal.flush();
  }
  store.dispose();
  await journal.close();
  console.log(JSON.stringify({ ok: true }));
} else if (mode === 'ready') {
  const started = performance.now();
  const hub = await startHub({ journalDir: dir, log: quiet });
  const readyMs = performance.now() - started;
  const sessions = hub.store.list().length;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await hub.dispose();
  const floorStarted = performance.now();
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const floorMs = performance.now() - floorStarted;
  console.log(JSON.stringify({ readyMs, rssMb, sessions, floorMs, indexSessions: index.sessions.length }));
} else if (mode === 'page') {
  const [sessionId, fromText, countText] = rest;
  const from = Number(fromText);
  const count = Number(countText);
  const journal = new Journal({ dir, log: quiet });
  const store = new SessionStore({ journal, log: quiet });
  journal.attach(() => store.list());
  store.restore(await journal.open());
  let started = performance.now();
  const page = await store.readEvents(sessionId, from, from + count);
  const coldMs = performance.now() - started;
  if (page.length !== count || page[0].seq !== from + 1) throw new Error('wrong page');
  // The same page again, from the page cache (before the pages below push it out).
  started = performance.now();
  await store.readEvents(sessionId, from, from + count);
  const cachedMs = performance.now() - started;
  // The same bytes with a plain fs.read: from the block holding `from` to the one after the last.
  const offsets = readFileSync(join(dir, offsetsFileName(journalFileName(sessionId))));
  const start = offsets.readDoubleLE(Math.floor(from / OFFSET_STRIDE) * 8);
  const stop = offsets.readDoubleLE(Math.ceil((from + count) / OFFSET_STRIDE) * 8);
  const rawTimes = [];
  const pageTimes = [];
  const warmTimes = [];
  // Pages not read before in this process (no cache hit), after the first one: 5 right after it
  // (the code is still being compiled), then 30 unmeasured, then 10 more (steady state).
  for (let i = 0; i < 45; i++) {
    const other = from + (i + 1) * 2 * count;
    started = performance.now();
    await store.readEvents(sessionId, other, other + count);
    const ms = performance.now() - started;
    if (i < 5) pageTimes.push(ms);
    else if (i >= 35) warmTimes.push(ms);
  }
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    const fd = openSync(join(dir, journalFileName(sessionId)), 'r');
    const buffer = Buffer.allocUnsafe(stop - start);
    readSync(fd, buffer, 0, buffer.length, start);
    closeSync(fd);
    rawTimes.push(performance.now() - started);
  }
  store.dispose();
  await journal.close();
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    JSON.stringify({
      coldMs,
      pageMs: median(pageTimes),
      warmMs: median(warmTimes),
      rawMs: median(rawTimes),
      cachedMs,
      bytes: stop - start,
    }),
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}
