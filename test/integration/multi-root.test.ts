// Shannon: Do in a multi-root workspace (the harness opens a .code-workspace with the fixture
// workspace and a second folder): it asks which folder, runs the CLI there, starts nothing when
// the question is dismissed, and takes the folder from its arguments without asking.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Hub } from '../../src/hub/hub';
import {
  closeShannonTerminals,
  configure,
  extensionApi,
  fixtureArgs,
  fixtureCli,
  readRecord,
  recordFile,
  runningHub,
  waitFor,
  waitForState,
} from './shannon-do-support';

/** Run a quick-input command until the pending Shannon: Do settles (the picker may not be up yet). */
async function answerPicker(command: string, pending: Promise<string | undefined>): Promise<string | undefined> {
  let settled = false;
  void pending.finally(() => (settled = true));
  await waitFor(`the folder picker to take ${command}`, async () => {
    if (!settled) {
      await vscode.commands.executeCommand(command);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return settled;
  });
  return pending;
}

suite('Shannon: Do in a multi-root workspace', () => {
  let hub: Hub;
  const folders = () => vscode.workspace.workspaceFolders ?? [];

  suiteSetup(async () => {
    hub = await runningHub();
    assert.equal(folders().length, 2, 'the harness opens two folders');
    assert.equal(folders()[1].uri.fsPath, process.env.SHANNON_TEST_SECOND_FOLDER);
    await configure({ 'shannon.cli.path': fixtureCli('native') });
  });

  suiteTeardown(async () => {
    await closeShannonTerminals();
  });

  test('asks which folder and runs the CLI in the one chosen', async () => {
    const record = recordFile('multi-root-picked');
    await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete') });
    // The picker lists the folders in workspace order with the first one selected: accept it.
    const id = await answerPicker(
      'workbench.action.acceptSelectedQuickOpenItem',
      Promise.resolve(
        vscode.commands.executeCommand<string | undefined>('shannon.do', { task: 'in the picked folder' }),
      ),
    );
    assert.ok(id, 'a session was started');
    await waitForState(hub, id, 'completed');
    const start = readRecord(record).find((entry) => entry.type === 'start');
    assert.equal(start?.cwd, folders()[0].uri.fsPath);
  });

  test('dismissing the folder question starts nothing', async () => {
    const before = hub.store.list().length;
    const terminals = vscode.window.terminals.length;
    const id = await answerPicker(
      'workbench.action.closeQuickOpen',
      Promise.resolve(vscode.commands.executeCommand<string | undefined>('shannon.do', { task: 'never runs' })),
    );
    assert.equal(id, undefined);
    assert.equal(hub.store.list().length, before, 'no session');
    assert.equal(vscode.window.terminals.length, terminals, 'no new terminal');
  });

  test('a folder given as an argument is used without asking', async () => {
    const record = recordFile('multi-root-argument');
    await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete') });
    const second = folders()[1].uri.fsPath;
    const id = await vscode.commands.executeCommand<string | undefined>('shannon.do', {
      task: 'in the second folder',
      folder: second,
    });
    assert.ok(id, 'a session was started without a picker');
    await waitForState(hub, id, 'completed');
    assert.equal(readRecord(record).find((entry) => entry.type === 'start')?.cwd, second);
  });

  test('an idle Shannon terminal is reused only where the run belongs: same folder, not cd-ed away', async () => {
    const first = folders()[0].uri.fsPath;
    const endedCommands: string[] = [];
    const listener = vscode.window.onDidEndTerminalShellExecution((event) =>
      endedCommands.push(event.execution.commandLine.value),
    );
    const runIn = async (label: string) => {
      const record = recordFile(label);
      await configure({ 'shannon.cli.args': fixtureArgs(record, '--scenario', 'complete') });
      const id = await vscode.commands.executeCommand<string | undefined>('shannon.do', { task: label, folder: first });
      assert.ok(id);
      await waitForState(hub, id, 'completed');
      const terminal = (await extensionApi()).terminalFor(id);
      assert.ok(terminal);
      // Idle again only once the shell reports the command's end.
      await waitFor(`the ${label} command to end in its terminal`, () =>
        endedCommands.some((line) => line.includes(id)),
      );
      return { terminal, cwd: readRecord(record).find((entry) => entry.type === 'start')?.cwd };
    };
    const one = await runIn('reuse-1');
    const two = await runIn('reuse-2');
    assert.equal(two.terminal, one.terminal, 'the idle terminal in the same folder is reused');
    assert.equal(two.cwd, first);

    // The user moves the idle terminal elsewhere: the next run gets a new terminal in the folder.
    one.terminal.sendText('cd /');
    await waitFor('the terminal to report its new directory', () => one.terminal.shellIntegration?.cwd?.fsPath === '/');
    const three = await runIn('reuse-3');
    assert.notEqual(three.terminal, one.terminal);
    assert.equal(three.cwd, first);
    listener.dispose();
  });
});
