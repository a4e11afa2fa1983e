// The legacy port's lifecycle (src/hub/legacy-port.ts) with real sockets: in auto mode the port is
// taken only while a run needs it and given back after the grace period; a program holding it is
// named; and with two hubs sharing one lock folder (two VS Code windows), a run started in the
// window that does not hold the port is claimed at the one that does, shows only in the claiming
// window, and the port is handed over when the holder closes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectSocketIo, type Socket as ClientSocket } from 'socket.io-client';
import type { WebSocket } from 'ws';
import { startHub, type Hub } from '../../src/hub/hub';
import { LegacyPort } from '../../src/hub/legacy-port';
import { SessionStore } from '../../src/hub/store';
import { connectLikeCli, recordingLogger, waitFor } from './legacy-helpers';

const GRACE_MS = 300;
const RETRY_MS = 100;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A cli_event as today's CLI sends it. */
function cliEvent(sessionId: string, eventType: string, timestamp: string, data: Record<string, unknown> = {}) {
  return { session_id: sessionId, event_type: eventType, timestamp, data };
}

/** Like the CLI, but with python-socketio's default reconnection (the hand-off relies on it). */
async function connectReconnectingCli(port: number): Promise<ClientSocket> {
  const client = connectSocketIo(`http://localhost:${port}`, {
    transports: ['polling', 'websocket'],
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    timeout: 5000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', (error) => reject(error));
  });
  return client;
}

describe('legacy port lifecycle', () => {
  const cleanups: Array<() => unknown> = [];
  let ideDir: string;

  beforeEach(() => {
    ideDir = mkdtempSync(join(tmpdir(), 'shannon-legacy-port-'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    rmSync(ideDir, { recursive: true, force: true });
  });

  async function hub(mode: 'auto' | 'always' | 'off', port: number, folder = '/work/a'): Promise<Hub> {
    const started = await startHub({
      port: 0,
      legacy: { mode, port, graceMs: GRACE_MS, retryMs: RETRY_MS },
      lockFile: { dir: ideDir, workspaceFolders: [folder] },
      log: recordingLogger(),
    });
    cleanups.push(() => started.dispose());
    return started;
  }

  it('auto: nothing listens at start-up; a run opens the port at once; it is free again after the grace period', async () => {
    const port = await freePort();
    const a = await hub('auto', port);
    assert.equal(a.status().legacy.state, 'idle');
    assert.equal(await accepts(port), false, 'nothing may listen before a run needs the port');

    await a.legacy.need('run-1', { label: 'do_1', sessionId: 'do_1' });
    assert.equal(a.status().legacy.state, 'listening');
    assert.deepEqual(a.status().legacy.runs, ['do_1']);
    const cli = await connectLikeCli(port, 'polling-first');
    cli.emit('cli_event', cliEvent('do_1', 'execution:started', '2026-01-01T10:00:00', { task: 't' }));
    await waitFor('the event in the store', () => a.store.get('do_1')?.eventCount === 1);
    assert.equal(JSON.parse(readFileSync(a.lockFilePath!, 'utf8')).legacyPort, port, 'the lock file says we hold it');
    cli.close();

    a.legacy.release('run-1');
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 2));
    assert.equal(await accepts(port), true, 'still open within the grace period');
    await waitUntil('the port to be given back', async () => !(await accepts(port)));
    assert.equal(a.status().legacy.state, 'idle');
    assert.equal(JSON.parse(readFileSync(a.lockFilePath!, 'utf8')).legacyPort, undefined);
  });

  it('auto: a CLI still connected after the grace period keeps the port open', async () => {
    const port = await freePort();
    const a = await hub('auto', port);
    await a.legacy.need('run-1', { label: 'do_1' });
    const cli = await connectLikeCli(port, 'websocket-only');
    cleanups.push(() => cli.close());
    a.legacy.release('run-1');
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 3));
    assert.equal(a.status().legacy.state, 'listening');
    assert.equal(cli.connected, true);
    cli.close();
    await waitUntil('the port to be given back once the CLI left', async () => !(await accepts(port)), 5_000);
  });

  it('off: a run does not open the port', async () => {
    const port = await freePort();
    const a = await hub('off', port);
    await a.legacy.need('run-1', { label: 'do_1' });
    assert.equal(a.status().legacy.state, 'disabled');
    assert.equal(await accepts(port), false);
  });

  it('names a program holding the port (pid, command line), never touches it, and takes the port once it stops', async () => {
    const port = await freePort();
    const server: ChildProcess = spawn(
      process.execPath,
      [
        '-e',
        `require('http').createServer((q, r) => r.end('mine')).listen(${port}, '127.0.0.1', () => console.log('up'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => server.kill());
    await new Promise((resolve) => server.stdout!.once('data', resolve));

    const a = await hub('auto', port);
    await a.legacy.need('run-1', { label: 'do_1' });
    const legacy = a.status().legacy;
    assert.equal(legacy.state, 'port-in-use');
    assert.match(legacy.message ?? '', /held by another program/);
    assert.match(legacy.message ?? '', /stop that program for the run, or use a CLI that speaks the native protocol/);
    if (process.platform === 'linux') {
      assert.equal(legacy.holder?.pid, server.pid);
      assert.match(legacy.holder?.command ?? '', /createServer/);
      assert.match(legacy.message ?? '', new RegExp(`pid ${server.pid}`));
    }
    // Retrying while the run needs the port must not disturb the program.
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 3));
    assert.equal(server.exitCode, null);
    assert.equal(server.signalCode, null);

    server.kill();
    const ms = await waitUntil(
      'the port taken after the program stopped',
      async () => a.status().legacy.state === 'listening',
    );
    assert.ok(ms < 5_000);
    await connectLikeCli(port, 'websocket-only').then((cli) => cli.close());
  });

  it('two windows: a run claimed at the holder shows only in the claiming window, in order with its timestamps; closing the holder hands the port over within 2 s', async () => {
    const port = await freePort();
    const a = await hub('auto', port, '/work/a');
    const b = await hub('auto', port, '/work/b');
    await a.legacy.need('a-run', { label: 'do_a', sessionId: 'do_a' });
    assert.equal(a.status().legacy.state, 'listening');

    await b.legacy.need('b-run', { label: 'do_b', sessionId: 'do_b' });
    const heldBy = b.status().legacy;
    assert.equal(heldBy.state, 'held-by-window');
    assert.equal(heldBy.holder?.lockFile, a.lockFilePath);
    assert.deepEqual(heldBy.holder?.workspaceFolders, ['/work/a']);
    b.store.createPending('do_b', { task: 'b task', source: 'extension' });
    // The claim is registered at A before the CLI connects.
    await waitFor('the claim at A', () => a.status().clients === 1);

    const cliA = await connectLikeCli(port, 'polling-first');
    cleanups.push(() => cliA.close());
    cliA.emit('cli_event', cliEvent('do_a', 'execution:started', '2026-01-01T10:00:00', { task: 'a task' }));
    const cliB = await connectReconnectingCli(port);
    cleanups.push(() => cliB.close());
    const timestamps = ['2026-01-01T11:00:00.000001', '2026-01-01T11:00:01', '2026-01-01T11:00:02'];
    cliB.emit('cli_event', cliEvent('do_b', 'execution:started', timestamps[0]!, { task: 'b task' }));
    cliB.emit('cli_event', cliEvent('do_b', 'skill:started', timestamps[1]!, { skill_name: 'write_file' }));
    cliB.emit('cli_event', cliEvent('do_b', 'execution:progress', timestamps[2]!, { progress: 50 }));

    await waitFor('three relayed events in B', () => b.store.get('do_b')?.eventCount === 3);
    assert.equal(a.store.get('do_b'), undefined, 'the holder must not show the claimed run');
    assert.equal(a.store.get('do_a')?.eventCount, 1, 'the holder still shows its own run');
    assert.equal(b.store.get('do_a'), undefined);
    const relayed = await b.store.readEvents('do_b');
    assert.deepEqual(
      relayed.map((event) => event.kind),
      ['execution:started', 'skill:started', 'execution:progress'],
    );
    assert.deepEqual(
      relayed.map((event) => event.ts.slice(0, 19)),
      timestamps.map((ts) => ts.slice(0, 19)),
      'original timestamps, in order',
    );
    assert.equal(b.store.get('do_b')?.unauthenticated, true, 'still a legacy, unauthenticated run');

    // The holder window closes: B takes the port within 2 s, and the CLI reconnects to B.
    let reconnected = false;
    cliB.io.once('reconnect', () => (reconnected = true));
    await a.dispose();
    const ms = await waitUntil('B to hold the port', async () => b.status().legacy.state === 'listening', 5_000);
    assert.ok(ms <= 2_000, `hand-over took ${ms} ms`);
    await waitFor('the CLI reconnected to B', () => reconnected && cliB.connected, 5_000);
    cliB.emit('cli_event', cliEvent('do_b', 'execution:completed', '2026-01-01T11:00:03', { success: true }));
    await waitFor('the final event in B', () => b.store.get('do_b')?.state === 'completed');
    assert.equal(b.store.get('do_b')?.eventCount, 4, 'nothing lost, nothing doubled');
  });

  it('a claim connection that drops is opened again; nothing is lost or appended twice', async () => {
    const port = await freePort();
    const a = await hub('auto', port, '/work/a');
    await a.legacy.need('a-run', { label: 'do_a' });
    const store = new SessionStore({});
    cleanups.push(() => store.dispose());
    const b = new LegacyPort({
      mode: 'auto',
      port,
      sink: store,
      store,
      log: recordingLogger(),
      graceMs: GRACE_MS,
      retryMs: RETRY_MS,
      lockDir: ideDir,
    });
    cleanups.push(() => b.close());
    await b.need('b-run', { label: 'do_b', sessionId: 'do_b' });
    assert.equal(b.status().state, 'held-by-window');
    await waitFor('the claim at A', () => a.status().clients === 1);

    const cli = await connectLikeCli(port, 'websocket-only');
    cleanups.push(() => cli.close());
    cli.emit('cli_event', cliEvent('do_b', 'execution:started', '2026-01-01T11:00:00', { task: 'b' }));
    await waitFor('the first event relayed', () => store.get('do_b')?.eventCount === 1);

    // Cut the claim's socket (as a network hiccup would); events sent meanwhile wait at A.
    const claims = (b as unknown as { claims: Map<string, { socket: WebSocket }> }).claims;
    claims.get('do_b')!.socket.terminate();
    cli.emit('cli_event', cliEvent('do_b', 'skill:started', '2026-01-01T11:00:01', { skill_name: 's' }));
    cli.emit('cli_event', cliEvent('do_b', 'execution:completed', '2026-01-01T11:00:02', { success: true }));
    await waitFor('the claim reopened and caught up', () => store.get('do_b')?.state === 'completed', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      (await store.readEvents('do_b')).map((event) => event.kind),
      ['execution:started', 'skill:started', 'execution:completed'],
    );
  });
});
