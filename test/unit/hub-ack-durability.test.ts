// An ack means written: `shannon-hub serve` (the bundled CLI, a real process) is killed with
// SIGKILL while a reporter streams into it, many times at different moments; after each restart
// the hub's welcome.lastSeq must cover every seq it acknowledged before it died.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import WebSocket from 'ws';
import { waitFor } from './wait';

const ROOT = join(__dirname, '..', '..');
const SESSION = 'durable_run';
const BATCH = 200;
const UNACKED_WINDOW = 5_000;

interface Served {
  child: ChildProcess;
  url: string;
  token: string;
  exited: Promise<void>;
}

/** How a round ends: after this many acks arrived, or after this many ms of streaming. */
type KillMoment = { afterAcks: number } | { afterMs: number };

describe('acks survive kill -9 of the hub', function () {
  this.timeout(180_000);
  let work: string;
  let cli: string;
  const children = new Set<ChildProcess>();

  before(async function () {
    this.timeout(120_000);
    work = mkdtempSync(join(tmpdir(), 'shannon-durable-'));
    cli = join(work, 'shannon-hub.js');
    // The shannon-hub bundle's options from esbuild.mjs: the process killed is the one that ships.
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['src/reporter/cli.ts'],
      outfile: cli,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      external: ['vscode', 'bufferutil', 'utf-8-validate'],
      logLevel: 'warning',
    });
  });

  after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  async function serve(journal: string): Promise<Served> {
    const child = spawn(process.execPath, [cli, 'serve', '--journal', journal], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SHANNON_IDE_DIR: join(work, 'ide') },
    });
    children.add(child);
    const exited = new Promise<void>((resolve) =>
      child.on('exit', () => {
        children.delete(child);
        resolve();
      }),
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    await waitFor(`shannon-hub serve to be ready (stderr: ${stderr})`, () => stdout.includes('\n'), 30_000);
    const ready = JSON.parse(stdout.split('\n')[0]) as { url: string; token: string };
    return { child, url: ready.url, token: ready.token, exited };
  }

  /**
   * Connect, learn what the hub has stored, stream from there until the moment comes, kill the
   * hub, and return what it had acknowledged and what it said it had stored.
   */
  async function round(served: Served, moment: KillMoment): Promise<{ lastSeq: number; highestAck: number }> {
    const socket = new WebSocket(served.url, { headers: { authorization: `Bearer ${served.token}` } });
    socket.on('error', () => {});
    let lastSeq = -1;
    let highestAck = 0;
    let acks = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      served.child.kill('SIGKILL');
    };
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; seq?: number; lastSeq?: number };
      if (frame.type === 'welcome') lastSeq = frame.lastSeq ?? 0;
      if (frame.type === 'ack') {
        highestAck = Math.max(highestAck, frame.seq ?? 0);
        acks++;
        if ('afterAcks' in moment && acks >= moment.afterAcks) kill();
      }
    });
    let closeReason = '';
    const closed = new Promise<void>((resolve) =>
      socket.on('close', (code, reason) => {
        if (!killed) closeReason = `${code} ${reason.toString()}`;
        resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        role: 'reporter',
        client: { name: 'durability-test', version: '1', pid: process.pid },
        sessionId: SESSION,
      }),
    );
    await waitFor('welcome', () => lastSeq >= 0, 10_000);
    const startedLastSeq = lastSeq;
    if ('afterMs' in moment) setTimeout(kill, moment.afterMs);
    // Stream as fast as the socket takes it, from the first seq the hub does not have.
    let next = startedLastSeq + 1;
    const pump = () => {
      if (killed || socket.readyState !== WebSocket.OPEN) return;
      // Like the reporter library: at most a window of unacknowledged events in flight.
      while (socket.bufferedAmount < 512 * 1024 && next - Math.max(highestAck, startedLastSeq) < UNACKED_WINDOW) {
        const events = [];
        for (let i = 0; i < BATCH; i++, next++) {
          events.push({
            sessionId: SESSION,
            seq: next,
            ts: new Date().toISOString(),
            kind: 'log',
            data: { message: `line ${next} ${'x'.repeat(next % 97)}` },
          });
        }
        socket.send(JSON.stringify({ type: 'events', events }));
      }
      setImmediate(pump);
    };
    pump();
    // Should the hub close the connection itself, the round ends there (and the test says why).
    const closedByHub = closed.then(() => {
      if (!killed) closeReason ||= 'the hub closed the connection before the kill';
      kill();
    });
    await served.exited;
    await closedByHub;
    assert.equal(closeReason, '', closeReason);
    return { lastSeq: startedLastSeq, highestAck };
  }

  it('never loses an acknowledged event across 12 kills at different moments', async () => {
    const journal = join(work, 'journal');
    const moments: KillMoment[] = [
      { afterAcks: 1 },
      { afterMs: 30 },
      { afterAcks: 3 },
      { afterMs: 120 },
      { afterAcks: 7 },
      { afterMs: 5 },
      { afterAcks: 2 },
      { afterMs: 250 },
      { afterAcks: 15 },
      { afterMs: 60 },
      { afterAcks: 30 },
      { afterMs: 400 },
    ];
    let acknowledged = 0;
    const history: string[] = [];
    for (const moment of moments) {
      const served = await serve(journal);
      const { lastSeq, highestAck } = await round(served, moment);
      history.push(`${JSON.stringify(moment)}: welcome ${lastSeq}, acked up to ${highestAck}`);
      if (process.env.DEBUG_DURABLE) console.log(history.at(-1));
      assert.ok(
        lastSeq >= acknowledged,
        `after a kill the hub stored up to ${lastSeq} but had acknowledged ${acknowledged}\n${history.join('\n')}`,
      );
      acknowledged = Math.max(acknowledged, highestAck);
    }
    const last = await serve(journal);
    const { lastSeq } = await round(last, { afterAcks: 1 });
    history.push(`final: welcome ${lastSeq}`);
    assert.ok(lastSeq >= acknowledged, `the last restart lost acknowledged events\n${history.join('\n')}`);
    assert.ok(acknowledged > 12 * BATCH, `the rounds streamed and were acknowledged\n${history.join('\n')}`);
  });
});
