// The packaged extension, installed from the .vsix: clicking the Shannon icon in the activity bar
// opens its side bar with the Monitor (webview) and Checkpoints (tree) views, and the webview renders.
import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

suite('Shannon side bar', () => {
  let workbench: Workbench;

  suiteSetup(async () => {
    workbench = await Workbench.open();
  });

  suiteTeardown(async () => {
    await workbench?.close();
  });

  test('clicking the Shannon icon shows the Monitor and Checkpoints views', async () => {
    await workbench.openShannonSidebar();
    await workbench.waitForView('Monitor');
    await workbench.waitForView('Checkpoints');
    const titles = await workbench.sidebarViewTitles();
    assert.ok(
      titles.some((title) => /^monitor$/i.test(title)),
      `Monitor view missing; side bar shows: ${titles.join(', ')}`,
    );
    assert.ok(
      titles.some((title) => /^checkpoints$/i.test(title)),
      `Checkpoints view missing; side bar shows: ${titles.join(', ')}`,
    );
    // The Monitor webview renders from the packaged bundle: a file missing from the .vsix fails here.
    await workbench.findFrameWithText('No Shannon run yet', 30_000);
    await workbench.dismissHover();
    const file = await workbench.screenshot('e2e-sidebar');
    console.log(`      screenshot: ${file}`);
  });
});
