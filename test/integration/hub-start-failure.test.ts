// When the hub cannot start (here: shannon.hub.port names a port another program holds, prepared
// by the harness before this window opened), the extension still activates, says what went wrong
// where the user looks (status bar, Show Hub Status), and Shannon: Do starts nothing.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ShannonExtensionApi } from '../../src/extension';
import type { HubStatus } from '../../src/protocol/session';
import { waitFor } from './wait';

const EXTENSION_ID = 'shannon.shannon-vscode';

suite('hub start failure', () => {
  let api: ShannonExtensionApi;
  const busyPort = Number(process.env.SHANNON_TEST_BUSY_PORT);

  suiteSetup(async () => {
    assert.ok(busyPort > 0, 'the harness must hold a port and pass it as SHANNON_TEST_BUSY_PORT');
    api = await vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
  });

  test('the hub reports the busy port; the extension stays active and writes no lock file', async () => {
    assert.equal(vscode.workspace.getConfiguration('shannon').get('hub.port'), busyPort);
    await assert.rejects(api.hub, /EADDRINUSE/);
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)!.isActive, true);
    const status = await vscode.commands.executeCommand<HubStatus>('shannon.showHubStatus');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(status.state, 'failed');
    assert.match(status.error ?? '', new RegExp(`EADDRINUSE.*${busyPort}`));
    assert.equal(status.legacy.state === 'listening', false, 'the legacy endpoint starts only with the hub');
    assert.deepEqual(readdirSync(process.env.SHANNON_IDE_DIR!), [], 'no lock file for a hub that is not running');
  });

  test('the status bar shows the failure and its reason', async () => {
    const bar = await waitFor('the status bar to show the hub failure', () => {
      const current = api.statusBar();
      return current.tooltip.includes('Hub: failed') ? current : undefined;
    });
    assert.match(bar.tooltip, /Hub error: .*EADDRINUSE/);
  });

  test('Shannon: Do starts nothing: no session, no terminal', async () => {
    await vscode.workspace
      .getConfiguration()
      .update('shannon.cli.path', process.execPath, vscode.ConfigurationTarget.Global);
    const terminalsBefore = vscode.window.terminals.length;
    const result = await vscode.commands.executeCommand<string | undefined>('shannon.do', { task: 'anything' });
    assert.equal(result, undefined);
    assert.equal(vscode.window.terminals.length, terminalsBefore);
  });
});
