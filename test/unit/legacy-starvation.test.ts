// The legacy endpoint cannot be starved by idle sockets: today's CLI connects once, with a 5 s
// timeout, and never retries, so 64 TCP connections that never send a byte used to shut it out
// for the whole run. Real sockets on 127.0.0.1 against the real endpoint.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { SessionStore } from '../../src/hub/store';
import { startLegacyEndpoint, type LegacyEndpoint } from '../../src/hub/legacy';
import type { ConnectionLimits } from '../../src/hub/connection-gate';
import { connectLikeCli, recordingLogger, waitFor, type RecordingLogger } from './legacy-helpers';

function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', () => {}); // closed by the endpoint: expected
    socket.once('error', reject);
  });
}

describe('legacy endpoint: idle sockets cannot starve it', () => {
  let endpoint: LegacyEndpoint | undefined;
  let store: SessionStore;
  let log: RecordingLogger;
  const sockets: Socket[] = [];

  async function start(limits: Partial<ConnectionLimits> = {}): Promise<LegacyEndpoint> {
    log = recordingLogger();
    store = new SessionStore({ log });
    endpoint = await startLegacyEndpoint({ port: 0, store, log, connectionLimits: limits });
    return endpoint;
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await endpoint?.close();
    endpoint = undefined;
    store.dispose();
  });

  for (const mode of ['polling-first', 'websocket-only'] as const) {
    it(`a CLI-like client (${mode}) connects and reports while 80 idle sockets are open`, async () => {
      // The default limits, except a handshake time-out long enough that no idle socket times out
      // during the test: what keeps the slot free must be the limit, not the clock.
      const { port } = await start({ handshakeTimeoutMs: 60_000 });
      for (let i = 0; i < 80; i++) sockets.push(await openIdle(port));
      const cli = await connectLikeCli(port, mode);
      try {
        cli.emit('cli_event', {
          session_id: `starved_${mode}`,
          event_type: 'execution:started',
          timestamp: '2026-01-01T10:00:00',
          data: { task: 'still heard' },
        });
        await waitFor('the event in the store', () => store.get(`starved_${mode}`)?.lastSeq === 1);
      } finally {
        cli.close();
      }
      assert.ok(
        log.lines.some((l) => /closed an idle connection from 127\.0\.0\.1: 8 idle connections per peer/.test(l)),
      );
    });
  }

  it('keeps at most 8 idle connections per peer, closing the oldest first', async () => {
    const { port } = await start({ handshakeTimeoutMs: 60_000 });
    const closed: number[] = [];
    for (let i = 0; i < 12; i++) {
      const socket = await openIdle(port);
      socket.once('close', () => closed.push(i));
      sockets.push(socket);
    }
    await waitFor('four closed', () => closed.length === 4);
    assert.deepEqual(
      closed.sort((a, b) => a - b),
      [0, 1, 2, 3],
    );
  });

  it('closes a connection that sends no request within the handshake time-out', async () => {
    const { port } = await start({ handshakeTimeoutMs: 200 });
    const socket = await openIdle(port);
    sockets.push(socket);
    let isClosed = false;
    socket.once('close', () => (isClosed = true));
    await waitFor('the idle socket to be closed', () => isClosed);
    assert.ok(log.lines.some((l) => /closed an idle connection from 127\.0\.0\.1: no request within 200 ms/.test(l)));
  });
});
