// Figure 4: heap per 100k retained events in an in-process SessionStore (a fresh process per run).
import { repeat } from '../lib/stats.mjs';
import { runProbe } from '../lib/probes.mjs';

const MB = 1024 * 1024;

export async function memory(ctx) {
  const stats = await repeat(ctx.runs, async () => {
    const { bytes, bytesPerEvent } = await runProbe('memory', [], { execArgv: ['--expose-gc'] });
    return { mb: bytes / MB, bytesPerEvent };
  });
  ctx.log(`  ${stats.mb.median.toFixed(1)} MB per 100k events (${stats.bytesPerEvent.median.toFixed(0)} B/event)`);
  return [
    {
      key: 'memory.per100k',
      label: 'memory per 100k retained events',
      unit: 'MB',
      stats: stats.mb,
      budget: { op: '<=', value: 40 },
      note: 'MB = 2^20 bytes, heapUsed delta after GC',
    },
    {
      key: 'memory.perEvent',
      label: '  bytes per retained event',
      unit: 'B',
      stats: stats.bytesPerEvent,
      anchor: '~390 B',
    },
  ];
}
