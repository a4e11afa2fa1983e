// Restricted Mode in the real extension host: Workspace Trust is on and the folder is not trusted
// (test/harness/integration.mjs, FILE_SETUPS). The folder's own .vscode/settings.json names a
// program for Shannon: Do that would write a marker file if it ever ran. The extension must load
// (it declares limited support), ignore those settings, keep the Monitor, the history and the
// Checkpoints tree working, and refuse Shannon: Do and Restore with an explanation.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShannonExtensionApi } from '../../src/extension';
import type { Hub } from '../../src/hub/hub';
import type { CompareResult, RestoreResult } from '../../src/vscode/checkpoint-commands';
import { waitFor } from './wait';

const EXTENSION_ID = 'shannon.shannon-vscode';
const CP_ID = '7a5c0000-1234-4abc-8def-0123456789ab';

suite('workspace trust: Restricted Mode', () => {
  let api: ShannonExtensionApi;
  let hub: Hub;
  const folder = process.env.SHANNON_TEST_WORKSPACE!;
  const marker = process.env.SHANNON_TEST_WORKSPACE_CLI_MARKER!;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
    hub = await api.hub;
  });

  test('the folder is untrusted, and the extension is active in it', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)!.isActive, true);
  });

  test("the folder's own settings cannot choose the CLI or its arguments", () => {
    const config = vscode.workspace.getConfiguration('shannon');
    assert.equal(config.get('cli.path'), 'shannon');
    assert.deepEqual(config.get('cli.args'), ['do', '${task}', '--dashboard', '--session-id', '${sessionId}']);
  });

  test('Shannon: Do explains that the workspace must be trusted, and runs nothing', async () => {
    const sessionsBefore = hub.store.list().length;
    const terminalsBefore = vscode.window.terminals.length;
    const result = await vscode.commands.executeCommand('shannon.do', { task: 'anything at all' });
    assert.equal(result, undefined);
    assert.match(
      api.restrictedModeRefusals().at(-1) ?? '',
      /Shannon: Do runs the Shannon CLI, so it needs a trusted workspace/,
    );
    assert.equal(hub.store.list().length, sessionsBefore, 'no session was created');
    assert.equal(vscode.window.terminals.length, terminalsBefore, 'no terminal was opened');
    assert.equal(existsSync(marker), false, "the folder's program did not run");
  });

  test('the Monitor and the history work: a reported run is stored and shown', async () => {
    hub.store.append('restricted_run', 'extension', 'execution:started', { task: 'watched in Restricted Mode' });
    hub.store.append('restricted_run', 'extension', 'execution:completed', { success: true });
    await vscode.commands.executeCommand('shannon.showMonitor');
    const session = await waitFor('the run in the history', () =>
      hub.store.list().find((s) => s.id === 'restricted_run' && s.state === 'completed'),
    );
    assert.equal(session.task, 'watched in Restricted Mode');
    assert.match(api.statusBar().text, /Shannon/);
  });

  test('the Checkpoints tree lists a checkpoint and Compare works; Restore explains and writes nothing', async () => {
    const dir = path.join(folder, '.shannon', 'checkpoints');
    await fs.mkdir(dir, { recursive: true });
    const readme = path.join(folder, 'README.md');
    const current = await fs.readFile(readme, 'utf8');
    await fs.writeFile(
      path.join(dir, `${CP_ID}.json`),
      JSON.stringify({
        id: CP_ID,
        label: 'before_write_file',
        timestamp: '2025-11-16T15:33:20.481920',
        skill_stack: ['write_file'],
        file_snapshots: { 'README.md': '0123456789abcdef' },
        git_state: { branch: 'main', commit: 'abc123' },
      }),
    );
    await fs.writeFile(path.join(dir, `${CP_ID}_contents.json`), JSON.stringify({ 'README.md': 'older text\n' }));

    const roots = await api.checkpoints!.tree.refresh();
    const listed = roots.flatMap((r) => r.children).find((c) => c.kind === 'checkpoint' && c.checkpointId === CP_ID);
    assert.ok(listed, 'the checkpoint is listed');

    const target = { folder, checkpointId: CP_ID, path: 'README.md' };
    const compared = await vscode.commands.executeCommand<CompareResult>('shannon.checkpoints.compare', target);
    assert.ok(compared.opened, !compared.opened ? compared.reason : '');

    const restored = await vscode.commands.executeCommand<RestoreResult>('shannon.checkpoints.restore', {
      folder,
      checkpointId: CP_ID,
      confirm: false,
    });
    assert.equal(restored.restored, false);
    assert.match(
      !restored.restored ? restored.reason : '',
      /Restore writes files of this workspace, so it needs a trusted workspace/,
    );
    assert.equal(await fs.readFile(readme, 'utf8'), current, 'README.md is unchanged');
    assert.deepEqual(
      (await fs.readdir(dir)).sort(),
      [`${CP_ID}.json`, `${CP_ID}_contents.json`],
      'no safety checkpoint was written',
    );
  });
});
