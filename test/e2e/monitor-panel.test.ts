// "Shannon: Open Monitor in Editor" in the real workbench: the Monitor opens as an editor tab with
// the same webview, and after a window reload the tab comes back with working content (the panel
// serializer + onWebviewPanel activation).
import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

suite('Monitor in an editor tab', () => {
  let workbench: Workbench;

  suiteSetup(async () => {
    workbench = await Workbench.open();
  });

  suiteTeardown(async () => {
    await workbench?.close();
  });

  test('opens from the palette and is restored after a reload', async () => {
    const page = workbench.page;
    // The palette lists the extension's commands once the extension host is up (its status item shows).
    await page
      .locator('.statusbar-item', { hasText: 'Shannon' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.runCommand('Shannon: Open Monitor in Editor');
    const tab = page.locator('.tabs-container .tab', { hasText: 'Shannon Monitor' });
    await tab.first().waitFor({ state: 'visible', timeout: 30_000 });
    const frame = await workbench.findFrameWithText('No Shannon run yet', 30_000);
    assert.ok(await frame.locator('button', { hasText: 'Shannon: Do' }).isVisible());

    // Reload the way a user does. The workbench saves its editors to storage and flushes it before
    // it reloads. A bare page.reload() races that flush and, on a loaded machine, sometimes loses the tab.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await workbench.runCommand('Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await tab.first().waitFor({ state: 'visible', timeout: 30_000 });
    // The restored panel talks to the extension again: the host answered its `ready` with a snapshot.
    await workbench.findFrameWithText('No Shannon run yet', 30_000);
    assert.equal(await tab.count(), 1);
    const file = await workbench.screenshot('e2e-monitor-panel');
    console.log(`      screenshot: ${file}`);
  });
});
