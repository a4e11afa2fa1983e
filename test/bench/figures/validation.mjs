// Figure 5: validation cost per event with the src/protocol schemas (a fresh process per run).
import { repeat } from '../lib/stats.mjs';
import { runProbe } from '../lib/probes.mjs';

export async function validation(ctx) {
  const stats = await repeat(ctx.runs, () => runProbe('validation'));
  ctx.log(
    `  ${stats.usPerEvent.median.toFixed(3)} us/event (JSON.parse alone ${stats.jsonParseUsPerEvent.median.toFixed(3)})`,
  );
  return [
    {
      key: 'validation.perEvent',
      label: 'validation: parseClientFrame + validateEventData',
      unit: 'us',
      stats: stats.usPerEvent,
      anchor: '~0.4 us zod alone',
    },
    { key: 'validation.jsonParse', label: '  of which JSON.parse alone', unit: 'us', stats: stats.jsonParseUsPerEvent },
    {
      key: 'validation.batched',
      label: '  same, per event in batches of 50',
      unit: 'us',
      stats: stats.batchedUsPerEvent,
    },
  ];
}
