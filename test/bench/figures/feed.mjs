// Figure: memory of `shannon-hub serve` while one reporter feeds 1,000,000 small events into ONE
// running session (the session stays running: no final event). The hub's RSS is read from /proc
// (VmRSS, and VmHWM for the peak) idle after the reporter's hello, then after the last ack. The
// same-run reference: a plain ws server (workers/ws-sink.mjs) fed the same frames with the same
// in-flight window, which parses and acks each frame and keeps nothing.
import { readFileSync } from 'node:fs';
import { forkWorker } from '../lib/processes.mjs';
import { summarize } from '../lib/stats.mjs';
import { startHubServe, workerPath } from '../lib/servers.mjs';

export const FEED_EVENTS = 1_000_000;
const BATCH = 50;
/** The reporter library's default maxInFlightEvents. */
const WINDOW = 5_000;
const MB = 2 ** 20;

/** {rss, peak} of a process in MB, from /proc/<pid>/status (Linux). */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kb('VmRSS') / MB, peak: kb('VmHWM') / MB };
}

async function feedOnce({ target, url, token, pid }) {
  const feeder = forkWorker(workerPath('feeder.mjs'));
  try {
    feeder.send({ type: 'connect', target, url, token, sessionId: 'bench_feed' });
    await feeder.next('connected', 15_000);
    const idle = memoryOf(pid);
    feeder.send({ type: 'feed', count: FEED_EVENTS, batch: BATCH, window: WINDOW });
    const fed = await feeder.next('fed', 300_000);
    const after = memoryOf(pid);
    return { idleMb: idle.rss, rssMb: after.rss, peakMb: after.peak, seconds: fed.ms / 1000 };
  } finally {
    await feeder.stop();
  }
}

export async function feed(ctx) {
  const hub = { idleMb: [], rssMb: [], peakMb: [], seconds: [] };
  const ws = { rssMb: [], peakMb: [], seconds: [] };
  for (let run = 0; run < ctx.runs; run += 1) {
    // A fresh hub (and journal folder) and a fresh sink per run, interleaved.
    const served = await startHubServe(ctx);
    try {
      const sample = await feedOnce({ target: 'hub', url: served.url, token: served.token, pid: served.pid });
      for (const name of Object.keys(hub)) hub[name].push(sample[name]);
    } finally {
      await served.stop();
    }
    const sink = forkWorker(workerPath('ws-sink.mjs'));
    try {
      const { url } = await sink.next('ready', 10_000);
      const sample = await feedOnce({ target: 'ws', url, pid: sink.child.pid });
      for (const name of Object.keys(ws)) ws[name].push(sample[name]);
    } finally {
      await sink.stop();
    }
    ctx.log(
      `  run ${run + 1}: hub ${hub.idleMb[run].toFixed(0)} MB idle -> ${hub.rssMb[run].toFixed(0)} MB ` +
        `(peak ${hub.peakMb[run].toFixed(0)}) in ${hub.seconds[run].toFixed(1)} s; ` +
        `plain ws ${ws.rssMb[run].toFixed(0)} MB (peak ${ws.peakMb[run].toFixed(0)}) in ${ws.seconds[run].toFixed(1)} s`,
    );
  }
  const rate = (seconds) => summarize(seconds.map((s) => FEED_EVENTS / s));
  return [
    {
      key: 'feed.peak',
      label: 'hub peak RSS, 1M events into one running session',
      unit: 'MB',
      stats: summarize(hub.peakMb),
      budget: { op: '<=', value: 150 },
      note: 'VmHWM: the most the process held at any moment of the feed',
    },
    { key: 'feed.rss', label: '  hub RSS after the last ack', unit: 'MB', stats: summarize(hub.rssMb) },
    { key: 'feed.idle', label: '  the same hub idle, before the feed', unit: 'MB', stats: summarize(hub.idleMb) },
    { key: 'feed.wsRss', label: '  plain ws server fed the same frames', unit: 'MB', stats: summarize(ws.rssMb) },
    { key: 'feed.wsPeak', label: '  plain ws server, peak', unit: 'MB', stats: summarize(ws.peakMb) },
    { key: 'feed.rate', label: '  feed rate into the hub (acked)', unit: 'events/s', stats: rate(hub.seconds) },
    { key: 'feed.wsRate', label: '  feed rate into plain ws', unit: 'events/s', stats: rate(ws.seconds) },
  ];
}
