// The reporter library against the real hub (startHub in-process, temp journal, real sockets on
// 127.0.0.1). Connection cuts are real too: the hub's own flood fuse closes the socket, or a TCP
// relay between reporter and hub destroys it mid-stream; the store and journal must still hold
// every seq exactly once, in order.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type Hub, type HubOptions } from '../../src/hub/hub';
import { journalFileName } from '../../src/hub/journal';
import type { ControlFrame } from '../../src/protocol/wire';
import {
  FlushTimeoutError,
  HubConnectionError,
  InvalidEventError,
  Reporter,
  type ReporterOptions,
  type ReporterState,
  probeHub,
} from '../../src/reporter/client';
import { waitFor } from './wait';

/**
 * A TCP relay in front of the hub that the test can cut (destroy both sockets, no close frame) and
 * block (refuse new connections). It rewrites the Host header of the upgrade to the hub's port,
 * because the hub rightly refuses any other Host.
 */
interface Relay {
  url: string;
  connections: number;
  cut(): void;
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

async function startRelay(hubPort: number): Promise<Relay> {
  const pairs = new Set<[Socket, Socket]>();
  let blocked = false;
  let relayPort = 0;
  let connections = 0;
  const server: Server = createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    connections += 1;
    const upstream = new Socket();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    let head = Buffer.alloc(0);
    const onFirstData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (!head.includes('\r\n\r\n')) return;
      client.off('data', onFirstData);
      const rewritten = head.toString('latin1').replace(`Host: 127.0.0.1:${relayPort}`, `Host: 127.0.0.1:${hubPort}`);
      upstream.write(Buffer.from(rewritten, 'latin1'));
      client.pipe(upstream);
      upstream.pipe(client);
    };
    upstream.connect(hubPort, '127.0.0.1', () => client.on('data', onFirstData));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relayPort = (server.address() as { port: number }).port;
  const cut = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: `ws://127.0.0.1:${relayPort}`,
    get connections() {
      return connections;
    },
    cut,
    block() {
      blocked = true;
    },
    unblock() {
      blocked = false;
    },
    close() {
      cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('reporter library against the real hub', function () {
  this.timeout(60_000);
  let dir: string;
  let hub: Hub;
  const reporters: Reporter[] = [];
  const relays: Relay[] = [];

  async function hubWith(options: Partial<HubOptions> = {}): Promise<Hub> {
    return startHub({
      journalDir: join(dir, 'journal'),
      lockFile: undefined,
      lostGraceMs: 60_000,
      version: 'test-hub',
      ...options,
    });
  }

  function reporter(options: Partial<ReporterOptions> = {}): Reporter {
    const created = new Reporter({
      url: hub.url,
      token: hub.token,
      client: { name: 'reporter-test', version: '1' },
      reconnect: { initialDelayMs: 5, maxDelayMs: 50 },
      ...options,
    });
    reporters.push(created);
    return created;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shannon-reporter-'));
    hub = await hubWith();
  });

  afterEach(async () => {
    await Promise.all(reporters.splice(0).map((r) => r.close()));
    await Promise.all(relays.splice(0).map((r) => r.close()));
    await hub.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const seqs = async (sessionId: string) => (await hub.store.readEvents(sessionId)).map((event) => event.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('says hello, reads the welcome and gets its events acknowledged and stored', async () => {
    const r = reporter({ sessionId: 'do_20260101_120000_0000abcd' });
    const welcome = await r.connect();
    assert.equal(welcome.protocol, 1);
    assert.equal(welcome.hub.version, 'test-hub');
    assert.equal(welcome.lastSeq, 0);
    assert.equal(r.state, 'connected');

    assert.equal(r.send('execution:started', { task: 'greet' }), 1);
    assert.equal(r.send('log', { level: 'info', message: 'hello' }), 2);
    await r.flush(5_000);
    assert.equal(r.lastAckedSeq, 2);
    assert.equal(r.pendingCount, 0);
    const stored = await hub.store.readEvents(r.sessionId);
    assert.deepEqual(
      stored.map((e) => [e.seq, e.kind]),
      [
        [1, 'execution:started'],
        [2, 'log'],
      ],
    );
    assert.equal(stored[0].data.task, 'greet');
    const summary = hub.store.get(r.sessionId);
    assert.equal(summary?.state, 'running');
    assert.equal(summary?.reporterConnected, true);
  });

  it('numbers events sent before the welcome after it, and makes a session id in the CLI format', async () => {
    const r = reporter();
    assert.match(r.sessionId, /^do_\d{8}_\d{6}_[0-9a-f]{8}$/);
    assert.equal(r.send('execution:started', {}), undefined); // seq unknown until the welcome
    r.send('execution:progress', { progress: 50 });
    await r.connect();
    await r.flush(5_000);
    assert.deepEqual(await seqs(r.sessionId), [1, 2]);
  });

  it('batches events into `events` frames of at most maxBatchEvents', async () => {
    const frames: number[] = [];
    const subscription = hub.store.subscribe((change) => {
      if (change.type === 'events') frames.push(change.events.length);
    });
    try {
      const r = reporter({ maxBatchEvents: 500 });
      await r.connect();
      for (let i = 0; i < 1_200; i += 1) r.send('execution:progress', { progress: i % 100, message: `step ${i}` });
      await r.flush(10_000);
      assert.deepEqual(frames, [500, 500, 200]);
      assert.deepEqual(await seqs(r.sessionId), range(1, 1_200));
    } finally {
      subscription.dispose();
    }
  });

  it('continues an existing session from the welcome lastSeq + 1', async () => {
    const first = reporter({ sessionId: 'shared-session' });
    await first.connect();
    for (let i = 0; i < 7; i += 1) first.send('log', { message: `first ${i}` });
    await first.flush(5_000);
    await first.close();

    const second = reporter({ sessionId: 'shared-session' });
    const welcome = await second.connect();
    assert.equal(welcome.lastSeq, 7);
    assert.equal(second.send('log', { message: 'second' }), 8);
    await second.flush(5_000);
    assert.deepEqual(await seqs('shared-session'), range(1, 8));
  });

  it('resends after the hub closes the socket mid-stream: 10k events, each seq once and in order (store and journal)', async () => {
    await hub.dispose();
    // The hub's own flood fuse: every connection may send a handful of frames, then the hub closes it.
    hub = await hubWith({ limits: { burstFrames: 6, framesPerSecond: 1 } });
    const states: ReporterState[] = [];
    const r = reporter({ sessionId: 'resend-flood', onStateChange: (state) => states.push(state) });
    await r.connect();
    for (let i = 1; i <= 10_000; i += 1) r.send('execution:progress', { currentStep: i });
    await r.flush(30_000);
    assert.ok(
      states.filter((state) => state === 'reconnecting').length >= 3,
      `expected several reconnects, got states ${states.join(',')}`,
    );
    assert.deepEqual(await seqs('resend-flood'), range(1, 10_000));
    assert.equal(r.droppedCount, 0);

    await r.close();
    await hub.dispose();
    const lines = readFileSync(join(dir, 'journal', journalFileName('resend-flood')), 'utf8')
      .trim()
      .split('\n')
      .slice(1); // the header line;
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).seq),
      range(1, 10_000),
    );
    hub = await hubWith(); // afterEach disposes it
  });

  it('resends after the connection is destroyed under it (no close frame): 10k events, each seq once and in order', async () => {
    const relay = await startRelay(hub.port);
    relays.push(relay);
    const r = reporter({ url: relay.url, sessionId: 'resend-cut', maxBatchEvents: 200 });
    await r.connect();
    let cuts = 0;
    const subscription = hub.store.subscribe((change) => {
      // Cut in the middle of the stream, three times, while frames are still in flight.
      if (change.type === 'events' && cuts < 3 && change.session.lastSeq >= 2_000 * (cuts + 1)) {
        cuts += 1;
        setImmediate(() => relay.cut());
      }
    });
    try {
      for (let i = 1; i <= 10_000; i += 1) r.send('execution:progress', { currentStep: i });
      await r.flush(30_000);
    } finally {
      subscription.dispose();
    }
    assert.equal(cuts, 3);
    assert.ok(relay.connections >= 4, `expected reconnects through the relay, saw ${relay.connections} connection(s)`);
    assert.deepEqual(await seqs('resend-cut'), range(1, 10_000));
  });

  it('bounds the buffer while the hub is unreachable, counts drops and reports them once reconnected', async () => {
    const relay = await startRelay(hub.port);
    relays.push(relay);
    const drops: number[] = [];
    const r = reporter({
      url: relay.url,
      sessionId: 'drops',
      maxBufferedEvents: 100,
      onDrop: (info) => drops.push(info.total),
    });
    await r.connect();
    r.send('execution:started', { task: 'drop test' });
    await r.flush(5_000);

    relay.block();
    relay.cut();
    await waitFor('the reporter to notice the cut', () => r.state === 'reconnecting');
    for (let i = 0; i < 250; i += 1) r.send('execution:progress', { currentStep: i });
    assert.equal(r.droppedCount, 150);
    assert.equal(drops.length, 150);
    assert.equal(drops.at(-1), 150);
    await assert.rejects(
      r.flush(200),
      (error: unknown) => error instanceof FlushTimeoutError && error.unacknowledged === 100,
    );

    relay.unblock();
    await r.flush(10_000);
    const stored = await hub.store.readEvents('drops');
    // seq 1 before the outage, 2..151 evicted, 152..251 resent, then the drop report.
    assert.deepEqual(
      stored.map((e) => e.seq),
      [1, ...range(152, 252)],
    );
    const report = stored.at(-1)!;
    assert.equal(report.kind, 'log');
    assert.equal(report.data.level, 'warn');
    assert.equal(report.data.dropped, 150);
    assert.match(String(report.data.message), /150 event\(s\) were dropped/);
  });

  it('bounds events sent before the first welcome too, and reports those drops once connected', async () => {
    const r = reporter({ sessionId: 'early-drops', maxBufferedEvents: 10 });
    for (let i = 0; i < 25; i += 1) r.send('execution:progress', { currentStep: i });
    assert.equal(r.droppedCount, 15);
    assert.equal(r.pendingCount, 10);
    await r.connect();
    await r.flush(5_000);
    const stored = await hub.store.readEvents('early-drops');
    assert.deepEqual(
      stored.slice(0, 10).map((e) => e.data.currentStep),
      range(15, 24),
    );
    assert.equal(stored.length, 11);
    assert.equal(stored[10].kind, 'log');
    assert.equal(stored[10].data.dropped, 15);
  });

  it('refuses a second connect while one is in progress', async () => {
    const r = reporter();
    const first = r.connect();
    await assert.rejects(r.connect(), /already connecting/);
    await first;
  });

  it('delivers control messages for its session when it declared the capability', async () => {
    const received: ControlFrame[] = [];
    const r = reporter({
      sessionId: 'steerable',
      capabilities: ['cancel'],
      onControl: (control) => received.push(control),
    });
    await r.connect();
    assert.equal(hub.sendControl('steerable', 'halt'), false, 'halt was not declared');
    assert.equal(hub.sendControl('steerable', 'cancel'), true);
    await waitFor('the control frame', () => received.length === 1);
    assert.equal(received[0].command, 'cancel');
    assert.equal(received[0].sessionId, 'steerable');
    assert.ok(received[0].id.length > 0);
  });

  it('follows a restarted hub through relocate (new port, new token)', async () => {
    const r = reporter({ sessionId: 'relocated', relocate: () => ({ url: hub.url, token: hub.token }) });
    await r.connect();
    r.send('log', { message: 'before restart' });
    await r.flush(5_000);
    await hub.dispose();
    hub = await hubWith(); // same journal: the session is reloaded with lastSeq 1
    await waitFor('the reporter to reconnect to the new hub', () => r.state === 'connected' && r.hubUrl === hub.url);
    assert.equal(r.send('log', { message: 'after restart' }), 2);
    await r.flush(5_000);
    assert.deepEqual(
      (await hub.store.readEvents('relocated')).map((e) => e.data.message),
      ['before restart', 'after restart'],
    );
  });

  it('refuses invalid events at send() with a reason', async () => {
    const r = reporter();
    assert.throws(
      () => r.send('skill:started', { stepIndex: 1 }),
      (error: unknown) => error instanceof InvalidEventError && /skillName/.test(error.message),
    );
    assert.throws(() => r.send('bad kind with spaces', {}), InvalidEventError);
    assert.throws(() => r.send('log', { message: 'x'.repeat(2 * 1024 * 1024) }), InvalidEventError);
    assert.throws(() => r.send('log', { message: 'x' }, { ts: 'yesterday' }), /not an ISO 8601 timestamp/);
    assert.throws(() => r.send('custom:kind', [] as unknown as Record<string, unknown>), /must be an object/);
    assert.throws(
      () => new Reporter({ url: hub.url, token: hub.token, sessionId: 'no spaces allowed' }),
      InvalidEventError,
    );
    assert.equal(r.pendingCount, 0);
  });

  it('classifies connection failures: wrong token is refused, a closed port is unreachable', async () => {
    await assert.rejects(
      probeHub({ url: hub.url, token: 'wrong' }),
      (error: unknown) => error instanceof HubConnectionError && error.reason === 'refused' && error.httpStatus === 401,
    );
    const relay = await startRelay(hub.port);
    const closedUrl = relay.url;
    await relay.close();
    await assert.rejects(
      reporter({ url: closedUrl }).connect(),
      (error: unknown) => error instanceof HubConnectionError && error.reason === 'unreachable',
    );
    const welcome = await probeHub({ url: hub.url, token: hub.token });
    assert.equal(welcome.hub.version, 'test-hub');
    assert.equal(hub.store.list().length, 0, 'a probe creates no session');
  });
});
