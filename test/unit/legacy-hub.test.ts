// The legacy endpoint inside the real hub: startHub starts it, its sessions go through the same
// store and journal as native ones, and a legacy run and a native run at the same time stay apart.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startHub, type Hub } from '../../src/hub/hub';
import { journalFileName } from '../../src/hub/journal';
import { localTimestampToIso } from '../../src/protocol/legacy';
import { EventEnvelope, parseHubFrame, PROTOCOL_VERSION, type HubFrame } from '../../src/protocol/wire';
import { loadLegacyRun, withSessionId } from '../fixtures/legacy';
import { connectLikeCli, recordingLogger, replay, waitFor, type RecordingLogger } from './legacy-helpers';

const NATIVE_SESSION = 'native_20251116_153400_deadbeef';

/** A minimal native reporter on a raw ws: hello, then frames; collects what the hub answers. */
async function nativeReporter(hub: Hub, sessionId: string): Promise<{ ws: WebSocket; frames: HubFrame[] }> {
  const ws = new WebSocket(hub.url, { headers: { Authorization: `Bearer ${hub.token}` } });
  const frames: HubFrame[] = [];
  ws.on('message', (data) => {
    const parsed = parseHubFrame(String(data));
    if (parsed.ok) frames.push(parsed.value);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(
    JSON.stringify({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      role: 'reporter',
      client: { name: 'test-native', version: '1.0.0', pid: process.pid },
      sessionId,
      capabilities: ['halt', 'resume'],
    }),
  );
  await waitFor('welcome', () => frames.some((f) => f.type === 'welcome'));
  return { ws, frames };
}

function nativeEvent(seq: number, kind: string, data: Record<string, unknown>): EventEnvelope {
  return {
    sessionId: NATIVE_SESSION,
    seq,
    ts: new Date(Date.UTC(2025, 10, 16, 15, 34, seq)).toISOString(),
    kind,
    data,
  };
}

describe('legacy endpoint inside the hub', () => {
  let hub: Hub | undefined;
  let journalDir: string | undefined;
  let log: RecordingLogger;
  const closers: Array<() => void> = [];

  beforeEach(() => {
    log = recordingLogger();
    journalDir = mkdtempSync(join(tmpdir(), 'shannon-legacy-hub-'));
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await hub?.dispose();
    hub = undefined;
    if (journalDir) rmSync(journalDir, { recursive: true, force: true });
  });

  it('startHub starts it when legacy.enabled and reports it in status()', async () => {
    hub = await startHub({ port: 0, legacy: { enabled: true, port: 0 }, log, journalDir });
    const legacy = hub.status().legacy;
    assert.equal(legacy.state, 'listening');
    assert.ok(legacy.port > 0);
    assert.match(legacy.message ?? '', new RegExp(`http://localhost:${legacy.port}`));
  });

  it('is off when legacy is not enabled', async () => {
    hub = await startHub({ port: 0, log });
    assert.equal(hub.status().legacy.state, 'disabled');
  });

  it('a busy legacy port leaves the hub running and says so in status()', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => blocker.close());
    const busy = (blocker.address() as { port: number }).port;
    hub = await startHub({ port: 0, legacy: { enabled: true, port: busy }, log });
    assert.equal(hub.status().state, 'running');
    const legacy = hub.status().legacy;
    assert.equal(legacy.state, 'port-in-use');
    assert.equal(legacy.port, busy);
    // The blocker is this test process: on Linux /proc names it; elsewhere the holder is unknown.
    if (process.platform === 'linux') assert.equal(legacy.holder?.pid, process.pid);
    assert.match(legacy.message ?? '', new RegExp(`Port ${busy} is held by another program`));
    assert.ok(log.lines.some((line) => line.startsWith(`warn legacy port: Port ${busy} is held by another program`)));
  });

  it('a legacy run and a native run at the same time stay separate, in the store and the journal', async () => {
    hub = await startHub({ port: 0, legacy: { enabled: true, port: 0 }, log, journalDir, lostGraceMs: 60 });
    const legacyRun = withSessionId(loadLegacyRun('orchestrator-run'), 'do_20251116_153316_856369b4');
    const cli = await connectLikeCli(hub.status().legacy.port, 'polling-first');
    closers.push(() => cli.close());
    const native = await nativeReporter(hub, NATIVE_SESSION);
    closers.push(() => native.ws.terminate());

    const nativeEvents = [
      nativeEvent(1, 'execution:started', { task: 'Native task', stepsTotal: 2 }),
      nativeEvent(2, 'skill:started', { skillName: 'plan', stepIndex: 0 }),
      nativeEvent(3, 'skill:completed', { skillName: 'plan', stepIndex: 0, durationMs: 15 }),
      nativeEvent(4, 'file:changed', { path: 'native.txt', operation: 'Write' }),
    ];
    // Interleave: half the legacy run, the native events, the rest of the legacy run.
    const half = Math.floor(legacyRun.events.length / 2);
    replay(cli, legacyRun.events.slice(0, half));
    native.ws.send(JSON.stringify({ type: 'events', events: nativeEvents }));
    replay(cli, legacyRun.events.slice(half));

    const store = hub.store;
    const legacySummary = await waitFor('legacy session complete', () => {
      const s = store.get(legacyRun.sessionId);
      return s?.state === 'completed' && s.eventCount === legacyRun.events.length ? s : undefined;
    });
    const nativeSummary = await waitFor('native events in', () => {
      const s = store.get(NATIVE_SESSION);
      return s?.eventCount === nativeEvents.length ? s : undefined;
    });

    assert.equal(legacySummary.source, 'legacy');
    assert.equal(legacySummary.unauthenticated, true);
    assert.deepEqual(legacySummary.capabilities, []);
    assert.equal(legacySummary.task, 'Rename the config loader and update its callers');
    assert.deepEqual(
      legacySummary.skills.map((s) => s.durationMs),
      [420, 1250, 2300],
    );
    assert.deepEqual(legacySummary.filesChanged, ['app/settings_loader.py', 'app/main.py']);
    assert.equal(legacySummary.checkpoints[0]?.id, '9b1c6f0e-58a4-4d6b-9a57-2f0c3e8d7a41');

    assert.equal(nativeSummary.source, 'native');
    assert.equal(nativeSummary.unauthenticated, false);
    assert.deepEqual(nativeSummary.capabilities, ['halt', 'resume']);
    assert.equal(nativeSummary.task, 'Native task');
    assert.deepEqual(nativeSummary.filesChanged, ['native.txt']);
    assert.deepEqual(
      nativeSummary.skills.map((s) => s.name),
      ['plan'],
    );

    // Nothing leaked across: each session holds only its own events, numbered from 1.
    assert.ok((await store.readEvents(legacyRun.sessionId)).every((e) => e.sessionId === legacyRun.sessionId));
    assert.deepEqual(
      (await store.readEvents(NATIVE_SESSION)).map((e) => e.seq),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      (await store.readEvents(legacyRun.sessionId)).map((e) => e.seq),
      legacyRun.events.map((_, i) => i + 1),
    );

    // Steering reaches only the native reporter; a legacy session can never be controlled.
    assert.equal(hub.sendControl(legacyRun.sessionId, 'halt'), false);
    assert.equal(hub.sendControl(NATIVE_SESSION, 'halt'), true);
    await waitFor('control frame at the native reporter', () => native.frames.some((f) => f.type === 'control'));

    // Both go through the same journal.
    const legacyEvents = await store.readEvents(legacyRun.sessionId);
    await hub.dispose();
    const header = JSON.parse(
      readFileSync(join(journalDir!, journalFileName(legacyRun.sessionId)), 'utf8').split('\n')[0],
    ) as { sessionId: string; source: string };
    assert.deepEqual(header, { shannonJournal: 1, sessionId: legacyRun.sessionId, source: 'legacy' });
    const lines = readFileSync(join(journalDir!, journalFileName(legacyRun.sessionId)), 'utf8')
      .trim()
      .split('\n')
      .slice(1); // the header line;
    const journaled = lines.map((line) => EventEnvelope.parse(JSON.parse(line)));
    assert.deepEqual(journaled, legacyEvents);
    assert.equal(journaled[0].ts, localTimestampToIso(String(legacyRun.events[0].timestamp)));
    const nativeLines = readFileSync(join(journalDir!, journalFileName(NATIVE_SESSION)), 'utf8')
      .trim()
      .split('\n')
      .slice(1); // the header line;
    assert.equal(nativeLines.length, nativeEvents.length);
  });

  it('refuses legacy events that claim a session owned by an authenticated native reporter', async () => {
    hub = await startHub({ port: 0, legacy: { enabled: true, port: 0 }, log });
    const native = await nativeReporter(hub, NATIVE_SESSION);
    closers.push(() => native.ws.terminate());
    native.ws.send(JSON.stringify({ type: 'event', ...nativeEvent(1, 'execution:started', { task: 'trusted' }) }));
    await waitFor('native running', () => hub!.store.get(NATIVE_SESSION)?.state === 'running');

    const cli = await connectLikeCli(hub.status().legacy.port, 'websocket-only');
    closers.push(() => cli.close());
    cli.emit('cli_event', {
      session_id: NATIVE_SESSION,
      event_type: 'execution:completed',
      data: { success: false, error: 'injected' },
    });
    await waitFor('the refusal in the log', () =>
      log.lines.some((l) =>
        l.includes(
          `execution:failed for ${NATIVE_SESSION}: that session is reported over the authenticated native protocol`,
        ),
      ),
    );

    const summary = hub.store.get(NATIVE_SESSION)!;
    assert.equal(summary.state, 'running');
    assert.equal(summary.eventCount, 1);
    assert.equal(summary.error, undefined);
  });

  it('tells status listeners about refused requests and ignored payloads, coalesced', async () => {
    hub = await startHub({ port: 0, legacy: { enabled: true, port: 0 }, log });
    const heard: string[] = [];
    hub.onStatusChange((status) => heard.push(status.legacy.message ?? ''));
    const port = hub.status().legacy.port;
    // 20 refused requests at once (an Origin header), then one payload that cannot be used.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`, {
          headers: { Origin: 'http://evil.example' },
        }).then((r) => r.status),
      ),
    );
    assert.deepEqual(new Set(statuses), new Set([403]));
    await waitFor('the refusals to reach the listeners', () => heard.some((m) => m.includes('20 request(s) refused')));
    // Coalesced: a handful of notifications (one per 250 ms window), not one per request.
    assert.ok(heard.length <= 4, `expected the 20 refusals coalesced, got ${heard.length} notifications`);

    const cli = await connectLikeCli(port, 'websocket-only');
    closers.push(() => cli.close());
    cli.emit('cli_event', { event_type: 'log', data: { message: 'no session id' } });
    await waitFor('the ignored payload to reach the listeners', () =>
      heard.some((m) => m.includes('1 cli_event payload(s) ignored')),
    );
    assert.equal(hub.status().legacy.message, heard.at(-1));
  });

  it('a legacy CLI that dies mid-run is lost while a native session is unaffected', async () => {
    hub = await startHub({ port: 0, legacy: { enabled: true, port: 0 }, log, lostGraceMs: 60 });
    const run = loadLegacyRun('current-cli-run');
    const cli = await connectLikeCli(hub.status().legacy.port, 'websocket-only');
    closers.push(() => cli.close());
    const native = await nativeReporter(hub, NATIVE_SESSION);
    closers.push(() => native.ws.terminate());
    native.ws.send(JSON.stringify({ type: 'event', ...nativeEvent(1, 'execution:started', { task: 'stays' }) }));
    replay(cli, run.events.slice(0, 5));
    await waitFor('legacy running', () => hub!.store.get(run.sessionId)?.eventCount === 5);
    await waitFor('native running', () => hub!.store.get(NATIVE_SESSION)?.state === 'running');
    cli.io.engine.close();
    await waitFor('legacy lost', () => hub!.store.get(run.sessionId)?.state === 'lost');
    const nativeSummary = hub.store.get(NATIVE_SESSION)!;
    assert.equal(nativeSummary.state, 'running');
    assert.equal(nativeSummary.reporterConnected, true);
  });
});
