// Figure 3: a late subscriber joins a finished 10k-event session: time from its hello to the
// last `stored` event it receives (subscriber's clock), through `shannon-hub serve`.
import { forkWorker } from '../lib/processes.mjs';
import { repeat } from '../lib/stats.mjs';
import { startHubServe, workerPath } from '../lib/servers.mjs';

const EVENTS = 10_000;
const SESSION = 'bench-replay';

async function fillSession(hub) {
  const producer = forkWorker(workerPath('producer.mjs'));
  try {
    producer.send({ type: 'connect', target: 'hub', url: hub.url, token: hub.token, sessionId: SESSION });
    await producer.next('connected', 15_000);
    producer.send({ type: 'throughput', count: EVENTS, batch: 50 });
    await producer.next('acked', 30_000);
  } finally {
    await producer.stop();
  }
}

/**
 * A fresh subscriber process takes one unmeasured replay first (its own ws and JSON code paths
 * are cold in a new process), then reconnects and takes the measured one: the figure is the
 * hub's replay, not the start-up of a new Node process.
 */
async function lateSubscriber(hub) {
  const subscriber = forkWorker(workerPath('subscriber.mjs'));
  try {
    let ms;
    for (const measured of [false, true]) {
      subscriber.send({
        type: 'connect',
        target: 'hub',
        url: hub.url,
        token: hub.token,
        sessionId: SESSION,
        expect: EVENTS,
        measure: 'replay',
      });
      await subscriber.next('open', 15_000);
      subscriber.send({ type: 'hello' });
      const done = await subscriber.next('done', 30_000);
      if (done.received !== EVENTS) throw new Error(`replay delivered ${done.received} events, expected ${EVENTS}`);
      if (measured) ms = (done.lastAtUs - done.helloAtUs) / 1000;
    }
    return ms;
  } finally {
    await subscriber.stop();
  }
}

export async function replay(ctx) {
  const hub = await startHubServe(ctx);
  try {
    await fillSession(hub);
    const stats = await repeat(ctx.runs, () => lateSubscriber(hub));
    ctx.log(`  replay of ${EVENTS} events: ${stats.median.toFixed(2)} ms`);
    return [
      {
        key: 'replay.10k',
        label: 'replay of 10k events to a late subscriber',
        unit: 'ms',
        stats,
        budget: { op: '<=', value: 10 },
        anchor: '~7 ms',
      },
    ];
  } finally {
    await hub.stop();
  }
}
