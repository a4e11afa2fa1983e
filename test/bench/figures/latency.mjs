// Figure 2: producer -> subscriber latency through the hub at a paced 1k and 10k events/s.
// Each event carries the producer's monotonic send time (microseconds); the subscriber subtracts
// it from its own receive time (same machine, same clock). Plain ws forwarding is shown beside it.
import { percentileOfSorted, repeat } from '../lib/stats.mjs';
import { connectPair, startForwarder, startHubServe } from '../lib/servers.mjs';

const PACES = [
  { rate: 1_000, count: 2_000 },
  { rate: 10_000, count: 10_000 },
];

async function pacedRun(server, target, sessionId, { rate, count }) {
  const pair = await connectPair({
    target,
    url: server.url,
    token: server.token,
    sessionId,
    expect: count,
    measure: 'latency',
  });
  try {
    pair.producer.send({ type: 'paced', rate, count });
    await pair.producer.next('sent', 30_000);
    const done = await pair.subscriber.next('done', 30_000);
    const sorted = done.latenciesUs.sort((a, b) => a - b);
    if (sorted.length !== count) throw new Error(`expected ${count} latency samples, got ${sorted.length}`);
    return { p50: percentileOfSorted(sorted, 50) / 1000, p99: percentileOfSorted(sorted, 99) / 1000 };
  } finally {
    await pair.stop();
  }
}

async function measureServer(ctx, name, target, server) {
  // One unmeasured run warms up the server's code paths (a hub runs for hours; the figure is its steady state).
  await pacedRun(server, target, `bench-lat-${name}-warmup`, { rate: 10_000, count: 5_000 });
  const rows = [];
  for (const pace of PACES) {
    const stats = await repeat(ctx.runs, (run) =>
      pacedRun(server, target, `bench-lat-${name}-${pace.rate}-${run}`, pace),
    );
    const rate = `${pace.rate / 1000}k/s`;
    ctx.log(`  ${name} at ${rate}: p50 ${stats.p50.median.toFixed(3)} ms, p99 ${stats.p99.median.toFixed(3)} ms`);
    const label = name === 'hub' ? `hub latency at ${rate}` : `  plain ws latency at ${rate}`;
    rows.push({ key: `latency.${name}.${pace.rate}.p50`, label: `${label}, p50`, unit: 'ms', stats: stats.p50 });
    rows.push({
      key: `latency.${name}.${pace.rate}.p99`,
      label: `${label}, p99`,
      unit: 'ms',
      stats: stats.p99,
      ...(name === 'hub' && pace.rate === 1_000 ? { budget: { op: '<=', value: 2 } } : {}),
    });
  }
  return rows;
}

export async function latency(ctx) {
  const hub = await startHubServe(ctx);
  let rows;
  try {
    rows = await measureServer(ctx, 'hub', 'hub', hub);
  } finally {
    await hub.stop();
  }
  const forwarder = await startForwarder('ws-forwarder.mjs');
  try {
    rows.push(...(await measureServer(ctx, 'ws', 'ws', forwarder)));
  } finally {
    await forwarder.stop();
  }
  return rows;
}
