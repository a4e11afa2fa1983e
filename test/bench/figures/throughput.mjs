// Figure 1: events/s from a producer process through a server to a subscriber process.
// (a) plain ws forwarding (the ceiling), (b) `shannon-hub serve` unbatched and in batches of 50,
// (c) plain socket.io forwarding. Time = first send (producer) -> last event received (subscriber),
// both read from the machine's monotonic clock.
import { repeat } from '../lib/stats.mjs';
import { connectPair, startForwarder, startHubServe } from '../lib/servers.mjs';

async function oneRun({ target, url, token, sessionId, count, batch }) {
  const pair = await connectPair({ target, url, token, sessionId, expect: count });
  try {
    pair.producer.send({ type: 'throughput', count, batch });
    const sent = await pair.producer.next('sent', 60_000);
    const done = await pair.subscriber.next('done', 60_000);
    return count / ((done.lastAtUs - sent.t0Us) / 1e6);
  } finally {
    await pair.stop();
  }
}

/** A fresh server per run, so no run inherits another's retained events or journal. */
async function measure(ctx, variant, startServer, options) {
  return repeat(ctx.runs, async (run) => {
    const server = await startServer();
    try {
      return await oneRun({ ...options, url: server.url, token: server.token, sessionId: `bench-${variant}-${run}` });
    } finally {
      await server.stop();
    }
  });
}

export async function throughput(ctx) {
  const count = ctx.throughputEvents;
  const rows = [];
  const ceiling = await measure(ctx, 'ws', () => startForwarder('ws-forwarder.mjs'), { target: 'ws', count, batch: 1 });
  rows.push({ key: 'throughput.ws', label: '(a) plain ws forwarding (ceiling)', unit: 'events/s', stats: ceiling, anchor: '~168k' });
  ctx.log(`  plain ws: ${Math.round(ceiling.median)} events/s`);

  const socketio = await measure(ctx, 'sio', () => startForwarder('sio-forwarder.mjs'), { target: 'socketio', count, batch: 1 });
  rows.push({ key: 'throughput.socketio', label: '(c) plain socket.io forwarding', unit: 'events/s', stats: socketio, anchor: '~109k' });
  ctx.log(`  plain socket.io: ${Math.round(socketio.median)} events/s`);

  const hubServer = () => startHubServe(ctx);
  let unbatched;
  try {
    unbatched = await measure(ctx, 'hub1', hubServer, { target: 'hub', count, batch: 1 });
    rows.push({ key: 'throughput.hub', label: '(b) hub, unbatched', unit: 'events/s', stats: unbatched });
    ctx.log(`  hub unbatched: ${Math.round(unbatched.median)} events/s`);
  } catch (error) {
    rows.push({ key: 'throughput.hub', label: '(b) hub, unbatched', unit: 'events/s', error: error.message });
  }
  try {
    const batched = await measure(ctx, 'hub50', hubServer, { target: 'hub', count, batch: 50 });
    rows.push({ key: 'throughput.hubBatched', label: '(b) hub, batches of 50', unit: 'events/s', stats: batched, budget: { op: '>=', value: 150_000 } });
    ctx.log(`  hub batched: ${Math.round(batched.median)} events/s`);
    rows.push(ratioRow('throughput.hubBatchedToWs', 'hub batched / plain ws', batched, ceiling));
  } catch (error) {
    rows.push({ key: 'throughput.hubBatched', label: '(b) hub, batches of 50', unit: 'events/s', error: error.message, budget: { op: '>=', value: 150_000 } });
  }
  if (unbatched) {
    rows.push({ ...ratioRow('throughput.hubToWs', 'hub unbatched / plain ws', unbatched, ceiling), budget: { op: '>=', value: 0.6 } });
    rows.push(ratioRow('throughput.hubToSocketio', 'hub unbatched / plain socket.io', unbatched, socketio));
  }
  return rows;
}

/** Ratio of medians; min/max pair the runs in order (run i of one with run i of the other). */
function ratioRow(key, label, numerator, denominator) {
  const perRun = numerator.runs.map((value, i) => value / denominator.runs[i]);
  return {
    key, label, unit: 'ratio',
    stats: { median: numerator.median / denominator.median, min: Math.min(...perRun), max: Math.max(...perRun), runs: perRun },
    note: 'median / median; min and max over paired runs',
  };
}
