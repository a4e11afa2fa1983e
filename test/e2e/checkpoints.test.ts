// Restore through the real confirmation dialog, as a person does it: right-click a checkpoint in
// the Checkpoints tree, read the modal that lists what will change, Cancel (nothing changes), then
// Restore (the file takes the checkpoint's contents and a "before restore" checkpoint is written).
// The integration tests cover every restore rule; this covers the menu and the modal itself.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { repoRoot } from '../harness/code-server.mjs';
import { Workbench } from './workbench';

const CHECKPOINT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'; // label "analyze_codebase": README.md = "# Demo\n"
const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'checkpoints', 'current', '.shannon', 'checkpoints');

suite('Checkpoints: restore through the confirmation dialog', () => {
  let workbench: Workbench;

  suiteSetup(async () => {
    workbench = await Workbench.open();
  });

  suiteTeardown(async () => {
    await workbench?.close();
  });

  test('the dialog lists the change; Cancel leaves the file, Restore applies it with a safety checkpoint', async () => {
    const page = workbench.page;
    const checkpointsDir = path.join(workbench.workspace, '.shannon', 'checkpoints');
    mkdirSync(checkpointsDir, { recursive: true });
    for (const name of [`${CHECKPOINT_ID}.json`, `${CHECKPOINT_ID}_contents.json`]) {
      cpSync(path.join(FIXTURE, name), path.join(checkpointsDir, name));
    }
    const readme = path.join(workbench.workspace, 'README.md');
    const before = readFileSync(readme, 'utf8');
    assert.notEqual(before, '# Demo\n');

    await workbench.openShannonSidebar();
    const view = await workbench.waitForView('Checkpoints');
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'analyze_codebase' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(await view.isVisible());

    const openRestoreDialog = async (): Promise<Locator> => {
      // The row's inline action, shown while the row is selected (or hovered), as a person clicks it.
      await row.click();
      await row.hover();
      await row.locator('.action-label[aria-label="Restore Checkpoint"]').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 15_000 });
      return dialog;
    };

    const dialog = await openRestoreDialog();
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /Restore checkpoint "analyze_codebase"\? 1 file will change\./);
    assert.match(text, /README\.md/);
    assert.match(text, /"before restore" checkpoint/);
    const shot = await workbench.screenshot('e2e-restore-dialog');
    console.log(`      screenshot: ${shot}`);
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(readFileSync(readme, 'utf8'), before, 'Cancel changes nothing');
    const headers = () =>
      readdirSync(checkpointsDir).filter((name) => name.endsWith('.json') && !name.endsWith('_contents.json'));
    assert.deepEqual(headers(), [`${CHECKPOINT_ID}.json`], 'Cancel writes no safety checkpoint');

    const again = await openRestoreDialog();
    await again.locator('.dialog-buttons .monaco-button', { hasText: 'Restore' }).click();
    await again.waitFor({ state: 'hidden', timeout: 10_000 });
    // The restore goes through a WorkspaceEdit and a save: poll the disk until it lands.
    const deadline = Date.now() + 15_000;
    while (readFileSync(readme, 'utf8') !== '# Demo\n' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(readFileSync(readme, 'utf8'), '# Demo\n', "README.md has the checkpoint's contents");
    // The safety checkpoint: a new checkpoint in Shannon's format holding what was there before.
    const safety = headers().filter((name) => name !== `${CHECKPOINT_ID}.json`);
    assert.equal(safety.length, 1, `one safety checkpoint, found: ${headers().join(', ')}`);
    const safetyHeader = JSON.parse(readFileSync(path.join(checkpointsDir, safety[0]), 'utf8'));
    assert.equal(safetyHeader.label, `before_restore_${CHECKPOINT_ID}`);
    const safetyContents = JSON.parse(
      readFileSync(path.join(checkpointsDir, safety[0].replace(/\.json$/, '_contents.json')), 'utf8'),
    );
    assert.equal(safetyContents['README.md'], before, 'the safety checkpoint holds what was there before');
  });
});
