// shannon.legacy.listen "auto" in a real extension host: nothing listens on the legacy port at
// start-up; a Shannon command typed into an integrated terminal opens it as the command starts
// (shell integration), early enough for a python-socketio client started at that same moment, as
// today's CLI is; the port is free again after the run and the grace period; and a plain HTTP
// server holding the port is named in the status. Needs /usr/bin/python3 with python3-socketio.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Hub } from '../../src/hub/hub';
import type { HubStatus } from '../../src/protocol/session';
import {
  canConnect,
  hasPythonSocketIo,
  shellQuote,
  terminalWithShellIntegration,
  writeFakeShannon,
} from './legacy-support';
import { extensionApi, runningHub, waitFor } from './shannon-do-support';

/** The hub's grace period after a run (LEGACY_GRACE_MS), plus room for a slow machine. */
const GRACE_WAIT_MS = 30_000 + 20_000;

async function hubStatus(): Promise<HubStatus> {
  return (await vscode.commands.executeCommand<HubStatus>('shannon.showHubStatus'))!;
}

suite('legacy port: listen only while a run needs it (auto)', () => {
  let hub: Hub;
  const terminals: vscode.Terminal[] = [];

  suiteSetup(async () => {
    hub = await runningHub();
  });
  teardown(async () => {
    for (const terminal of terminals.splice(0)) terminal.dispose();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  test('at start-up nothing listens on the legacy port', async () => {
    const legacy = hub.status().legacy;
    assert.equal(legacy.mode, 'auto');
    assert.equal(legacy.state, 'idle', legacy.message);
    assert.equal(await canConnect(legacy.port), false, 'the legacy port is open although no run needs it');
    const shown = await hubStatus();
    assert.equal(shown.legacy.state, 'idle');
    assert.match((await extensionApi()).statusBar().tooltip, /idle \\\(waiting for a run\\\)/);
  });

  test("the ports rule: remote.portsAttributes ignores ports opened by this extension host's process", async () => {
    // VS Code matches a non-numeric key as a regular expression against the command line of the
    // process that listens on a newly detected port (read from /proc, as here).
    const attributes = vscode.workspace
      .getConfiguration('remote')
      .get<Record<string, { onAutoForward?: string }>>('portsAttributes');
    const rule = Object.entries(attributes ?? {}).find(([, value]) => value.onAutoForward === 'ignore');
    assert.ok(rule, `no ignore rule in remote.portsAttributes: ${JSON.stringify(attributes)}`);
    const commandLine = readFileSync('/proc/self/cmdline', 'utf8').split('\0').join(' ');
    assert.match(commandLine, new RegExp(rule[0]), "the rule does not match this extension host's command line");
    // A user's server, e.g. Django's, does not match it.
    assert.doesNotMatch('python3 manage.py runserver 8000', new RegExp(rule[0]));
    assert.doesNotMatch('python3 -m http.server 8000', new RegExp(rule[0]));
  });

  test('a python-socketio CLI typed into a terminal reports, and the port is free again after the grace period', async function () {
    if (!hasPythonSocketIo()) {
      if (process.env.CI) throw new Error('python3-socketio and python3-aiohttp are required in CI');
      return this.skip();
    }
    this.timeout(GRACE_WAIT_MS + 60_000);
    const port = hub.status().legacy.port;
    const { binDir } = writeFakeShannon(port);
    const sessionId = 'do_20260101_120000_7e57ab1e';
    const terminal = await terminalWithShellIntegration('typed shannon');
    terminals.push(terminal);
    const api = await extensionApi();
    const latenciesBefore = api.legacyListenLatencies().length;

    // Typed as a user would: the client connects the moment the command starts.
    terminal.sendText(
      `PATH=${shellQuote(binDir)}:"$PATH" shannon do 'typed task' --dashboard --session-id ${sessionId}`,
    );

    const done = await waitFor(
      'the typed run completed in the store',
      () => {
        const session = hub.store.get(sessionId);
        return session?.state === 'completed' ? session : undefined;
      },
      30_000,
    );
    assert.equal(done.source, 'legacy');
    assert.equal(done.unauthenticated, true);
    assert.ok(done.eventCount >= 3, `only ${done.eventCount} events arrived`);
    // The Monitor follows the active session: this run, as the status bar shows.
    await waitFor('the status bar to show the run', () => /completed/.test(api.statusBar().text), 10_000);
    const latencies = api.legacyListenLatencies();
    assert.ok(latencies.length > latenciesBefore, 'the shell-execution start was not seen');
    console.log(`[legacy-port] shell-execution start -> listening: ${latencies.at(-1)!.toFixed(1)} ms`);

    // After the command ended, the port stays open for the grace period, then is given back.
    await waitFor('the port to be released', () => hub.status().legacy.state === 'idle', GRACE_WAIT_MS);
    assert.equal(await canConnect(port), false, 'the legacy port is still open after the grace period');
  });

  test('a plain HTTP server holding the port is named, with what to do', async function () {
    this.timeout(60_000);
    const port = hub.status().legacy.port;
    const server: ChildProcess = spawn(
      process.execPath,
      [
        '-e',
        `require('http').createServer((q, r) => r.end('mine')).listen(${port}, '127.0.0.1', () => console.log('up'))`,
      ],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    try {
      await new Promise((resolve, reject) => {
        server.stdout!.once('data', resolve);
        server.once('exit', (code) => reject(new Error(`the HTTP server exited (${code})`)));
      });
      const terminal = await terminalWithShellIntegration('blocked shannon');
      terminals.push(terminal);
      // A command that never ends by itself: the run needs the port as long as it runs.
      terminal.sendText(`shannon() { sleep 600; }; shannon do 'blocked task'`);
      const legacy = await waitFor(
        'the blocked state',
        () => {
          const status = hub.status().legacy;
          return status.state === 'port-in-use' ? status : undefined;
        },
        20_000,
      );
      assert.equal(legacy.holder?.pid, server.pid);
      assert.match(
        legacy.message ?? '',
        new RegExp(`held by another program: .*createServer.*\\(pid ${server.pid}\\)`),
      );
      assert.match(legacy.message ?? '', /stop that program for the run, or use a CLI that speaks the native protocol/);
      const api = await extensionApi();
      await waitFor(
        'the status bar to say so',
        () => api.statusBar().text === `$(warning) Shannon: port ${port} blocked`,
      );
      assert.match(api.statusBar().tooltip, /blocked by another program/);
      const shown = await hubStatus();
      assert.equal(shown.legacy.state, 'port-in-use');
      assert.equal(server.exitCode, null, 'the holder must never be stopped by us');
    } finally {
      server.kill();
    }
  });
});
