// First proof that the harness runs the real extension in a real extension host:
// it activates, registers its commands, and reports how long activate() took. The 50 ms budget
// itself is checked by `npm run bench` (speed is measured there, never asserted in a timed test).
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ShannonExtensionApi } from '../../src/extension';

const EXTENSION_ID = 'shannon.shannon-vscode';

suite('activation', () => {
  test('the extension is present and activates', async () => {
    const extension = vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in the extension host`);
    const api = await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(typeof api?.activationMs, 'number', 'activate() must return { activationMs }');
  });

  test('its commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('shannon.do'), 'shannon.do is not registered');
  });

  test('activate() measures and reports its own duration', async () => {
    const api = await vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs is ${api.activationMs}`);
    console.log(`      activate() took ${api.activationMs.toFixed(2)} ms (budget 50 ms, checked by npm run bench)`);
  });

  test('the hub starts with its lock file in SHANNON_IDE_DIR, never in ~/.shannon', async () => {
    const api = await vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
    const hub = await api.hub;
    const ideDir = process.env.SHANNON_IDE_DIR;
    assert.ok(ideDir, 'the harness must set SHANNON_IDE_DIR');
    assert.ok(hub.lockFilePath, 'the hub wrote no lock file');
    assert.equal(path.dirname(hub.lockFilePath), ideDir);
    assert.ok(existsSync(hub.lockFilePath), `${hub.lockFilePath} does not exist`);
  });

  test('the workspace is the per-run copy of the fixture', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder open');
    assert.equal(folder.uri.fsPath, process.env.SHANNON_TEST_WORKSPACE);
  });
});
