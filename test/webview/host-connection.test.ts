// The host side of the Monitor conversation (src/vscode/monitor-connection.ts) against a real
// SessionStore: what each webview is sent, in what order and numbering, and what it may ask for.
import assert from 'node:assert/strict';
import { SessionStore } from '../../src/hub/store';
import type { HubStatus } from '../../src/protocol/session';
import type { HostToWebview, WebviewCommand } from '../../src/protocol/webview';
import { MonitorConnection } from '../../src/vscode/monitor-connection';
import { event, hubStatus } from './fixtures';

type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>;
type Delta = Extract<HostToWebview, { type: 'delta' }>;

async function waitFor(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

class FakeHubStatus {
  current: HubStatus = hubStatus();
  private listeners = new Set<(s: HubStatus) => void>();
  status = () => this.current;
  onStatusChange = (listener: (s: HubStatus) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  set(status: HubStatus) {
    this.current = status;
    for (const l of this.listeners) l(status);
  }
}

describe('MonitorConnection (host side, real SessionStore)', () => {
  let store: SessionStore;
  let hub: FakeHubStatus;
  let posted: HostToWebview[];
  let commands: [WebviewCommand, string | undefined][];
  let copied: string[];
  let warnings: string[];
  let connection: MonitorConnection;

  beforeEach(() => {
    store = new SessionStore();
    hub = new FakeHubStatus();
    posted = [];
    commands = [];
    copied = [];
    warnings = [];
    connection = new MonitorConnection(hub, {
      post: (m) => posted.push(m),
      runCommand: (c, id) => commands.push([c, id]),
      copy: (t) => copied.push(t),
      log: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    connection.attachStore(store);
  });

  afterEach(() => {
    connection.dispose();
    store.dispose();
  });

  it('sends nothing before ready, then a snapshot of the active session with all its events', () => {
    store.ingest('native', [
      event(1, 'execution:started', { task: 'T' }, 's1'),
      event(2, 'log', { message: 'a' }, 's1'),
    ]);
    assert.equal(posted.length, 0);
    connection.receive({ type: 'ready' });
    assert.equal(posted.length, 1);
    const snap = posted[0] as Snapshot;
    assert.equal(snap.type, 'snapshot');
    assert.equal(snap.seq, 1);
    assert.equal(snap.session?.id, 's1');
    assert.deepEqual(
      snap.events.map((e) => e.seq),
      [1, 2],
    );
    assert.equal(snap.activeSessionId, 's1');
    assert.equal(snap.hub.url, 'ws://127.0.0.1:41234');
  });

  it('coalesces a burst of store changes into one delta with consecutive seq', async () => {
    store.ingest('native', [event(1, 'execution:started', { task: 'T' }, 's1')]);
    connection.receive({ type: 'ready' });
    for (let seq = 2; seq <= 50; seq++) store.ingest('native', [event(seq, 'log', { message: `m${seq}` }, 's1')]);
    await waitFor(() => posted.some((m) => m.type === 'delta'), 'a delta');
    const deltas = posted.filter((m): m is Delta => m.type === 'delta');
    assert.equal(deltas.length, 1);
    assert.deepEqual(
      deltas[0].events.map((e) => e.seq),
      Array.from({ length: 49 }, (_, i) => i + 2),
    );
    assert.equal(deltas[0].session.lastSeq, 50);
    assert.deepEqual(
      posted.map((m) => m.seq),
      posted.map((_, i) => i + 1),
      'seq numbers without gaps',
    );
  });

  it('switches to a new snapshot when another session becomes active, and lists sessions', async () => {
    store.ingest('native', [
      event(1, 'execution:started', { task: 'first' }, 's1'),
      event(2, 'execution:completed', {}, 's1'),
    ]);
    connection.receive({ type: 'ready' });
    store.createPending('s2', { task: 'second', source: 'extension' });
    await waitFor(() => posted.filter((m) => m.type === 'snapshot').length === 2, 'a second snapshot');
    const snap = posted[posted.length - 1] as Snapshot;
    assert.equal(snap.session?.id, 's2');
    assert.equal(snap.session?.state, 'pending');
    assert.deepEqual(snap.sessions.map((s) => s.id).sort(), ['s1', 's2']);
  });

  it('pins a session (also from ready) and falls back to the active one when it disappears', async () => {
    store.ingest('native', [
      event(1, 'execution:started', { task: 'old' }, 'old'),
      event(2, 'execution:completed', {}, 'old'),
    ]);
    store.ingest('native', [event(1, 'execution:started', { task: 'new' }, 'new')]);
    connection.receive({ type: 'ready', pinnedSessionId: 'old' });
    assert.equal((posted[0] as Snapshot).session?.id, 'old');
    assert.equal((posted[0] as Snapshot).pinnedSessionId, 'old');
    // Events of the active-but-not-shown session produce no delta for this webview.
    store.ingest('native', [event(2, 'log', { message: 'x' }, 'new')]);
    connection.receive({ type: 'pin', sessionId: null });
    const snap = posted[posted.length - 1] as Snapshot;
    assert.equal(snap.session?.id, 'new');
    assert.equal(snap.pinnedSessionId, null);
    assert.equal(posted.filter((m) => m.type === 'delta').length, 0);

    connection.receive({ type: 'ready', pinnedSessionId: 'gone' });
    const fallback = posted[posted.length - 1] as Snapshot;
    assert.equal(fallback.session?.id, 'new');
    assert.equal(fallback.pinnedSessionId, null);
  });

  it('forwards hub status, summary-only changes and requested snapshots', async () => {
    store.createPending('s1', { task: 'T', source: 'extension' });
    connection.receive({ type: 'ready' });
    store.patch('s1', { waitingForCli: true });
    hub.set(hubStatus({ clients: 5 }));
    await waitFor(() => posted.some((m) => m.type === 'hub') && posted.some((m) => m.type === 'delta'), 'hub + delta');
    const d = posted.find((m): m is Delta => m.type === 'delta')!;
    assert.equal(d.session.waitingForCli, true);
    assert.deepEqual(d.events, []);
    assert.equal((posted.find((m) => m.type === 'hub') as Extract<HostToWebview, { type: 'hub' }>).hub.clients, 5);
    const before = posted.length;
    connection.receive({ type: 'requestSnapshot', reason: 'gap' });
    assert.equal(posted.length, before + 1);
    assert.equal(posted[before].type, 'snapshot');
    assert.equal(posted[before].seq, before + 1);
  });

  it('runs commands and copies; logs and ignores invalid messages', () => {
    connection.receive({ type: 'ready' });
    connection.receive({ type: 'command', command: 'halt', sessionId: 's1' });
    connection.receive({ type: 'copy', text: 'abc' });
    connection.receive({ type: 'command', command: 'rm -rf', sessionId: 's1' });
    connection.receive({ type: 'pin', sessionId: '../../etc' });
    connection.receive('not an object');
    // A check's whole output may be copied (16 Mi characters); more is refused.
    connection.receive({ type: 'copy', text: 'x'.repeat(16 * 1024 * 1024 + 1) });
    assert.deepEqual(commands, [['halt', 's1']]);
    assert.deepEqual(copied, ['abc']);
    assert.equal(warnings.length, 4);
    assert.ok(warnings.every((w) => w.startsWith('monitor: ignored an invalid message')));
  });

  it('stops sending while paused and re-syncs with a snapshot on resume', async () => {
    store.ingest('native', [event(1, 'execution:started', { task: 'T' }, 's1')]);
    connection.receive({ type: 'ready' });
    connection.pause();
    store.ingest('native', [event(2, 'log', { message: 'while hidden' }, 's1')]);
    await new Promise((r) => setTimeout(r, 50)); // give a (wrongly) scheduled flush time to show up
    assert.equal(posted.length, 1);
    connection.resume();
    const snap = posted[1] as Snapshot;
    assert.equal(snap.type, 'snapshot');
    assert.deepEqual(
      snap.events.map((e) => e.seq),
      [1, 2],
    );
  });
});
