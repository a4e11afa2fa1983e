// Servers under test and the producer/subscriber pair around them, as separate processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkWorker, spawnWithReadyLine } from './processes.mjs';

const workers = fileURLToPath(new URL('../workers/', import.meta.url));
export const workerPath = (name) => join(workers, name);

/**
 * `shannon-hub serve` exactly as users run it (the production bundle), with a fresh journal
 * directory that is deleted on stop. Extra args e.g. ['--legacy-port', '0'].
 */
/** `shannon-hub serve` on a fresh temp journal (deleted on stop), or on `options.journal` (kept). */
export async function startHubServe(ctx, extraArgs = [], options = {}) {
  const journal = options.journal ?? mkdtempSync(join(tmpdir(), 'shannon-bench-journal-'));
  const hub = await spawnWithReadyLine(process.execPath, [ctx.hubBin, 'serve', '--journal', journal, ...extraArgs], {
    cwd: ctx.repoRoot,
  });
  const { url, token } = hub.line;
  if (typeof url !== 'string' || typeof token !== 'string') {
    await hub.stop();
    throw new Error(`shannon-hub serve printed no url/token: ${JSON.stringify(hub.line)}`);
  }
  return {
    url,
    token,
    pid: hub.child.pid,
    line: hub.line,
    child: hub.child,
    async stop() {
      const code = await hub.stop();
      if (!options.journal) rmSync(journal, { recursive: true, force: true });
      if (code !== 0) ctx.log(`  note: shannon-hub serve exited with ${code}: ${hub.stderr().trim().slice(-300)}`);
    },
  };
}

/** A forwarding server worker (ws-forwarder.mjs or sio-forwarder.mjs) that reports {url}. */
export async function startForwarder(script) {
  const worker = forkWorker(workerPath(script));
  const { url } = await worker.next('ready', 10_000);
  return { url, pid: worker.child.pid, stop: () => worker.stop() };
}

/**
 * Fork a producer and a subscriber for one run. The producer connects first (so the session
 * exists when the subscriber says hello), then the subscriber.
 */
export async function connectPair({ target, url, token, sessionId, expect, measure = 'arrival', subscriberTarget }) {
  const producer = forkWorker(workerPath('producer.mjs'));
  const subscriber = forkWorker(workerPath('subscriber.mjs'));
  const stop = () => Promise.all([producer.stop(), subscriber.stop()]);
  try {
    producer.send({ type: 'connect', target, url, token, sessionId });
    await producer.next('connected', 15_000);
    subscriber.send({ type: 'connect', target: subscriberTarget ?? target, url, token, sessionId, expect, measure });
    await subscriber.next('connected', 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { producer, subscriber, stop };
}
