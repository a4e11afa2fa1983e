// The Monitor's VS Code side in a real extension host: the side-panel view is contributed and
// focusable, and "Open Monitor in Editor" opens one webview panel (a second call reveals it).
// What the webview shows is covered in Chromium (test/webview) and in the workbench (test/e2e).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShannonExtensionApi } from '../../src/extension';
import { waitFor } from './wait';

const EXTENSION_ID = 'shannon.shannon-vscode';

function monitorPanelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('shannon.monitorPanel'),
    );
}

suite('Monitor view and editor panel', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the Monitor view can be focused', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('shannon.monitor.focus'), 'the shannon.monitor view is not contributed');
    assert.ok(commands.includes('shannon.openMonitorInEditor'), 'shannon.openMonitorInEditor is not registered');
    await vscode.commands.executeCommand('shannon.monitor.focus');
  });

  test('Open Monitor in Editor opens one panel and reveals it again', async () => {
    assert.equal(monitorPanelTabs().length, 0);
    await vscode.commands.executeCommand('shannon.openMonitorInEditor');
    await waitFor('the Monitor panel tab', () => monitorPanelTabs().length === 1);
    assert.equal(monitorPanelTabs()[0].label, 'Shannon Monitor');

    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await waitFor('another editor to take focus', () => !monitorPanelTabs()[0].isActive);
    await vscode.commands.executeCommand('shannon.openMonitorInEditor');
    await waitFor('the same panel to be revealed', () => monitorPanelTabs()[0]?.isActive === true);
    assert.equal(monitorPanelTabs().length, 1, 'a second call must not open a second panel');
  });
});
