// The hub's ws endpoint over real loopback sockets: handshake, refusals, limits, bad frames,
// dedupe, subscribers and control.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { CloseCode } from '../../src/protocol/wire';
import { event, Fixture, rawUpgrade, refusalStatus, TestClient, waitFor } from './hub-support';

describe('hub server', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = new Fixture();
  });
  afterEach(async () => {
    await fx.dispose();
  });

  describe('handshake', () => {
    it('answers hello with welcome and lastSeq 0 for a new session, the stored lastSeq for a known one', async () => {
      const hub = await fx.hub();
      const first = await fx.client(hub);
      first.hello({ sessionId: 's1' });
      const welcome = await first.welcome();
      assert.equal(welcome.protocol, 1);
      assert.deepEqual(welcome.hub, { version: 'test' });
      assert.equal(welcome.sessionId, 's1');
      assert.equal(welcome.lastSeq, 0);
      first.send({ type: 'events', events: [event('s1', 1), event('s1', 2), event('s1', 3)] });
      await first.acked('s1', 3);

      const second = await fx.client(hub);
      second.hello({ sessionId: 's1' });
      assert.equal((await second.welcome()).lastSeq, 3);
      assert.ok(fx.log.has('info', /connection #\d+ from 127\.0\.0\.1/));
      assert.ok(fx.log.has('info', /hello from test 1 pid \d+ as reporter for session s1/));
    });

    it('accepts Host localhost:<port> as well as 127.0.0.1:<port>', async () => {
      const hub = await fx.hub();
      const client = await fx.client(hub, { headers: { host: `localhost:${hub.port}` } });
      client.hello();
      assert.equal((await client.welcome()).type, 'welcome');
    });

    it('answers a frame before hello with hello_required and keeps the connection', async () => {
      const hub = await fx.hub();
      const client = await fx.client(hub);
      client.send({ type: 'event', ...event('s1', 1) });
      const error = await client.next((f) => f.type === 'error', 'error');
      assert.equal(error.code, 'hello_required');
      client.hello({ sessionId: 's1' });
      assert.equal((await client.welcome()).lastSeq, 0);
      assert.equal(hub.store.get('s1'), undefined, 'the event before hello was not stored');
    });

    it('names a protocol version mismatch and refuses a second hello', async () => {
      const hub = await fx.hub();
      const client = await fx.client(hub);
      client.send({ type: 'hello', protocol: 2, role: 'reporter', client: { name: 'x', version: '1', pid: 1 } });
      await client.next((f) => f.type === 'error' && f.code === 'protocol_version', 'protocol_version error');
      client.hello();
      await client.welcome();
      client.hello();
      await client.next((f) => f.type === 'error' && f.code === 'hello_repeated', 'hello_repeated error');
    });

    it('closes a connection without hello after the deadline with 4001', async () => {
      const hub = await fx.hub({ limits: { helloDeadlineMs: 100 } });
      const client = await fx.client(hub);
      const closed = await client.closed;
      assert.equal(closed.code, CloseCode.helloTimeout);
      assert.ok(fx.log.has('warn', /no hello within 100 ms/));
    });
  });

  describe('refusals', () => {
    it('refuses no token and a wrong token with 401, Origin and a foreign Host with 403, and logs each reason', async () => {
      const hub = await fx.hub();
      assert.equal(await refusalStatus(hub.url, {}), 401);
      assert.ok(fx.log.has('warn', /HTTP 401, no Authorization: Bearer token/));
      assert.equal(
        await refusalStatus(hub.url, { token: hub.token.slice(0, -1) + (hub.token.endsWith('A') ? 'B' : 'A') }),
        401,
      );
      assert.ok(fx.log.has('warn', /HTTP 401, wrong token/));
      assert.equal(await refusalStatus(hub.url, { token: 'short' }), 401);
      assert.equal(await refusalStatus(hub.url, { token: hub.token, headers: { origin: 'http://evil.example' } }), 403);
      assert.ok(fx.log.has('warn', /HTTP 403, Origin header present/));
      assert.equal(
        await refusalStatus(hub.url, { token: hub.token, headers: { origin: `http://127.0.0.1:${hub.port}` } }),
        403,
      );
      assert.equal(
        await refusalStatus(hub.url, { token: hub.token, headers: { host: `evil.example:${hub.port}` } }),
        403,
      );
      assert.equal(await refusalStatus(hub.url, { token: hub.token, headers: { host: '127.0.0.1:1' } }), 403);
      assert.ok(fx.log.has('warn', /HTTP 403, Host "evil\.example:\d+" is not/));
      assert.equal(hub.status().clients, 0);
    });

    it('answers a plain HTTP request with 426 and no data', async () => {
      const hub = await fx.hub();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: hub.port, path: '/' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
        req.end();
      });
      assert.equal(status, 426);
    });

    it('refuses connections beyond the limit with 503', async () => {
      const hub = await fx.hub({ limits: { maxConnections: 2 } });
      await fx.client(hub);
      await fx.client(hub);
      assert.equal(await refusalStatus(hub.url, { token: hub.token }), 503);
      assert.ok(fx.log.has('warn', /connection limit 2 reached/));
    });

    it('does not let malformed handshakes use up the connection limit', async () => {
      const hub = await fx.hub({ limits: { maxConnections: 2 } });
      for (let i = 0; i < 5; i++) {
        const status = await rawUpgrade(hub.port, {
          host: `127.0.0.1:${hub.port}`,
          authorization: `Bearer ${hub.token}`,
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          // no Sec-WebSocket-Key: ws refuses the handshake itself
        });
        assert.equal(status, 400);
      }
      const client = await fx.client(hub);
      client.hello();
      await client.welcome();
    });
  });

  describe('bad frames', () => {
    it('answers not-JSON, wrong schema, bad event data and oversized frames while another client keeps working', async () => {
      const hub = await fx.hub({ limits: { maxPayload: 64 * 1024 } });
      const good = await fx.client(hub);
      good.hello({ sessionId: 'good' });
      await good.welcome();
      const bad = await fx.client(hub);
      bad.hello({ sessionId: 'bad' });
      await bad.welcome();

      bad.send('{not json');
      assert.equal((await bad.next((f) => f.type === 'error' && f.code === 'bad_json', 'bad_json')).type, 'error');
      bad.send({ type: 'event', sessionId: 'bad', seq: 0, ts: 'yesterday', kind: 'log', data: {} });
      const schema = await bad.next((f) => f.type === 'error' && f.code === 'bad_frame', 'bad_frame');
      assert.match(schema.message as string, /seq|ts/);
      assert.equal(schema.seq, 0, 'the seq is echoed when it can be read');
      bad.send({ type: 'events', events: [event('bad', 1, 'skill:started', { skillName: 42 }), event('bad', 2)] });
      const data = await bad.next((f) => f.type === 'error' && f.code === 'bad_event_data', 'bad_event_data');
      assert.equal(data.seq, 1);
      await bad.acked('bad', 2);
      assert.deepEqual(
        (await hub.store.readEvents('bad')).map((e) => e.seq),
        [2],
        'the valid event of the batch was stored, the bad one not',
      );

      good.send({ type: 'event', ...event('good', 1) });
      await good.acked('good', 1);

      bad.send({ type: 'event', ...event('bad', 3, 'log', { message: 'x'.repeat(65 * 1024) }) });
      const closed = await bad.closed;
      assert.equal(closed.code, CloseCode.frameTooLarge);
      assert.ok(fx.log.has('warn', /frame larger than 65536 bytes/));

      good.send({ type: 'event', ...event('good', 2) });
      await good.acked('good', 2);
      assert.equal(hub.store.get('good')?.eventCount, 2);
    });

    it('refuses events from a subscriber', async () => {
      const hub = await fx.hub();
      const sub = await fx.client(hub);
      sub.hello({ role: 'subscriber' });
      await sub.welcome();
      sub.send({ type: 'event', ...event('s', 1) });
      await sub.next((f) => f.type === 'error' && f.code === 'not_a_reporter', 'not_a_reporter');
      assert.equal(hub.store.get('s'), undefined);
    });

    it('closes a flooding client with 4008 and keeps serving the others', async () => {
      const hub = await fx.hub({ limits: { framesPerSecond: 50, burstFrames: 50 } });
      const calm = await fx.client(hub);
      calm.hello({ sessionId: 'calm' });
      await calm.welcome();
      const flooder = await fx.client(hub);
      flooder.hello({ sessionId: 'flood' });
      await flooder.welcome();
      for (let seq = 1; seq <= 2_000; seq++) flooder.send({ type: 'event', ...event('flood', seq) });
      const closed = await flooder.closed;
      assert.equal(closed.code, CloseCode.flood);
      assert.match(closed.reason, /flood/);
      assert.ok(fx.log.has('warn', /with 4008: flood/));
      assert.ok((hub.store.get('flood')?.eventCount ?? 0) < 2_000, 'the flood was cut off');

      calm.send({ type: 'event', ...event('calm', 1) });
      await calm.acked('calm', 1);
      assert.equal(hub.store.get('calm')?.eventCount, 1);
    });

    it('closes a peer that does not read its replies once its unread data passes the bound', async () => {
      const hub = await fx.hub({ limits: { maxBufferedBytes: 256 * 1024, closeGraceMs: 100 } });
      const client = await fx.client(hub);
      client.hello();
      await client.welcome();
      // Stop reading: the error replies pile up on the hub's side of the socket.
      (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      // Each of these small frames earns a ~1 KB bad_frame reply (one issue per missing field).
      const invalidBatch = JSON.stringify({ type: 'events', events: Array.from({ length: 3 }, () => ({})) });
      for (let i = 0; i < 20_000; i++) client.send(invalidBatch);
      await waitFor(
        () => fx.log.has('warn', /with 4008: peer is not reading/),
        'the hub to close the non-reading peer',
        10_000,
      );
      await waitFor(() => hub.status().clients === 0, 'the connection to be gone', 10_000);
    });
  });

  describe('events', () => {
    it('drops duplicate seqs but acknowledges them', async () => {
      const hub = await fx.hub();
      const client = await fx.client(hub);
      client.hello({ sessionId: 'd' });
      await client.welcome();
      client.send({ type: 'events', events: [event('d', 1), event('d', 2)] });
      await client.acked('d', 2);
      for (const duplicate of [
        { type: 'events', events: [event('d', 1), event('d', 2)] },
        { type: 'event', ...event('d', 2) },
      ]) {
        const acksBefore = client.frames.filter((f) => f.type === 'ack').length;
        client.send(duplicate);
        await waitFor(
          () => client.frames.filter((f) => f.type === 'ack').length > acksBefore,
          'an ack for the duplicate',
        );
        assert.equal(client.frames.filter((f) => f.type === 'ack').at(-1)?.seq, 2);
      }
      assert.deepEqual(
        (await hub.store.readEvents('d')).map((e) => e.seq),
        [1, 2],
      );
      assert.equal(hub.store.get('d')?.eventCount, 2);
    });

    it('stores unknown kinds with a valid envelope and acks per session in a mixed batch', async () => {
      const hub = await fx.hub();
      const client = await fx.client(hub);
      client.hello();
      await client.welcome();
      client.send({ type: 'events', events: [event('a', 1, 'future:thing', { x: 1 }), event('b', 5)] });
      await client.acked('a', 1);
      await client.acked('b', 5);
      assert.equal((await hub.store.readEvents('a'))[0].kind, 'future:thing');
      assert.equal(hub.store.get('a')?.reporterConnected, true);
    });
  });

  describe('subscribers', () => {
    it('a late subscriber gets the full replay in chunks of 500, then live events', async () => {
      const hub = await fx.hub();
      const reporter = await fx.client(hub);
      reporter.hello();
      await reporter.welcome();
      const batch = Array.from({ length: 1_200 }, (_, i) => event('r1', i + 1));
      reporter.send({ type: 'events', events: batch });
      reporter.send({ type: 'events', events: [event('r2', 1), event('r2', 2)] });
      await reporter.acked('r1', 1_200);
      await reporter.acked('r2', 2);

      const sub = await fx.client(hub);
      sub.hello({ role: 'subscriber' });
      const stored = () =>
        sub.frames.filter((f) => f.type === 'stored').flatMap((f) => f.events as { sessionId: string; seq: number }[]);
      await waitFor(() => stored().length === 1_202, 'the replay');
      assert.equal(sub.frames[0].type, 'welcome');
      assert.ok(sub.frames.filter((f) => f.type === 'stored').every((f) => (f.events as unknown[]).length <= 500));
      assert.deepEqual(
        stored()
          .filter((e) => e.sessionId === 'r1')
          .map((e) => e.seq),
        batch.map((e) => e.seq),
      );

      reporter.send({ type: 'event', ...event('r2', 3) });
      await waitFor(() => stored().length === 1_203, 'the live event');
      assert.deepEqual(stored().at(-1), event('r2', 3));
    });

    it('pauses the feed for a subscriber that stops reading, keeps serving the reporter, and resumes in order', async () => {
      // Without the pause, the unread data would pass maxBufferedBytes and the subscriber would be cut.
      const hub = await fx.hub({
        limits: { subscriberHighWaterBytes: 64 * 1024, maxBufferedBytes: 1024 * 1024, storedChunkEvents: 50 },
      });
      const sub = await fx.client(hub);
      sub.hello({ role: 'subscriber' });
      await sub.welcome();
      const raw = (sub.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause();
      const reporter = await fx.client(hub);
      reporter.hello();
      await reporter.welcome();
      const total = 6_000;
      const padding = 'p'.repeat(2_000); // ~12 MB in all: far more than the socket buffers hold
      for (let from = 1; from <= total; from += 500) {
        reporter.send({
          type: 'events',
          events: Array.from({ length: 500 }, (_, i) => event('bp', from + i, 'log', { message: padding })),
        });
      }
      await reporter.acked('bp', total); // the paused subscriber does not hold the reporter up
      raw.resume();
      const seqs = () =>
        sub.frames.filter((f) => f.type === 'stored').flatMap((f) => (f.events as { seq: number }[]).map((e) => e.seq));
      await waitFor(() => seqs().length >= total, 'the subscriber to catch up', 15_000);
      assert.deepEqual(
        seqs(),
        Array.from({ length: total }, (_, i) => i + 1),
      );
      assert.equal(hub.status().clients, 2, 'nobody was closed');
    });

    it('a subscriber scoped to one session sees only that session', async () => {
      const hub = await fx.hub();
      const reporter = await fx.client(hub);
      reporter.hello();
      await reporter.welcome();
      reporter.send({ type: 'events', events: [event('x', 1), event('y', 1)] });
      await reporter.acked('y', 1);
      const sub = await fx.client(hub);
      sub.hello({ role: 'subscriber', sessionId: 'y' });
      assert.equal((await sub.welcome()).lastSeq, 1);
      reporter.send({ type: 'events', events: [event('x', 2), event('y', 2)] });
      const stored = () =>
        sub.frames.filter((f) => f.type === 'stored').flatMap((f) => f.events as { sessionId: string; seq: number }[]);
      await waitFor(() => stored().length === 2, 'y events');
      assert.deepEqual(
        stored().map((e) => `${e.sessionId}:${e.seq}`),
        ['y:1', 'y:2'],
      );
    });
  });

  describe('reporter lifecycle', () => {
    it('marks the session lost when its reporter socket dies without a final event, not when it finished', async () => {
      const hub = await fx.hub({ lostGraceMs: 50 });
      const dying = await fx.client(hub);
      dying.hello({ sessionId: 'dies' });
      await dying.welcome();
      dying.send({ type: 'event', ...event('dies', 1, 'execution:started') });
      await dying.acked('dies', 1);
      const finishing = await fx.client(hub);
      finishing.hello({ sessionId: 'ends' });
      await finishing.welcome();
      finishing.send({
        type: 'events',
        events: [event('ends', 1, 'execution:started'), event('ends', 2, 'execution:completed')],
      });
      await finishing.acked('ends', 2);
      assert.equal(hub.store.get('dies')?.reporterConnected, true);
      dying.terminate();
      finishing.socket.close();
      await waitFor(() => hub.store.get('dies')?.state === 'lost', 'dies to be lost');
      assert.equal(hub.store.get('ends')?.state, 'completed');
      assert.equal(hub.store.get('ends')?.reporterConnected, false);
      assert.ok(fx.log.has('info', /connection #\d+ closed/));
    });

    it('gives a reporter that closed with 4100 (more reports may follow) the long grace, not the short one', async () => {
      const hub = await fx.hub({ lostGraceMs: 50, pausedGraceMs: 400 });
      const report = async (sessionId: string) => {
        const client = await fx.client(hub);
        client.hello({ sessionId });
        await client.welcome();
        client.send({ type: 'event', ...event(sessionId, 1, 'execution:started') });
        await client.acked(sessionId, 1);
        return client;
      };
      const paused = await report('paused');
      paused.socket.close(CloseCode.reporterPaused, 'more reports may follow');
      await paused.closed;
      // Closed after the paused one: with the same grace it would go lost after it, not before.
      const plain = await report('plain');
      plain.socket.close(1000, 'done');
      await waitFor(() => hub.store.get('plain')?.state === 'lost', 'the normally closed session to be lost');
      assert.equal(hub.store.get('paused')?.state, 'running', 'still within the long grace');
      assert.equal(hub.store.get('paused')?.reporterConnected, false);
      await waitFor(
        () => hub.store.get('paused')?.state === 'lost',
        'the paused session to be lost after the long grace',
      );
    });
  });

  describe('control', () => {
    it('sends control only to connected reporters of the session that declared the capability', async () => {
      const hub = await fx.hub();
      const capable = await fx.client(hub);
      capable.hello({ sessionId: 'c', capabilities: ['halt', 'cancel'] });
      await capable.welcome();
      capable.send({ type: 'event', ...event('c', 1, 'execution:started', { task: 't' }) });
      await capable.acked('c', 1);
      const plain = await fx.client(hub);
      plain.hello({ sessionId: 'c' });
      await plain.welcome();
      const other = await fx.client(hub);
      other.hello({ sessionId: 'other', capabilities: ['halt'] });
      await other.welcome();

      assert.deepEqual(hub.store.get('c')?.capabilities, ['halt', 'cancel']);
      assert.equal(hub.sendControl('c', 'halt'), true);
      const control = await capable.next((f) => f.type === 'control', 'control');
      assert.equal(control.sessionId, 'c');
      assert.equal(control.command, 'halt');
      assert.equal(typeof control.id, 'string');
      assert.equal(hub.sendControl('c', 'resume'), false, 'nobody declared resume');
      assert.equal(hub.sendControl('nobody', 'halt'), false);
      // Frames on one socket arrive in order: once these acks are in, any control would have been too.
      plain.send({ type: 'event', ...event('c', 2) });
      await plain.acked('c', 2);
      other.send({ type: 'event', ...event('other', 1) });
      await other.acked('other', 1);
      assert.equal(
        plain.frames.some((f) => f.type === 'control'),
        false,
      );
      assert.equal(
        other.frames.some((f) => f.type === 'control'),
        false,
      );

      capable.terminate();
      await waitFor(
        () => hub.store.get('c')?.reporterConnected === true && hub.store.get('c')?.capabilities.length === 0,
        'capabilities to drop',
      );
      assert.equal(hub.sendControl('c', 'halt'), false, 'the capable reporter is gone');
    });
  });

  describe('status and dispose', () => {
    it('counts clients, reports legacy disabled, closes clients with 1001 on dispose and is idempotent', async () => {
      const hub = await fx.hub({ legacy: { enabled: false, port: 8000 } });
      const seen: number[] = [];
      hub.onStatusChange((s) => seen.push(s.clients));
      const client = await fx.client(hub);
      await waitFor(() => hub.status().clients === 1, 'client count 1');
      const status = hub.status();
      assert.equal(status.state, 'running');
      assert.equal(status.url, hub.url);
      assert.deepEqual(status.legacy, { state: 'disabled', port: 8000 });
      assert.ok(seen.includes(1));
      await Promise.all([hub.dispose(), hub.dispose()]);
      assert.equal((await client.closed).code, CloseCode.shuttingDown);
      assert.equal(hub.status().state, 'stopped');
      await hub.dispose();
      await assert.rejects(TestClient.connect(hub.url, { token: hub.token }));
    });
  });
});
