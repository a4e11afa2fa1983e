// Figure: the Monitor on a 1,000,000-event session (see probes/monitor-history.mjs for how each
// time is taken): open, scroll to the middle, search, and the page's heap, each beside its floor
// measured in the same run (raw fs.read of the page's bytes, raw read of the whole file, a blank
// page's heap). The session is generated once into a temp folder, deleted afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkWorker } from '../lib/processes.mjs';
import { summarize } from '../lib/stats.mjs';
import { runProbe } from '../lib/probes.mjs';
import { startHubServe, workerPath } from '../lib/servers.mjs';

const EVENTS = 1_000_001; // the generated events and the final execution:completed

/**
 * A late subscriber to the 1M-event session through `shannon-hub serve` on that journal: from its
 * hello to the first `stored` frame, and to the last event (the subscriber parses every frame, so
 * the hub's replay runs at the subscriber's pace: backpressure).
 */
async function lateSubscriber(ctx, journal) {
  const hub = await startHubServe(ctx, [], { journal });
  const subscriber = forkWorker(workerPath('subscriber.mjs'));
  try {
    subscriber.send({
      type: 'connect',
      target: 'hub',
      url: hub.url,
      token: hub.token,
      sessionId: 'bench_000',
      expect: EVENTS,
      measure: 'replay',
    });
    await subscriber.next('open', 15_000);
    subscriber.send({ type: 'hello' });
    const done = await subscriber.next('done', 300_000);
    if (done.received !== EVENTS) throw new Error(`replay delivered ${done.received} events, expected ${EVENTS}`);
    if (done.outOfOrder !== 0) throw new Error(`replay delivered ${done.outOfOrder} events out of order`);
    return { firstMs: (done.firstAtUs - done.helloAtUs) / 1000, allMs: (done.lastAtUs - done.helloAtUs) / 1000 };
  } finally {
    await subscriber.stop();
    await hub.stop();
  }
}

export async function monitorHistory(ctx) {
  const dir = mkdtempSync(join(tmpdir(), 'shannon-bench-monitor-1m-'));
  try {
    const started = Date.now();
    await runProbe('history', ['generate', dir, '1', '1000000'], { timeoutMs: 600_000 });
    ctx.log(`  generated 1 x 1,000,000 events in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const result = await runProbe('monitor-history', [ctx.repoRoot, dir, 'bench_000', String(Math.min(ctx.runs, 3))], {
      external: ['playwright-core'],
      timeoutMs: 600_000,
    });
    const replays = [];
    for (let run = 0; run < Math.min(ctx.runs, 3); run++) replays.push(await lateSubscriber(ctx, dir));
    const pick = (name) => summarize(result.runs.map((run) => run[name]));
    const once = (value) => summarize([value]);
    const search = pick('firstPageMs');
    ctx.log(
      `  late subscriber: first stored frame ${summarize(replays.map((r) => r.firstMs)).median.toFixed(1)} ms, ` +
        `all ${(summarize(replays.map((r) => r.allMs)).median / 1000).toFixed(1)} s; ` +
        `open ${pick('openMs').median.toFixed(0)} ms (${(result.runs[0].snapshotBytes / 1024).toFixed(0)} KB posted), ` +
        `middle ${pick('middleMs').median.toFixed(0)} ms end to end (host ${pick('hostMs').median.toFixed(1)} ms, harness round trip ${pick('transportMs').median.toFixed(0)} ms, raw page read ${result.rawPageMs.toFixed(2)} ms), ` +
        `search first page ${search.median.toFixed(0)} ms, all ${pick('doneMs').median.toFixed(0)} ms for ${result.runs[0].matches} matches ` +
        `(raw read of the ${result.fileMb.toFixed(0)} MB file ${result.rawFileMs.toFixed(0)} ms), ` +
        `heap ${pick('heapMb').median.toFixed(1)} MB (blank page ${pick('blankHeapMb').median.toFixed(1)} MB)`,
    );
    // Our part of the jump: the page's request, the host's read and the page's render; the
    // harness's transport (playwright moving the messages) is what is left of the end-to-end time.
    const ours = summarize(result.runs.map((run) => run.requestMs + run.hostMs + (run.middleMs - run.answerMs)));
    return [
      {
        key: 'replay1m.first',
        label: 'late subscriber to a 1M-event session: first stored frame',
        unit: 'ms',
        stats: summarize(replays.map((r) => r.firstMs)),
        budget: { op: '<=', value: 50 },
      },
      {
        key: 'replay1m.all',
        label: "  all 1M events, in order, at the subscriber's pace",
        unit: 'ms',
        stats: summarize(replays.map((r) => r.allMs)),
      },
      {
        key: 'monitor1m.open',
        label: 'Monitor open, 1M-event session (ready to rows)',
        unit: 'ms',
        stats: pick('openMs'),
      },
      {
        key: 'monitor1m.snapshotKb',
        label: '  posted to open it',
        unit: 'KB',
        stats: summarize(result.runs.map((run) => run.snapshotBytes / 1024)),
        budget: { op: '<=', value: 1024 },
      },
      {
        key: 'monitor1m.middle',
        label: 'Monitor jump to the middle: request + host read + render',
        unit: 'ms',
        stats: ours,
        budget: { op: '<=', value: 50 },
      },
      { key: 'monitor1m.middleHost', label: '  of which the host read', unit: 'ms', stats: pick('hostMs') },
      {
        key: 'monitor1m.rawPage',
        label: '  raw fs.read of a 1k-event page',
        unit: 'ms',
        stats: once(result.rawPageMs),
      },
      { key: 'monitor1m.middleEndToEnd', label: '  end to end in this harness', unit: 'ms', stats: pick('middleMs') },
      {
        key: 'monitor1m.transport',
        label: '  harness round trip page-host-page, no work',
        unit: 'ms',
        stats: pick('transportMs'),
      },
      {
        key: 'monitor1m.searchFirst',
        label: 'Monitor search, first page of results',
        unit: 'ms',
        stats: search,
        budget: { op: '<=', value: 300 },
      },
      { key: 'monitor1m.searchDone', label: '  search over all 1M events', unit: 'ms', stats: pick('doneMs') },
      {
        key: 'monitor1m.rawFile',
        label: '  raw read of the whole journal file',
        unit: 'ms',
        stats: once(result.rawFileMs),
      },
      {
        key: 'monitor1m.heap',
        label: 'Monitor webview heap after all that (after GC)',
        unit: 'MB',
        stats: pick('heapMb'),
        budget: { op: '<=', value: 50 },
      },
      {
        key: 'monitor1m.blankHeap',
        label: '  a blank page in the same browser',
        unit: 'MB',
        stats: pick('blankHeapMb'),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
