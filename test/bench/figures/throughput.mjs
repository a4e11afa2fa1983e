// Figure 1: events/s from a producer process through a server to a subscriber process.
// (a) plain ws forwarding (the ceiling), (b) `shannon-hub serve` unbatched and in batches of 50,
// (c) plain socket.io forwarding. Time = first send (producer) -> last event received (subscriber),
// both read from the machine's monotonic clock.
import { cpuMicrosOf } from '../lib/processes.mjs';
import { summarize } from '../lib/stats.mjs';
import { connectPair, startForwarder, startHubServe } from '../lib/servers.mjs';

/** events/s, and the server process's CPU time per event (µs) over the run. */
async function oneRun({ target, url, token, sessionId, count, batch, serverPid }) {
  const pair = await connectPair({ target, url, token, sessionId, expect: count });
  try {
    const cpuBefore = cpuMicrosOf(serverPid);
    pair.producer.send({ type: 'throughput', count, batch });
    const sent = await pair.producer.next('sent', 60_000);
    const done = await pair.subscriber.next('done', 60_000);
    return {
      rate: count / ((done.lastAtUs - sent.t0Us) / 1e6),
      serverCpuUs: (cpuMicrosOf(serverPid) - cpuBefore) / count,
    };
  } finally {
    await pair.stop();
  }
}

/**
 * The variants are interleaved (run 1 of each, then run 2 of each, ...) so a change in the
 * machine's load during the figure hits every variant alike and the paired ratios stay fair.
 * A fresh server per run, so no run inherits another's retained events or journal.
 */
export async function throughput(ctx) {
  const count = ctx.throughputEvents;
  const variants = [
    { name: 'ws', start: () => startForwarder('ws-forwarder.mjs'), target: 'ws', batch: 1 },
    { name: 'sio', start: () => startForwarder('sio-forwarder.mjs'), target: 'socketio', batch: 1 },
    { name: 'hub1', start: () => startHubServe(ctx), target: 'hub', batch: 1 },
    { name: 'hub50', start: () => startHubServe(ctx), target: 'hub', batch: 50 },
  ];
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  const cpu = Object.fromEntries(variants.map((v) => [v.name, []]));
  const errors = {};
  for (let run = 0; run < ctx.runs; run += 1) {
    for (const variant of variants) {
      if (errors[variant.name]) continue;
      try {
        const server = await variant.start();
        try {
          const { rate, serverCpuUs } = await oneRun({
            target: variant.target,
            batch: variant.batch,
            count,
            url: server.url,
            token: server.token,
            serverPid: server.pid,
            sessionId: `bench-${variant.name}-${run}`,
          });
          samples[variant.name].push(rate);
          cpu[variant.name].push(serverCpuUs);
        } finally {
          await server.stop();
        }
      } catch (error) {
        errors[variant.name] = error.message;
      }
    }
    ctx.log(
      `  run ${run + 1}: ${variants.map((v) => `${v.name} ${errors[v.name] ? 'error' : Math.round(samples[v.name][run] / 1000) + 'k'}`).join(', ')}`,
    );
  }
  const stats = (name) => (errors[name] ? undefined : summarize(samples[name]));
  const row = (key, label, name, extra = {}) =>
    errors[name]
      ? { key, label, unit: 'events/s', error: errors[name], ...extra }
      : { key, label, unit: 'events/s', stats: stats(name), ...extra };
  const rows = [
    row('throughput.ws', '(a) plain ws forwarding (ceiling)', 'ws', { anchor: '~168k' }),
    row('throughput.socketio', '(c) plain socket.io forwarding', 'sio', { anchor: '~109k' }),
    row('throughput.hub', '(b) hub, unbatched', 'hub1'),
    row('throughput.hubBatched', '(b) hub, batches of 50', 'hub50', { budget: { op: '>=', value: 150_000 } }),
  ];
  for (const variant of variants) {
    if (errors[variant.name]) continue;
    const label = { ws: 'plain ws', sio: 'plain socket.io', hub1: 'hub unbatched', hub50: 'hub batched' }[variant.name];
    rows.push({
      key: `throughput.serverCpu.${variant.name}`,
      label: `  server CPU per event, ${label}`,
      unit: 'us',
      stats: summarize(cpu[variant.name]),
      note: 'user+system time of the server process / events',
    });
  }
  if (stats('hub1') && stats('ws'))
    rows.push({
      ...ratioRow('throughput.hubToWs', 'hub unbatched / plain ws', stats('hub1'), stats('ws')),
      budget: { op: '>=', value: 0.6 },
    });
  if (stats('hub1') && stats('sio'))
    rows.push(ratioRow('throughput.hubToSocketio', 'hub unbatched / plain socket.io', stats('hub1'), stats('sio')));
  if (stats('hub50') && stats('ws'))
    rows.push(ratioRow('throughput.hubBatchedToWs', 'hub batched / plain ws', stats('hub50'), stats('ws')));
  return rows;
}

/** Ratio of medians; min/max pair the runs in order (run i of one with run i of the other). */
function ratioRow(key, label, numerator, denominator) {
  const perRun = numerator.runs.map((value, i) => value / denominator.runs[i]);
  return {
    key,
    label,
    unit: 'ratio',
    stats: {
      median: numerator.median / denominator.median,
      min: Math.min(...perRun),
      max: Math.max(...perRun),
      runs: perRun,
    },
    note: 'median / median; min and max over paired runs',
  };
}
