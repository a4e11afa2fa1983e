// Two VS Code windows, one lock folder: the harness (FILE_SETUPS in test/harness/integration.mjs)
// starts window A, a second code-server with its own extension host, whose hub holds the legacy
// port ("always"). This window (B, auto) starts a run with Shannon: Do: the run's CLI, python-
// socketio like today's CLI, reaches A's port, A hands its events to B, and the run shows only
// here. Then A's extension host ends, and B, with a run that needs the port, takes it over.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { WebSocket } from 'ws';
import type { Hub } from '../../src/hub/hub';
import { canConnect, hasPythonSocketIo, terminalWithShellIntegration, writeFakeShannon } from './legacy-support';
import { configure, runningHub, waitFor } from './shannon-do-support';

interface OtherLock {
  pid: number;
  url: string;
  token: string;
  legacyPort?: number;
  workspaceFolders: string[];
}

function otherLock(): { file: string; lock: OtherLock } {
  const file = process.env.SHANNON_TEST_OTHER_LOCK_FILE;
  if (!file) throw new Error('SHANNON_TEST_OTHER_LOCK_FILE is not set (run through the harness)');
  return { file, lock: JSON.parse(readFileSync(file, 'utf8')) as OtherLock };
}

/** Every session id in window A's own store, read as a subscriber of A's hub (its replay). */
function sessionsOfOtherWindow(lock: OtherLock): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const ids = new Set<string>();
    const socket = new WebSocket(lock.url, { headers: { Authorization: `Bearer ${lock.token}` } });
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      socket.close();
      resolve(ids);
    };
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          type: 'hello',
          protocol: 1,
          role: 'subscriber',
          client: { name: 'two-windows test', version: '0', pid: process.pid },
        }),
      ),
    );
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; events?: Array<{ sessionId: string }> };
      for (const event of frame.events ?? []) ids.add(event.sessionId);
      // The replay comes right after the welcome; a second without frames means it is over.
      clearTimeout(quiet);
      quiet = setTimeout(finish, 1000);
    });
    socket.on('error', reject);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

suite('two windows, one lock folder', () => {
  let hub: Hub;
  const terminals: vscode.Terminal[] = [];

  suiteSetup(async () => {
    hub = await runningHub();
  });
  suiteTeardown(() => {
    for (const terminal of terminals.splice(0)) terminal.dispose();
  });

  test('a run started here while the other window holds the port shows only here', async function () {
    if (!hasPythonSocketIo()) {
      if (process.env.CI) throw new Error('python3-socketio and python3-aiohttp are required in CI');
      return this.skip();
    }
    this.timeout(90_000);
    const { file, lock } = otherLock();
    const port = hub.status().legacy.port;
    assert.equal(lock.legacyPort, port, 'window A should hold our legacy port');
    assert.equal(hub.status().legacy.state, 'idle');

    const { script } = writeFakeShannon(port);
    await configure({
      'shannon.cli.path': script,
      'shannon.cli.args': ['do', '${task}', '--dashboard', '--session-id', '${sessionId}'],
    });
    const sessionId = await vscode.commands.executeCommand<string>('shannon.do', { task: 'claimed in B' });
    assert.ok(sessionId, 'Shannon: Do started nothing');
    const legacy = hub.status().legacy;
    assert.equal(legacy.state, 'held-by-window', legacy.message);
    assert.equal(legacy.holder?.lockFile, file);
    assert.match(legacy.message ?? '', /held by another VS Code window's Shannon hub/);

    const done = await waitFor(
      'the run to complete in this window',
      () => {
        const session = hub.store.get(sessionId);
        return session?.state === 'completed' ? session : undefined;
      },
      45_000,
    );
    assert.equal(done.unauthenticated, true);
    assert.ok(done.eventCount >= 3, `only ${done.eventCount} events arrived`);
    const ids = await sessionsOfOtherWindow(lock);
    assert.equal(ids.has(sessionId), false, 'the run also shows in the window that holds the port');
  });

  test('when the window holding the port ends, a run here that needs it takes it over within 2 s', async function () {
    this.timeout(60_000);
    const { lock } = otherLock();
    const port = hub.status().legacy.port;
    const terminal = await terminalWithShellIntegration('needs the port');
    terminals.push(terminal);
    // A Shannon command that keeps running: the port stays needed.
    terminal.sendText(`shannon() { sleep 600; }; shannon do 'waits for the port'`);
    await waitFor('the run to need the port', () => hub.status().legacy.state === 'held-by-window', 20_000);

    process.kill(lock.pid, 'SIGTERM'); // window A's extension host, the process holding the port
    await waitFor('window A to end', () => !isAlive(lock.pid), 20_000);
    const ended = Date.now();
    await waitFor('this window to listen', () => hub.status().legacy.state === 'listening', 10_000);
    const ms = Date.now() - ended;
    console.log(`[two-windows] port taken over ${ms} ms after the holder ended`);
    assert.ok(ms <= 2_000, `took ${ms} ms`);
    assert.equal(await canConnect(port), true);
  });
});
