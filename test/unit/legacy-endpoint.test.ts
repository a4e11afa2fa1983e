// The legacy Socket.IO endpoint against a real socket.io-client on real loopback sockets, with
// the real SessionStore behind it: what today's CLI sends must become a complete, correct session.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { Socket as ClientSocket } from 'socket.io-client';
import WebSocket from 'ws';
import { portInUseMessage, startLegacyEndpoint, type LegacyEndpoint } from '../../src/hub/legacy';
import { SessionStore } from '../../src/hub/store';
import { localTimestampToIso } from '../../src/protocol/legacy';
import type { SessionSummary } from '../../src/protocol/session';
import { loadLegacyRun, withSessionId } from '../fixtures/legacy';
import { EXPECTED } from './legacy-expected';
import {
  connectLikeCli,
  expectConnectRefused,
  once,
  recordingLogger,
  replay,
  waitFor,
  type RecordingLogger,
  transportsUsed,
  type TransportMode,
} from './legacy-helpers';

const GRACE_MS = 60;

interface Rig {
  store: SessionStore;
  endpoint: LegacyEndpoint;
  log: RecordingLogger;
  clients: ClientSocket[];
}

async function startRig(): Promise<Rig> {
  const log = recordingLogger();
  const store = new SessionStore({ lostGraceMs: GRACE_MS, log });
  const endpoint = await startLegacyEndpoint({ port: 0, store, log });
  assert.equal(endpoint.status().state, 'listening');
  return { store, endpoint, log, clients: [] };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  for (const client of rig.clients) client.close();
  await rig.endpoint.close();
  rig.store.dispose();
}

/** Wait until the session has `count` events and is in `state`. */
function sessionReaches(
  store: SessionStore,
  sessionId: string,
  count: number,
  state: SessionSummary['state'],
): Promise<SessionSummary> {
  return waitFor(`${sessionId} to have ${count} events and state ${state}`, () => {
    const summary = store.get(sessionId);
    return summary && summary.eventCount === count && summary.state === state ? summary : undefined;
  });
}

describe('legacy endpoint: replaying recorded CLI runs', function () {
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  for (const mode of ['polling-first', 'websocket-only'] as const satisfies readonly TransportMode[]) {
    for (const name of ['current-cli-run', 'orchestrator-run', 'orchestrator-failed-run'] as const) {
      it(`${name} over ${mode} becomes a complete, correct legacy session`, async () => {
        rig = await startRig();
        const run = loadLegacyRun(name);
        const client = await connectLikeCli(rig.endpoint.port, mode);
        rig.clients.push(client);
        const received: string[] = [];
        client.onAny((event: string) => received.push(event));

        if (mode === 'polling-first') {
          // Like python-socketio: starts with long-polling, upgrades to websocket (through the guard).
          await waitFor('the upgrade to websocket', () => client.io.engine.transport.name === 'websocket');
          assert.deepEqual(transportsUsed(client), ['polling', 'websocket']);
          replay(client, run.events.slice(0, 3));
          replay(client, run.events.slice(3));
        } else {
          assert.deepEqual(transportsUsed(client), ['websocket']);
          replay(client, run.events);
        }

        const finalState = name === 'orchestrator-failed-run' ? 'failed' : 'completed';
        const summary = await sessionReaches(rig.store, run.sessionId, run.events.length, finalState);
        assert.equal(summary.source, 'legacy');
        assert.equal(summary.unauthenticated, true);
        assert.equal(summary.reporterConnected, true);
        assert.deepEqual(summary.capabilities, [], 'a legacy reporter can never be steered');
        assert.equal(summary.lastSeq, run.events.length);
        const events = await rig.store.readEvents(run.sessionId);
        assert.deepEqual(
          events.map((e) => e.seq),
          run.events.map((_, i) => i + 1),
          'seq assigned in arrival order',
        );
        assert.equal(events[0].ts, localTimestampToIso(String(run.events[0].timestamp)), 'local time with offset');
        assert.equal(summary.startedAt, events[0].ts);
        await EXPECTED[name](summary, rig.store);
        assert.deepEqual(rig.endpoint.counters(), {
          connections: 1,
          accepted: run.events.length,
          malformed: 0,
          refused: 0,
          ignored: 0,
        });

        client.close();
        const after = await waitFor('reporter disconnected', () => {
          const s = rig!.store.get(run.sessionId);
          return s && !s.reporterConnected ? s : undefined;
        });
        assert.equal(after.state, finalState, 'a finished session stays finished after the CLI disconnects');
        assert.deepEqual(received, [], 'the endpoint never sends anything to the CLI');
      });
    }
  }

  it('accepts the CLI connecting to 127.0.0.1 as well as localhost', async () => {
    rig = await startRig();
    const client = await connectLikeCli(rig.endpoint.port, 'websocket-only', { host: '127.0.0.1' });
    rig.clients.push(client);
    const run = loadLegacyRun('current-cli-run');
    replay(client, run.events.slice(0, 1));
    const summary = await sessionReaches(rig.store, run.sessionId, 1, 'running');
    assert.equal(summary.task, 'Add a --json flag to the report command');
  });
});

describe('legacy endpoint: session lifecycle', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  for (const mode of ['polling-first', 'websocket-only'] as const) {
    it(`an abrupt disconnect without a final event (${mode}) leads to lost after the grace period`, async () => {
      rig = await startRig();
      const run = loadLegacyRun('orchestrator-run');
      const client = await connectLikeCli(rig.endpoint.port, mode);
      rig.clients.push(client);
      const unfinished = run.events.slice(0, 6); // killed in the middle of write_file
      replay(client, unfinished);
      const running = await sessionReaches(rig.store, run.sessionId, unfinished.length, 'running');
      assert.equal(running.reporterConnected, true);
      assert.equal(running.currentSkill, 'write_file');

      // Ctrl-C / crash: the transport goes away with no Socket.IO disconnect packet and no final event.
      client.io.engine.close();
      const lost = await waitFor('session lost', () => {
        const s = rig!.store.get(run.sessionId);
        return s?.state === 'lost' ? s : undefined;
      });
      assert.equal(lost.reporterConnected, false);
      assert.equal(lost.eventCount, unfinished.length);
      assert.ok(
        rig.log.lines.some((l) => /disconnected/.test(l)),
        'the disconnect is logged',
      );
    });
  }

  it('a killed websocket (destroyed TCP socket) also leads to lost', async () => {
    rig = await startRig();
    const run = loadLegacyRun('current-cli-run');
    const client = await connectLikeCli(rig.endpoint.port, 'websocket-only');
    rig.clients.push(client);
    replay(client, run.events.slice(0, 4));
    await sessionReaches(rig.store, run.sessionId, 4, 'running');
    const transport = client.io.engine.transport as unknown as { ws: WebSocket & { _socket: { destroy(): void } } };
    transport.ws._socket.destroy();
    const lost = await waitFor('session lost', () => rig!.store.get(run.sessionId)?.state === 'lost');
    assert.equal(lost, true);
  });

  it('a session created by Shannon: Do (pending) is taken over by the CLI reporting on the legacy endpoint', async () => {
    rig = await startRig();
    const run = loadLegacyRun('current-cli-run');
    rig.store.createPending(run.sessionId, { task: 'Add a --json flag to the report command', source: 'extension' });
    const client = await connectLikeCli(rig.endpoint.port, 'polling-first');
    rig.clients.push(client);
    replay(client, run.events);
    const summary = await sessionReaches(rig.store, run.sessionId, run.events.length, 'completed');
    assert.equal(summary.source, 'legacy');
    assert.equal(summary.unauthenticated, true);
    assert.equal(rig.store.list().length, 1, 'no second session for the same run');
  });

  it('two CLI runs at the same time stay separate sessions', async () => {
    rig = await startRig();
    const first = withSessionId(loadLegacyRun('current-cli-run'), 'do_20251116_160000_aaaaaaaa');
    const second = withSessionId(loadLegacyRun('orchestrator-run'), 'do_20251116_160001_bbbbbbbb');
    const a = await connectLikeCli(rig.endpoint.port, 'polling-first');
    const b = await connectLikeCli(rig.endpoint.port, 'websocket-only');
    rig.clients.push(a, b);
    // Interleave the two runs event by event.
    for (let i = 0; i < Math.max(first.events.length, second.events.length); i++) {
      if (first.events[i]) a.emit('cli_event', first.events[i]);
      if (second.events[i]) b.emit('cli_event', second.events[i]);
    }
    const one = await sessionReaches(rig.store, first.sessionId, first.events.length, 'completed');
    const two = await sessionReaches(rig.store, second.sessionId, second.events.length, 'completed');
    await EXPECTED['current-cli-run'](one, rig.store);
    await EXPECTED['orchestrator-run'](two, rig.store);
    b.io.engine.close(); // only b goes away: a's finished session is untouched
    await waitFor('b disconnected', () => rig!.store.get(second.sessionId)?.reporterConnected === false);
    assert.equal(rig.store.get(first.sessionId)?.reporterConnected, true);
  });
});

describe('legacy endpoint: bad input', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it('logs and counts malformed payloads, ignores other events, and keeps the connection', async () => {
    rig = await startRig();
    const client = await connectLikeCli(rig.endpoint.port, 'websocket-only');
    rig.clients.push(client);
    client.emit('cli_event', 'just a string');
    client.emit('cli_event', { session_id: 'do_x', data: {} }); // no event_type
    client.emit('cli_event', { event_type: 'execution:started', data: { task: 't' } }); // no session
    client.emit('cli_event', { session_id: 'do_x', event_type: 'skill:started', data: { skill_name: 42 } });
    client.emit('halt', { session_id: 'do_x' }); // a dashboard command: there is no control here
    client.emit('cli_event', {
      session_id: 'do_x',
      event_type: 'execution:started',
      timestamp: '2025-11-16T10:00:00',
      data: { task: 'ok' },
    });
    client.emit('cli_event', {
      session_id: 'do_other',
      event_type: 'execution:started',
      data: { task: 'second session on one socket' },
    });
    client.emit('cli_event', { session_id: 'do_x', event_type: 'execution:progress', data: { progress: 10 } });
    const summary = await sessionReaches(rig.store, 'do_x', 2, 'running');
    assert.equal(summary.task, 'ok');
    assert.equal(client.connected, true);
    const counters = rig.endpoint.counters();
    assert.equal(counters.malformed, 5);
    assert.equal(counters.ignored, 1);
    assert.equal(counters.accepted, 2);
    assert.equal(rig.store.get('do_other'), undefined, 'one connection carries one session');
    assert.equal(rig.log.lines.filter((l) => l.startsWith('warn legacy endpoint: ignored a cli_event')).length, 5);
    assert.ok(rig.log.lines.some((l) => /no session_id/.test(l)));
    assert.ok(rig.log.lines.some((l) => /this connection already reports do_x/.test(l)));
    assert.match(rig.endpoint.status().message ?? '', /5 cli_event payload\(s\) ignored \(see the log\)/);
  });

  it('cuts off a payload over the size cap without stopping the endpoint', async () => {
    rig = await startRig();
    const client = await connectLikeCli(rig.endpoint.port, 'websocket-only');
    rig.clients.push(client);
    const disconnected = once(client, 'disconnect');
    client.emit('cli_event', { session_id: 'do_big', event_type: 'log', data: { message: 'x'.repeat(300 * 1024) } });
    await disconnected;
    assert.equal(rig.store.get('do_big'), undefined);
    const next = await connectLikeCli(rig.endpoint.port, 'polling-first');
    rig.clients.push(next);
    next.emit('cli_event', { session_id: 'do_small', event_type: 'log', data: { message: 'fine' } });
    await sessionReaches(rig.store, 'do_small', 1, 'running');
  });
});

/** A raw HTTP GET; resolves with status code and body. */
function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A raw websocket handshake; resolves with the HTTP status of the refusal, or 101 if it opened. */
function rawUpgrade(
  port: number,
  path: string,
  options: { origin?: string; headers?: Record<string, string> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
      origin: options.origin,
      headers: options.headers,
      handshakeTimeout: 5000,
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

describe('legacy endpoint: Origin and Host checks', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  const handshake = '/socket.io/?EIO=4&transport=polling';
  const wsHandshake = '/socket.io/?EIO=4&transport=websocket';

  it('answers a well-formed polling handshake (the control case for the refusals below)', async () => {
    rig = await startRig();
    const port = rig.endpoint.port;
    const ok = await rawGet(port, handshake, { Host: `localhost:${port}` });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^0\{"sid":/);
    assert.equal(await rawUpgrade(port, wsHandshake, {}), 101);
  });

  it('refuses a polling request and a websocket upgrade carrying an Origin header', async () => {
    rig = await startRig();
    const port = rig.endpoint.port;
    const polling = await rawGet(port, handshake, { Host: `localhost:${port}`, Origin: 'http://evil.example' });
    assert.equal(polling.status, 403);
    assert.equal(await rawUpgrade(port, wsHandshake, { origin: 'http://evil.example' }), 403);
    assert.equal(
      await rawUpgrade(port, wsHandshake, { origin: `http://localhost:${port}` }),
      403,
      'even a same-host Origin',
    );
    assert.equal(rig.endpoint.counters().refused, 3);
    assert.ok(
      rig.log.lines.some((l) =>
        /^warn legacy endpoint: refused an HTTP GET request .*Origin header \("http:\/\/evil.example"\)/.test(l),
      ),
    );
    assert.ok(rig.log.lines.some((l) => /^warn legacy endpoint: refused a websocket upgrade .*Origin/.test(l)));
  });

  it('refuses an Origin header on the requests after the handshake too (polling with a sid, upgrade)', async () => {
    rig = await startRig();
    const port = rig.endpoint.port;
    const open = await rawGet(port, handshake, { Host: `localhost:${port}` });
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    const poll = await rawGet(port, `${handshake}&sid=${sid}`, {
      Host: `localhost:${port}`,
      Origin: 'http://evil.example',
    });
    assert.equal(poll.status, 403);
    assert.equal(await rawUpgrade(port, `${wsHandshake}&sid=${sid}`, { origin: 'http://evil.example' }), 403);
  });

  it('refuses a Host other than 127.0.0.1:<port> / localhost:<port> (DNS rebinding)', async () => {
    rig = await startRig();
    const port = rig.endpoint.port;
    for (const host of ['evil.example', `evil.example:${port}`, 'localhost:1', `127.0.0.2:${port}`, `[::1]:${port}`]) {
      assert.equal((await rawGet(port, handshake, { Host: host })).status, 403, `polling with Host ${host}`);
      assert.equal(
        await rawUpgrade(port, wsHandshake, { headers: { Host: host } }),
        403,
        `websocket with Host ${host}`,
      );
    }
    assert.equal(rig.endpoint.counters().refused, 10);
    assert.ok(rig.log.lines.some((l) => /Host header "evil.example" is not 127.0.0.1:\d+ or localhost:\d+/.test(l)));
    assert.equal(rig.endpoint.status().state, 'listening', 'refusals never take the endpoint down');
  });

  for (const mode of ['polling-first', 'websocket-only'] as const) {
    it(`a socket.io client sending an Origin header is refused (${mode}) and creates no session`, async () => {
      rig = await startRig();
      const error = await expectConnectRefused(rig.endpoint.port, mode, { Origin: 'http://evil.example' });
      assert.ok(error instanceof Error);
      assert.ok(rig.endpoint.counters().refused >= 1);
      assert.deepEqual(rig.store.list(), []);
      assert.equal(rig.endpoint.counters().connections, 0);
    });
  }

  it('answers 404 for anything outside /socket.io', async () => {
    rig = await startRig();
    const port = rig.endpoint.port;
    assert.equal((await rawGet(port, '/', { Host: `localhost:${port}` })).status, 404);
    assert.equal(
      (await rawGet(port, '/socket.io/socket.io.js', { Host: `localhost:${port}` })).status,
      400,
      'no client script is served',
    );
  });
});

describe('legacy endpoint: port already in use', () => {
  let blocker: NetServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
  });

  it('reports port-in-use, logs a warning, and neither throws nor retries', async () => {
    blocker = createNetServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', () => resolve()));
    const busyPort = (blocker.address() as { port: number }).port;
    const log = recordingLogger();
    const store = new SessionStore({ log });
    const endpoint = await startLegacyEndpoint({ port: busyPort, store, log });
    try {
      assert.deepEqual(endpoint.status(), {
        state: 'port-in-use',
        port: busyPort,
        message: portInUseMessage(busyPort),
      });
      assert.equal(
        portInUseMessage(8000),
        'Port 8000 is in use; the legacy endpoint is off. Change shannon.legacy.port or stop the other server.',
      );
      assert.deepEqual(
        log.lines.filter((l) => l.startsWith('warn')),
        [`warn ${portInUseMessage(busyPort)}`],
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(log.lines.filter((l) => l.startsWith('warn')).length, 1, 'no retry loop');
    } finally {
      await endpoint.close();
      store.dispose();
    }
    assert.equal(endpoint.status().state, 'port-in-use', 'close() keeps the reason visible');
  });
});
