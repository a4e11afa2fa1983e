// Figure: an ack means written. `shannon-hub serve` (the production bundle) gets a journal folder;
// a reporter (workers/feeder.mjs) streams into one session with the reporter library's in-flight
// window; the hub is killed with SIGKILL at a random moment; it is started again on the same
// folder and the reporter's new welcome says how far the hub's journal goes. Every seq the killed
// hub had acknowledged must be at or below that lastSeq: anything above is an acknowledged event
// lost. ROUNDS kills per run, one journal folder (growing) per run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkWorker, spawnWithReadyLine } from '../lib/processes.mjs';
import { summarize } from '../lib/stats.mjs';
import { workerPath } from '../lib/servers.mjs';

const ROUNDS = 10;
const SESSION = 'bench_durable';
/** The kill comes this long after the reporter started streaming, at random (ms). */
const KILL_WITHIN_MS = 1_500;

async function serve(ctx, journal, ideDir) {
  return spawnWithReadyLine(process.execPath, [ctx.hubBin, 'serve', '--journal', journal], {
    cwd: ctx.repoRoot,
    env: { ...process.env, SHANNON_IDE_DIR: ideDir },
    timeoutMs: 60_000,
  });
}

/** Connect a reporter to the hub; resolves with it and the welcome's lastSeq. */
async function reporter(hub) {
  const feeder = forkWorker(workerPath('feeder.mjs'));
  feeder.send({ type: 'connect', target: 'hub', url: hub.line.url, token: hub.line.token, sessionId: SESSION });
  const { lastSeq } = await feeder.next('connected', 60_000);
  return { feeder, lastSeq };
}

/** ROUNDS kills on one journal: per round the acked events lost and the events acked. */
async function oneRun(ctx) {
  const work = mkdtempSync(join(tmpdir(), 'shannon-bench-durable-'));
  const journal = join(work, 'journal');
  const ideDir = join(work, 'ide');
  const rounds = [];
  try {
    let hub = await serve(ctx, journal, ideDir);
    let { feeder, lastSeq } = await reporter(hub);
    for (let round = 0; round < ROUNDS; round++) {
      const startedAt = lastSeq;
      const killAfterMs = Math.round(Math.random() * KILL_WITHIN_MS);
      feeder.send({ type: 'stream', batch: 50, window: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      hub.child.kill('SIGKILL');
      const { acked } = await feeder.next('closed', 30_000);
      await feeder.stop();
      hub = await serve(ctx, journal, ideDir);
      ({ feeder, lastSeq } = await reporter(hub));
      rounds.push({
        killAfterMs,
        acked: acked - startedAt,
        lost: Math.max(0, acked - lastSeq),
        unacked: Math.max(0, lastSeq - acked),
      });
    }
    await feeder.stop();
    await hub.stop();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rounds;
}

export async function durability(ctx) {
  const rounds = [];
  for (let run = 0; run < ctx.runs; run++) {
    const these = await oneRun(ctx);
    rounds.push(...these);
    ctx.log(
      `  run ${run + 1}: ${these.map((r) => `${r.killAfterMs} ms: ${r.acked} acked, ${r.lost} lost`).join('; ')}`,
    );
  }
  const total = (name) => rounds.reduce((sum, r) => sum + r[name], 0);
  ctx.log(`  ${rounds.length} kills: ${total('acked')} events acknowledged, ${total('lost')} of them lost`);
  return [
    {
      key: 'durability.lost',
      label: 'acked events lost per kill -9 of the hub',
      unit: 'events',
      stats: summarize(rounds.map((r) => r.lost)),
      budget: { op: '==', value: 0 },
      note: `${rounds.length} rounds; the budget holds only when every round lost none`,
    },
    {
      key: 'durability.lostTotal',
      label: `  lost in all ${rounds.length} rounds`,
      unit: 'events',
      stats: summarize([total('lost')]),
    },
    {
      key: 'durability.acked',
      label: '  events acknowledged per round before the kill',
      unit: 'events',
      stats: summarize(rounds.map((r) => r.acked)),
    },
    {
      key: 'durability.ackedTotal',
      label: `  acknowledged in all ${rounds.length} rounds`,
      unit: 'events',
      stats: summarize([total('acked')]),
    },
    {
      key: 'durability.beyondAck',
      label: '  events on disk beyond the last ack, per round',
      unit: 'events',
      stats: summarize(rounds.map((r) => r.unacked)),
      note: 'written but not yet acknowledged when the hub died; the reporter resends none of them',
    },
  ];
}
