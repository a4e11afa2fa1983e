// Shannon: Do end to end inside the real extension host, with fixture CLIs in place of Shannon:
// the real hub, the real integrated terminal (with and without shell integration), real sockets.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Hub } from '../../src/hub/hub';
import type { ShannonExtensionApi } from '../../src/extension';
import {
  closeShannonTerminals,
  configure,
  extensionApi,
  fixtureArgs,
  fixtureCli,
  readRecord,
  recordFile,
  recordStates,
  runDo,
  waitFor,
  waitForState,
  workspaceDir,
} from './shannon-do-support';

const execFileAsync = promisify(execFile);
const HOSTILE_TASKS = ['"; touch pwned #', '$(touch pwned)', '`touch pwned`'];

suite('Shannon: Do', () => {
  let api: ShannonExtensionApi;
  let hub: Hub;
  let nativeCli: string;
  let completedSessionId: string | undefined;

  suiteSetup(async () => {
    api = await extensionApi();
    hub = await api.hub;
    nativeCli = fixtureCli('native');
    await configure({ 'shannon.cli.path': nativeCli, 'shannon.connectTimeout': 15 });
  });

  suiteTeardown(async () => {
    await closeShannonTerminals();
    await configure({
      'shannon.cli.path': undefined,
      'shannon.cli.args': undefined,
      'shannon.connectTimeout': undefined,
      'terminal.integrated.shellIntegration.enabled': undefined,
      'terminal.integrated.env.linux': undefined,
    });
  });

  test('runs the CLI in the Shannon terminal: pending, running, completed, events in the store', async () => {
    const record = recordFile('complete');
    await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete') });
    const states = recordStates(hub);
    try {
      const id = await runDo('add a greeting');
      assert.match(id, /^do_\d{8}_\d{6}_[0-9a-f]{8}$/);
      assert.equal(hub.store.get(id)?.task, 'add a greeting');
      await waitForState(hub, id, 'completed');
      assert.deepEqual(states.statesOf(id), ['pending', 'running', 'completed']);
      assert.deepEqual(
        (await hub.store.readEvents(id)).map((event) => event.kind),
        [
          'execution:started',
          'skill:started',
          'execution:progress',
          'file:changed',
          'skill:completed',
          'execution:completed',
        ],
      );
      completedSessionId = id;

      const start = readRecord(record).find((entry) => entry.type === 'start');
      assert.ok(start, 'the fixture CLI did not run');
      assert.deepEqual(start.argv, [
        'do',
        'add a greeting',
        '--dashboard',
        '--session-id',
        id,
        '--record',
        record,
        '--scenario',
        'complete',
      ]);
      assert.equal(start.cwd, workspaceDir());
      assert.equal(start.env?.SHANNON_SESSION_ID, id);
      assert.equal(start.env?.SHANNON_HUB_URL, hub.url, 'the terminal did not get the hub address');
      assert.equal(start.env?.SHANNON_HUB_TOKEN, 'set');
      const launcherDir = (start.env?.PATH ?? '')
        .split(path.delimiter)
        .find((dir) => existsSync(path.join(dir, 'shannon-hub')));
      assert.ok(launcherDir, 'no shannon-hub launcher on the terminal PATH');
      // The launcher works without any `node` on PATH and reaches this window's hub.
      // (Asynchronously: the hub answering it runs in this very process.)
      const statusRun = await execFileAsync(path.join(launcherDir, 'shannon-hub'), ['status'], {
        encoding: 'utf8',
        timeout: 20_000,
        env: {
          PATH: '/nonexistent',
          SHANNON_HUB_URL: hub.url,
          SHANNON_HUB_TOKEN: hub.token,
          SHANNON_IDE_DIR: process.env.SHANNON_IDE_DIR ?? '',
        },
      });
      assert.match(statusRun.stdout, /answers: yes/);

      const terminal = api.terminalFor(id);
      assert.equal(terminal?.name, 'Shannon');
      await waitFor(
        'the status bar to show the completed run',
        () => api.statusBar().text === '$(check) Shannon: completed',
      );

      // A notification only when the window is in the background (the rule itself is unit-tested).
      const notified = api.notifications().filter((notice) => notice.sessionId === id);
      if (vscode.window.state.focused) assert.deepEqual(notified, []);
      else
        assert.deepEqual(
          notified.map((notice) => notice.state),
          ['completed'],
        );
    } finally {
      states.dispose();
    }
  });

  test("Show Terminal shows the session's terminal", async () => {
    assert.ok(completedSessionId, 'depends on the first test');
    const terminal = api.terminalFor(completedSessionId);
    assert.ok(terminal);
    assert.equal(await vscode.commands.executeCommand('shannon.showTerminal', completedSessionId), true);
    await waitFor('the Shannon terminal to be active', () => vscode.window.activeTerminal === terminal);
  });

  test('hostile task text reaches the CLI as one literal argument (shell integration)', async () => {
    const record = recordFile('hostile-si');
    await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete') });
    const terminals = new Set<vscode.Terminal | undefined>();
    const ended = new Set<string>();
    const endListener = vscode.window.onDidEndTerminalShellExecution((event) => {
      const match = event.execution.commandLine.value.match(/--session-id (do_\w+)/);
      if (match) ended.add(match[1]);
    });
    for (const task of HOSTILE_TASKS) {
      const id = await runDo(task);
      await waitForState(hub, id, 'completed');
      assert.ok(api.terminalFor(id)?.shellIntegration, 'expected this run to use shell integration');
      terminals.add(api.terminalFor(id));
      const start = readRecord(record)
        .filter((entry) => entry.type === 'start')
        .pop();
      assert.equal(start?.argv?.[1], task);
      assert.equal(start?.argv?.[4], id);
      // A reused terminal was created for an earlier session: the id must still be this one.
      assert.equal(start?.env?.SHANNON_SESSION_ID, id);
      // Let the command end (as shell integration reports it), so the terminal is idle for the next run.
      await waitFor('the command to end in the terminal', () => ended.has(id));
    }
    endListener.dispose();
    assert.equal(terminals.size, 1, 'an idle Shannon terminal must be reused');
    assert.deepEqual(
      readdirSync(workspaceDir()).filter((name) => name.includes('pwned')),
      [],
    );
  });

  test('hostile task text reaches the CLI as one literal argument (no shell integration: typed, quoted)', async function () {
    this.timeout(90_000);
    await closeShannonTerminals();
    await configure({ 'terminal.integrated.shellIntegration.enabled': false });
    try {
      const record = recordFile('hostile-typed');
      await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete') });
      for (const task of HOSTILE_TASKS) {
        const id = await runDo(task);
        await waitForState(hub, id, 'completed');
        assert.equal(api.terminalFor(id)?.shellIntegration, undefined, 'expected the typed (sendText) path');
        // The next run may reuse this terminal: let the CLI exit first so the shell reads the next line.
        await waitFor(
          'the fixture to exit',
          () => readRecord(record).filter((entry) => entry.type === 'exit').length === HOSTILE_TASKS.indexOf(task) + 1,
        );
        const start = readRecord(record)
          .filter((entry) => entry.type === 'start')
          .pop();
        assert.equal(start?.argv?.[1], task);
        assert.equal(start?.env?.SHANNON_SESSION_ID, id);
      }
      assert.deepEqual(
        readdirSync(workspaceDir()).filter((name) => name.includes('pwned')),
        [],
      );
    } finally {
      await closeShannonTerminals();
      await configure({ 'terminal.integrated.shellIntegration.enabled': undefined });
    }
  });

  for (const shell of ['/usr/bin/zsh', '/usr/bin/fish']) {
    test(`hostile task text reaches the CLI literally from a ${path.basename(shell)} terminal (skipped when not installed)`, async function () {
      if (!existsSync(shell)) this.skip();
      this.timeout(90_000);
      await closeShannonTerminals();
      await configure({
        'terminal.integrated.profiles.linux': { 'shannon-test-shell': { path: shell } },
        'terminal.integrated.defaultProfile.linux': 'shannon-test-shell',
      });
      // The workbench applies the profile asynchronously; new terminals use it once env.shell says so.
      await waitFor(
        `the default shell to become ${shell} (is ${vscode.env.shell})`,
        () => vscode.env.shell === shell,
        15_000,
      );
      try {
        const record = recordFile(`hostile-${path.basename(shell)}`);
        await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete') });
        const tasks = [...HOSTILE_TASKS, '=ls', '%self', "it's !! a test"];
        for (const [index, task] of tasks.entries()) {
          const id = await runDo(task);
          await waitForState(hub, id, 'completed');
          await waitFor(
            'the fixture to exit',
            () => readRecord(record).filter((entry) => entry.type === 'exit').length === index + 1,
          );
          const start = readRecord(record)
            .filter((entry) => entry.type === 'start')
            .pop();
          assert.equal(start?.argv?.[1], task);
          assert.equal(start?.env?.SHANNON_SESSION_ID, id);
          // Make sure the run really happened in that shell (VS Code reports it on the terminal).
          await waitFor(
            `the terminal to report ${path.basename(shell)} (reports ${(api.terminalFor(id)?.state as { shell?: string } | undefined)?.shell}, shell integration ${!!api.terminalFor(id)?.shellIntegration})`,
            () => (api.terminalFor(id)?.state as { shell?: string } | undefined)?.shell === path.basename(shell),
            10_000,
          );
        }
        assert.deepEqual(
          readdirSync(workspaceDir()).filter((name) => name.includes('pwned')),
          [],
        );
      } finally {
        await closeShannonTerminals();
        await configure({
          'terminal.integrated.profiles.linux': undefined,
          'terminal.integrated.defaultProfile.linux': undefined,
        });
        await waitFor('the default shell to be restored', () => vscode.env.shell !== shell, 15_000);
      }
    });
  }

  test('an empty task cancels quietly; multi-line or over-long tasks are refused; nothing starts', async () => {
    const before = hub.store.list().length;
    for (const task of ['', '   ', 'line one\nline two', 'tab\there', 'x'.repeat(4001)]) {
      assert.equal(
        await vscode.commands.executeCommand('shannon.do', { task }),
        undefined,
        JSON.stringify(task.slice(0, 20)),
      );
    }
    assert.equal(hub.store.list().length, before);
  });

  test('a missing CLI is reported and no session is created', async () => {
    for (const cliPath of [path.join(workspaceDir(), 'no-such-dir', 'shannon'), 'shannon-not-installed-anywhere']) {
      await configure({ 'shannon.cli.path': cliPath });
      const before = hub.store.list().length;
      const terminalsBefore = vscode.window.terminals.length;
      const result = await vscode.commands.executeCommand('shannon.do', { task: 'will not run' });
      assert.equal(result, undefined);
      assert.equal(hub.store.list().length, before, `a session was created although ${cliPath} does not exist`);
      assert.equal(vscode.window.terminals.length, terminalsBefore);
    }
    await configure({ 'shannon.cli.path': nativeCli });
  });

  test('a bare CLI name is found on the PATH the terminal will have', async () => {
    await closeShannonTerminals();
    const record = recordFile('on-path');
    await configure({
      'terminal.integrated.env.linux': { PATH: `${path.dirname(nativeCli)}${path.delimiter}\${env:PATH}` },
      'shannon.cli.path': path.basename(nativeCli),
      'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete'),
    });
    try {
      const id = await runDo('found on PATH');
      await waitForState(hub, id, 'completed');
      assert.equal(readRecord(record)[0]?.argv?.[1], 'found on PATH');
    } finally {
      await closeShannonTerminals();
      await configure({ 'terminal.integrated.env.linux': undefined, 'shannon.cli.path': nativeCli });
    }
  });

  test('a command that ends without a final event fails with its exit code, or is cancelled on 130', async () => {
    const failRecord = recordFile('exit-3');
    await configure({ 'shannon.cli.args': fixtureArgs(failRecord, '--scenario', 'exit', '--exit-code', '3') });
    const failed = await runDo('exit with 3');
    const failedSummary = await waitForState(hub, failed, 'failed');
    assert.equal(failedSummary.exitCode, 3);
    const lastFailedEvent = (await hub.store.readEvents(failed)).pop();
    assert.equal(lastFailedEvent?.kind, 'execution:failed');
    assert.equal(lastFailedEvent?.data.exitCode, 3);
    await waitFor('the status bar to show the failure', () => api.statusBar().text === '$(error) Shannon: failed');

    const cancelRecord = recordFile('exit-130');
    await configure({ 'shannon.cli.args': fixtureArgs(cancelRecord, '--scenario', 'exit', '--exit-code', '130') });
    const cancelled = await runDo('exit with 130');
    const cancelledSummary = await waitForState(hub, cancelled, 'cancelled');
    assert.equal(cancelledSummary.exitCode, 130);
    assert.equal((await hub.store.readEvents(cancelled)).pop()?.kind, 'execution:cancelled');
  });

  test('closing the terminal of a running session makes it lost', async () => {
    const record = recordFile('closed');
    await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'hold') });
    const id = await runDo('terminal will be closed');
    await waitForState(hub, id, 'running');
    const terminal = api.terminalFor(id);
    assert.ok(terminal);
    terminal.dispose();
    // The hub's grace period for a vanished reporter (10 s) runs before the session counts as lost.
    const summary = await waitForState(hub, id, 'lost', 25_000);
    assert.equal(summary.reporterConnected, false);
    assert.equal(api.terminalFor(id), undefined);
  });

  test('halt, resume and cancel reach a CLI that declared them', async () => {
    const record = recordFile('steer');
    await configure({
      'shannon.cli.args': fixtureArgs(record, '--scenario', 'hold', '--capabilities', 'halt,resume,cancel'),
    });
    const id = await runDo('steerable run');
    await waitFor('the reporter to declare its capabilities', () => {
      const session = hub.store.get(id);
      return session?.state === 'running' && session.capabilities.includes('halt') ? session : undefined;
    });
    await waitFor('Halt to be enabled', () => api.contextKeys()['shannon.canHalt'] === true);

    assert.equal(await vscode.commands.executeCommand('shannon.halt', id), 'sent');
    await waitForState(hub, id, 'halted');
    await waitFor('Resume to be enabled', () => api.contextKeys()['shannon.canResume'] === true);
    assert.equal(await vscode.commands.executeCommand('shannon.resume', id), 'sent');
    await waitForState(hub, id, 'running');
    assert.equal(await vscode.commands.executeCommand('shannon.cancel', id), 'sent');
    await waitForState(hub, id, 'cancelled');
    assert.deepEqual(
      readRecord(record)
        .filter((entry) => entry.type === 'control')
        .map((entry) => entry.command),
      ['halt', 'resume', 'cancel'],
    );
  });

  test('a CLI without capabilities cannot be halted, and Cancel falls back to Ctrl-C in its terminal', async () => {
    const record = recordFile('ctrl-c');
    await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'hold') });
    const id = await runDo('plain run');
    await waitFor('the fixture to hold', () => readRecord(record).some((entry) => entry.type === 'holding'));
    await waitForState(hub, id, 'running');
    assert.equal(api.contextKeys()['shannon.canHalt'], false);
    assert.equal(await vscode.commands.executeCommand('shannon.halt', id), 'unsupported');
    assert.equal(hub.store.get(id)?.state, 'running');

    assert.equal(await vscode.commands.executeCommand('shannon.cancel', id), 'ctrl-c');
    const summary = await waitForState(hub, id, 'cancelled');
    assert.equal(summary.exitCode, 130);
    assert.ok(
      readRecord(record).some((entry) => entry.type === 'signal' && entry.signal === 'SIGINT'),
      'the CLI did not get SIGINT',
    );
    // An ended session is not steered again (its terminal may already run the next one).
    assert.equal(await vscode.commands.executeCommand('shannon.cancel', id), 'unsupported');
  });

  test('two sessions: the newest unfinished one is active, and the status bar follows it', async function () {
    this.timeout(60_000);
    const recordA = recordFile('two-a');
    await configure({ 'shannon.cli.args': fixtureArgs(recordA, '--scenario', 'hold', '--skill', 'alpha_skill') });
    const a = await runDo('first of two');
    await waitForState(hub, a, 'running');
    assert.equal(hub.store.activeSessionId(), a);
    await waitFor('the status bar to show A', () => api.statusBar().text.includes('alpha_skill (step 1/2)'));

    const recordB = recordFile('two-b');
    await configure({ 'shannon.cli.args': fixtureArgs(recordB, '--scenario', 'hold', '--skill', 'beta_skill') });
    const b = await runDo('second of two');
    await waitForState(hub, b, 'running');
    assert.notEqual(api.terminalFor(a), api.terminalFor(b), 'a busy terminal was reused');
    assert.equal(hub.store.activeSessionId(), b);
    await waitFor('the status bar to show B', () => api.statusBar().text.includes('beta_skill'));

    assert.equal(await vscode.commands.executeCommand('shannon.cancel', b), 'ctrl-c');
    await waitForState(hub, b, 'cancelled');
    assert.equal(hub.store.activeSessionId(), a, 'the unfinished session A must become active again');
    await waitFor('the status bar to show A again', () => api.statusBar().text.includes('alpha_skill'));

    assert.equal(await vscode.commands.executeCommand('shannon.cancel', a), 'ctrl-c');
    await waitForState(hub, a, 'cancelled');
    assert.equal(hub.store.activeSessionId(), b, 'with nothing unfinished, the most recently started one is active');
    await waitFor(
      'the status bar to show the cancelled run',
      () => api.statusBar().text === '$(circle-slash) Shannon: cancelled',
    );
  });

  test('a CLI that does not report in time is marked as awaited until its first event', async () => {
    const record = recordFile('late');
    await configure({
      'shannon.connectTimeout': 1,
      'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete', '--delay-ms', '4000'),
    });
    try {
      const id = await runDo('late reporter');
      await waitFor('waitingForCli', () => hub.store.get(id)?.waitingForCli === true);
      assert.equal(hub.store.get(id)?.state, 'pending');
      await waitFor(
        'the status bar to say it waits',
        () => api.statusBar().text === '$(watch) Shannon: waiting for the CLI',
      );
      const done = await waitForState(hub, id, 'completed');
      assert.ok(!done.waitingForCli, 'waitingForCli must be cleared once the CLI reports');
    } finally {
      await configure({ 'shannon.connectTimeout': 15 });
    }
  });

  test('a legacy (Socket.IO cli_event) CLI started by Shannon: Do is followed too', async () => {
    // shannon.legacy.listen "auto": idle until Shannon: Do starts the CLI, which opens the port first.
    const legacy = hub.status().legacy;
    assert.ok(
      legacy.state === 'idle' || legacy.state === 'listening',
      `the legacy endpoint is ${legacy.state}: ${legacy.message ?? ''}`,
    );
    const record = recordFile('legacy');
    await configure({
      'shannon.cli.path': fixtureCli('legacy'),
      'shannon.cli.args': fixtureArgs(record, '--legacy-port', String(legacy.port)),
    });
    try {
      const states = recordStates(hub);
      const id = await runDo('legacy run');
      const summary = await waitForState(hub, id, 'completed');
      states.dispose();
      assert.deepEqual(states.statesOf(id), ['pending', 'running', 'completed']);
      assert.equal(summary.source, 'legacy');
      assert.equal(summary.unauthenticated, true);
      assert.deepEqual(
        (await hub.store.readEvents(id)).map((event) => event.kind),
        ['execution:started', 'skill:started', 'execution:progress', 'file:changed', 'execution:completed'],
      );
    } finally {
      await configure({ 'shannon.cli.path': nativeCli });
    }
  });

  test('Open Session Log opens the session journal', async () => {
    assert.ok(completedSessionId, 'depends on the first test');
    const file = await waitFor(
      'the journal file',
      async () =>
        (await vscode.commands.executeCommand<string | undefined>('shannon.openSessionLog', completedSessionId)) ??
        undefined,
    );
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, file);
    const lines = editor!.document
      .getText()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { sessionId: string; kind: string });
    assert.ok(lines.every((line) => line.sessionId === completedSessionId));
    assert.ok(lines.some((line) => line.kind === 'execution:completed'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Show Hub Status reports the running hub', async () => {
    const status = await vscode.commands.executeCommand<{ url?: string; state: string; legacy: { state: string } }>(
      'shannon.showHubStatus',
    );
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(status.state, 'running');
    assert.equal(status.url, hub.url);
    assert.match(
      api.statusBar().tooltip,
      new RegExp(`Hub: running at \`${hub.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\``),
    );
  });

  test('the hub is discoverable: a lock file with port, token and this workspace folder', async () => {
    const lockFile = hub.status().lockFile;
    assert.ok(lockFile, 'no lock file');
    assert.equal(
      path.dirname(lockFile),
      process.env.SHANNON_IDE_DIR,
      'the lock file must live in SHANNON_IDE_DIR during tests',
    );
    const content = JSON.parse(readFileSync(lockFile, 'utf8')) as {
      port: number;
      token: string;
      workspaceFolders: string[];
    };
    assert.equal(content.port, hub.port);
    assert.equal(content.token, hub.token);
    assert.deepEqual(content.workspaceFolders, [workspaceDir()]);
  });

  test('Clear Session History removes finished sessions', async () => {
    assert.ok(hub.store.list().some((session) => session.state === 'completed'));
    assert.equal(await vscode.commands.executeCommand('shannon.clearHistory', { skipConfirmation: true }), true);
    assert.deepEqual(
      hub.store.list().filter((session) => ['completed', 'failed', 'cancelled', 'lost'].includes(session.state)),
      [],
    );
  });
});
