// Figure 6: the legacy Socket.IO endpoint (`shannon-hub serve --legacy-port N`) fed by a
// socket.io-client that behaves like today's CLI (polling first, then the upgrade; `cli_event`
// payloads in the CLI's vocabulary). Events/s from the first emit until the last event is in the
// store, observed by a native subscriber of that session (the store forwards what it stored).
import { createServer } from 'node:net';
import { repeat } from '../lib/stats.mjs';
import { forkWorker } from '../lib/processes.mjs';
import { startHubServe, workerPath } from '../lib/servers.mjs';

const EVENTS = 50_000;

/** A port that was free a moment ago (the legacy endpoint needs a fixed one). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function oneRun(ctx, run) {
  const legacyPort = await freePort();
  const hub = await startHubServe(ctx, ['--legacy-port', String(legacyPort)]);
  const sessionId = `do_20260101_120000_bench${String(run).padStart(3, '0')}`;
  const subscriber = forkWorker(workerPath('subscriber.mjs'));
  const producer = forkWorker(workerPath('producer.mjs'));
  try {
    subscriber.send({ type: 'connect', target: 'hub', url: hub.url, token: hub.token, sessionId, expect: EVENTS });
    await subscriber.next('connected', 15_000);
    producer.send({
      type: 'connect',
      target: 'legacy',
      url: `http://127.0.0.1:${legacyPort}`,
      sessionId,
      transports: ['polling', 'websocket'],
    });
    await producer.next('connected', 15_000);
    producer.send({ type: 'throughput', count: EVENTS, batch: 1 });
    const sent = await producer.next('sent', 60_000);
    const done = await subscriber.next('done', 60_000);
    return EVENTS / ((done.lastAtUs - sent.t0Us) / 1e6);
  } finally {
    await Promise.all([producer.stop(), subscriber.stop()]);
    await hub.stop();
  }
}

export async function legacy(ctx) {
  const stats = await repeat(ctx.runs, (run) => oneRun(ctx, run));
  ctx.log(`  legacy endpoint: ${Math.round(stats.median)} events/s`);
  return [
    {
      key: 'legacy.throughput',
      label: 'legacy socket.io endpoint into the store',
      unit: 'events/s',
      stats,
      note: `${EVENTS} cli_event per run, socket.io-client polling then websocket`,
    },
  ];
}
