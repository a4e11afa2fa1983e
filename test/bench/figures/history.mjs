// Figure: history at size. A journal at the default retention limits (50 sessions x 20,000 events,
// ~190 MB) and one session of 1,000,000 events are generated once into temp folders (deleted
// afterwards); then, in a fresh process per run: the hub's ready time beside reading and parsing
// index.json alone (the floor) and its RSS; a 1,000-event page from the middle of the 1M session
// beside a raw fs.read of the same bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repeat } from '../lib/stats.mjs';
import { runProbe } from '../lib/probes.mjs';

export async function history(ctx) {
  const full = mkdtempSync(join(tmpdir(), 'shannon-bench-history-'));
  const big = mkdtempSync(join(tmpdir(), 'shannon-bench-1m-'));
  try {
    let started = Date.now();
    await runProbe('history', ['generate', full, '50', '20000'], { timeoutMs: 600_000 });
    ctx.log(`  generated 50 x 20,000 events in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    started = Date.now();
    await runProbe('history', ['generate', big, '1', '1000000'], { timeoutMs: 600_000 });
    ctx.log(`  generated 1 x 1,000,000 events in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const ready = await repeat(ctx.runs, () => runProbe('history', ['ready', full]));
    const page = await repeat(ctx.runs, () => runProbe('history', ['page', big, 'bench_000', '500000', '1000']));
    ctx.log(
      `  ready ${ready.readyMs.median.toFixed(0)} ms (index alone ${ready.floorMs.median.toFixed(1)} ms), ` +
        `RSS ${ready.rssMb.median.toFixed(0)} MB; page ${page.pageMs.median.toFixed(1)} ms ` +
        `(${page.warmMs.median.toFixed(1)} ms warm) vs raw ${page.rawMs.median.toFixed(2)} ms`,
    );
    return [
      {
        key: 'history.ready',
        label: 'hub ready, 50 x 20k-event journal',
        unit: 'ms',
        stats: ready.readyMs,
        budget: { op: '<=', value: 300 },
      },
      {
        key: 'history.indexFloor',
        label: '  read + parse index.json alone',
        unit: 'ms',
        stats: ready.floorMs,
      },
      {
        key: 'history.rss',
        label: '  RSS once ready',
        unit: 'MB',
        stats: ready.rssMb,
        budget: { op: '<=', value: 100 },
      },
      {
        key: 'history.pageFirst',
        label: '1k-event page, middle of 1M (first read)',
        unit: 'ms',
        stats: page.coldMs,
        note: 'includes reading the offsets sidecar',
      },
      {
        key: 'history.page',
        label: '1k-event page, middle of 1M (next 5 pages)',
        unit: 'ms',
        stats: page.pageMs,
        note: 'other pages right after the first read, while the code is still being compiled',
      },
      {
        key: 'history.pageWarm',
        label: '1k-event page, middle of 1M (after 35 pages)',
        unit: 'ms',
        stats: page.warmMs,
      },
      {
        key: 'history.pageRaw',
        label: '  raw fs.read of the same bytes',
        unit: 'ms',
        stats: page.rawMs,
      },
      {
        key: 'history.pageCached',
        label: '  the same page again (page cache)',
        unit: 'ms',
        stats: page.cachedMs,
      },
    ];
  } finally {
    rmSync(full, { recursive: true, force: true });
    rmSync(big, { recursive: true, force: true });
  }
}
