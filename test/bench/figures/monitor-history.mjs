// Figure: the Monitor on a 1,000,000-event session (see probes/monitor-history.mjs for how each
// time is taken): open, scroll to the middle, search, and the page's heap, each beside its floor
// measured in the same run (raw fs.read of the page's bytes, raw read of the whole file, a blank
// page's heap). The session is generated once into a temp folder, deleted afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '../lib/stats.mjs';
import { runProbe } from '../lib/probes.mjs';

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
    const pick = (name) => summarize(result.runs.map((run) => run[name]));
    const once = (value) => summarize([value]);
    const search = pick('firstPageMs');
    ctx.log(
      `  open ${pick('openMs').median.toFixed(0)} ms (${(result.runs[0].snapshotBytes / 1024).toFixed(0)} KB posted), ` +
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
