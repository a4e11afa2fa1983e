// Hostile event data: nesting and size bounds at every edge (native frames, the legacy endpoint,
// the store), and the last-resort guard that keeps the hub serving when a callback throws. The
// first test is the attack an adversarial review found: one event nested 6,000 levels deep sent
// through the unauthenticated legacy endpoint ended `shannon-hub serve` as soon as a subscriber
// was connected (a RangeError from JSON.stringify inside a setImmediate).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Socket as ClientSocket } from 'socket.io-client';
import WebSocket from 'ws';
import {
  MAX_EVENT_DATA_CHARS,
  MAX_EVENT_DATA_DEPTH,
  eventDataProblem,
  type DataBounds,
} from '../../src/protocol/bounds';
import { EventEnvelope, parseHubFrame, PROTOCOL_VERSION } from '../../src/protocol/wire';
import { SessionStore } from '../../src/hub/store';
import { startLegacyEndpoint } from '../../src/hub/legacy';
import { connectLikeCli, recordingLogger, waitFor } from './legacy-helpers';
import { event, Fixture } from './hub-support';

const REPO = resolve(__dirname, '../..');

/** `{"a":{"a":...{}}}`, `levels` objects deep counting the outermost; built without recursion. */
function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let i = 1; i < levels; i++) {
    const next: Record<string, unknown> = {};
    current.a = next;
    current = next;
  }
  return root;
}

/** JSON text of `nested(levels)`, made as text: socket.io-client's own encoder recurses and would overflow. */
function nestedJson(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

/**
 * Emit a cli_event whose data is given as JSON text, written as the raw Socket.IO EVENT packet
 * (`2["cli_event",{...}]`) on the client's Engine.IO connection, exactly what an attacker's own
 * client would put on the wire.
 */
function emitRaw(cli: ClientSocket, base: Record<string, unknown>, dataJson: string): void {
  const envelope = JSON.stringify(base).slice(0, -1);
  (cli.io.engine as unknown as { write(message: string): void }).write(
    `2["cli_event",${envelope},"data":${dataJson}}]`,
  );
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', () => done()));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

describe('event data bounds', () => {
  it('measures depth and size without recursion, at the documented limits', () => {
    assert.equal(MAX_EVENT_DATA_DEPTH, 64);
    assert.equal(MAX_EVENT_DATA_CHARS, 256 * 1024);
    assert.equal(eventDataProblem(nested(MAX_EVENT_DATA_DEPTH)), undefined);
    assert.match(eventDataProblem(nested(MAX_EVENT_DATA_DEPTH + 1)) ?? '', /deeper than 64 levels/);
    // Far deeper than any stack: refused, not a RangeError.
    assert.match(eventDataProblem(nested(200_000)) ?? '', /deeper than 64 levels/);
    const arrays: unknown[] = [];
    let inner = arrays;
    for (let i = 0; i < 100; i++) inner.push((inner = []));
    assert.match(eventDataProblem({ list: arrays }) ?? '', /deeper than 64 levels/);

    const small: DataBounds = { maxDepth: 64, maxChars: 100 };
    assert.equal(eventDataProblem({ message: 'x'.repeat(80) }, small), undefined);
    assert.match(eventDataProblem({ message: 'x'.repeat(100) }, small) ?? '', /larger than 100 characters/);
    // The estimate never undercounts the JSON text of what it accepts.
    const sample = { a: [1, 2.5, null, true, false, 'é"'], b: { c: '' }, d: -3e-7 };
    const size = JSON.stringify(sample).length;
    assert.equal(eventDataProblem(sample, { maxDepth: 64, maxChars: size }), undefined);
    assert.match(eventDataProblem({ f: () => 1 }) ?? '', /function/);
    assert.match(eventDataProblem({ n: 10n }) ?? '', /bigint/);
  });
});

describe('hostile events at the native hub', () => {
  let fixture: Fixture;
  beforeEach(() => (fixture = new Fixture()));
  afterEach(() => fixture.dispose());

  it('refuses data nested too deep with bad_event_data, stores nothing, and takes the valid resend', async () => {
    const hub = await fixture.hub();
    const subscriber = await fixture.client(hub);
    subscriber.hello({ role: 'subscriber' });
    await subscriber.welcome();
    const reporter = await fixture.client(hub);
    reporter.hello({ sessionId: 's1' });
    await reporter.welcome();

    reporter.send({ type: 'event', ...event('s1', 1), data: { message: 'start' } });
    await reporter.acked('s1', 1);
    const deep = JSON.stringify({ type: 'event', ...event('s1', 2, 'custom:deep'), data: {} });
    reporter.send(deep.replace('"data":{}', `"data":${nestedJson(6_000)}`));
    const error = await reporter.next((f) => f.type === 'error', 'the refusal');
    assert.equal(error.code, 'bad_event_data');
    assert.equal(error.seq, 2);
    assert.match(String(error.message), /custom:deep seq 2: data nests deeper than 64 levels/);
    assert.equal(hub.store.get('s1')?.lastSeq, 1);
    assert.equal((await hub.store.readEvents('s1')).length, 1);

    // The same seq with acceptable data is new, not a duplicate of the refused one.
    reporter.send({ type: 'event', ...event('s1', 2, 'custom:deep'), data: nested(10) });
    await reporter.acked('s1', 2);
    assert.equal((await hub.store.readEvents('s1')).length, 2);
    await subscriber.next(
      (f) => f.type === 'stored' && (f.events as EventEnvelope[]).some((e) => e.seq === 2),
      'seq 2 at the subscriber',
    );
  });

  it('refuses data over the size bound inside a frame under the frame limit', async () => {
    const hub = await fixture.hub();
    const reporter = await fixture.client(hub);
    reporter.hello();
    await reporter.welcome();
    reporter.send({
      type: 'events',
      events: [event('s2', 1), { ...event('s2', 2, 'custom:big'), data: { blob: 'x'.repeat(300_000) } }],
    });
    const error = await reporter.next((f) => f.type === 'error', 'the refusal');
    assert.equal(error.seq, 2);
    assert.match(String(error.message), /larger than 262144 characters as JSON/);
    await reporter.acked('s2', 1);
    assert.equal(hub.store.get('s2')?.lastSeq, 1);
  });

  it('keeps serving when a timer or socket callback throws: logs it and answers the next peer', async () => {
    const hub = await fixture.hub();
    hub.store.append('s3', 'extension', 'log', { message: 'one' });
    // A bug in the subscriber feed (fault injected into the real store) must not end the hub.
    const events = hub.store.memoryEvents.bind(hub.store);
    let failures = 0;
    hub.store.memoryEvents = (...args) => {
      if (failures++ === 0) throw new Error('injected feed failure');
      return events(...args);
    };
    const subscriber = await fixture.client(hub);
    subscriber.hello({ role: 'subscriber' });
    await subscriber.welcome();
    await waitFor('the failure in the log', () =>
      fixture.log.has('error', /subscriber feed failed \(the hub keeps serving\): Error: injected feed failure/),
    );
    const reporter = await fixture.client(hub);
    reporter.hello({ sessionId: 's3' });
    assert.equal((await reporter.welcome()).lastSeq, 1);
  });
});

describe('hostile events at the legacy endpoint', () => {
  // (Data over the size bound cannot arrive here: a payload over 256 KiB is cut off before parsing.)
  it('ignores a cli_event whose data is nested too deep, before the store sees it', async () => {
    const log = recordingLogger();
    const store = new SessionStore({ log });
    const endpoint = await startLegacyEndpoint({ port: 0, store, log });
    const cli = await connectLikeCli(endpoint.port, 'websocket-only');
    try {
      const base = { session_id: 'legacy_deep', timestamp: '2026-01-01T10:00:00' };
      emitRaw(cli, { ...base, event_type: 'custom:deep' }, nestedJson(6_000));
      await waitFor('the refusal', () => endpoint.counters().malformed === 1);
      assert.equal(store.get('legacy_deep'), undefined);
      assert.ok(log.lines.some((l) => /custom:deep for legacy_deep: data nests deeper than 64 levels/.test(l)));
      cli.emit('cli_event', { ...base, event_type: 'execution:started', data: { task: 'fine' } });
      await waitFor('the valid event', () => store.get('legacy_deep')?.lastSeq === 1);
    } finally {
      cli.close();
      await endpoint.close();
      store.dispose();
    }
  });

  it('the store itself refuses such data before storing anything', () => {
    const store = new SessionStore();
    assert.throws(() => store.append('s4', 'extension', 'custom:deep', nested(100)), /refused: data nests deeper/);
    assert.equal(store.get('s4'), undefined);
  });
});

describe('shannon-hub serve against a 6,000-level cli_event', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the event, keeps running, and still forwards the next one to the subscriber', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shannon-hostile-serve-'));
    const legacyPort = await freePort();
    const serve = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/reporter/cli.ts', 'serve', '--legacy-port', String(legacyPort), '--journal', dir],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = serve;
    let stdout = '';
    let stderr = '';
    serve.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    serve.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const address = await waitFor(
      'the address line',
      () => (stdout.includes('\n') ? (JSON.parse(stdout.split('\n')[0]) as { url: string; token: string }) : undefined),
      20_000,
    );
    await waitFor('the legacy endpoint', () => stderr.includes('legacy endpoint listening'), 15_000);

    const subscriber = new WebSocket(address.url, { headers: { Authorization: `Bearer ${address.token}` } });
    cleanups.push(() => subscriber.terminate());
    const stored: EventEnvelope[] = [];
    subscriber.on('message', (data) => {
      const frame = parseHubFrame(String(data));
      if (frame.ok && frame.value.type === 'stored') stored.push(...frame.value.events);
    });
    await new Promise<void>((done, fail) => {
      subscriber.once('open', () => done());
      subscriber.once('error', fail);
    });
    subscriber.send(
      JSON.stringify({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        role: 'subscriber',
        client: { name: 'hostile-test', version: '1', pid: process.pid },
      }),
    );

    const cli = await connectLikeCli(legacyPort, 'polling-first');
    cleanups.push(() => cli.close());
    const base = { session_id: 'do_20260101_100000_deadbeef', timestamp: '2026-01-01T10:00:00' };
    emitRaw(cli, { ...base, event_type: 'custom:deep' }, nestedJson(6_000)); // ~36 KB
    cli.emit('cli_event', { ...base, event_type: 'execution:started', data: { task: 'after the attack' } });
    await waitFor(
      'the next event at the subscriber (or the hub to die)',
      () => stored.length > 0 || serve.exitCode !== null || serve.signalCode !== null,
      15_000,
    );
    assert.equal(serve.exitCode, null, `the hub exited; stderr:\n${stderr.slice(-2000)}`);
    assert.deepEqual(
      stored.map((e) => e.kind),
      ['execution:started'],
    );
    assert.match(stderr, /custom:deep for do_20260101_100000_deadbeef: data nests deeper than 64 levels/);
  });
});
