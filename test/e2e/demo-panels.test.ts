// What a new user sees with `npm start`: Shannon: Do runs the demonstration CLI, and the Monitor
// in the real workbench's side bar shows its validation panel (the failing check open, with its
// coloured output and exit code) and its agent pool.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { demoCliSettings } from '../harness/demo-cli.mjs';
import { Workbench } from './workbench';

const TASK = 'document the greeting';

suite('The demo run in the Monitor: validation and agents', () => {
  let workbench: Workbench | undefined;
  let scratch: string;

  suiteSetup(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'shannon-e2e-demo-'));
    // The demo wrapper as shannon.cli.path, as do.test.ts sets its fixture CLI.
    workbench = await Workbench.open({ settings: { ...demoCliSettings(path.join(scratch, 'bin')) } });
  });

  suiteTeardown(async () => {
    await workbench?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('Shannon: Do with the demo CLI: the failing check, its output and the two agents are visible', async () => {
    const wb = workbench!;
    const page = wb.page;
    await page
      .locator('.statusbar-item', { hasText: 'Shannon' })
      .first()
      .waitFor({ state: 'visible', timeout: 90_000 });
    await wb.runCommand('Shannon: Do');
    const input = page.locator('.quick-input-widget input[placeholder*="What should Shannon do"]');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(TASK);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: TASK })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');

    const monitor = await wb.findFrameWithText(TASK, 30_000);
    await monitor
      .locator('.session-header', { hasText: /completed/i })
      .first()
      .waitFor({ state: 'visible', timeout: 120_000 });

    // Validation: three check runs, one failed; the failed one is open with its exit code and output.
    const header = monitor.locator('.section-validation > summary');
    await header.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await header.innerText(), /3 checks, 1 failed/i);
    const failed = monitor.locator('.check-failed');
    assert.equal(await failed.count(), 1);
    assert.equal(await failed.locator('.check-name').innerText(), 'unit tests');
    assert.equal(await failed.locator('.check-state').innerText(), 'failed, exit code 1');
    assert.equal(await failed.locator('details').evaluate((el) => (el as HTMLDetailsElement).open), true);
    const stderr = failed.locator('.output-line.stderr', { hasText: 'AssertionError' });
    await stderr.waitFor({ state: 'visible', timeout: 10_000 });
    // Coloured by the theme's terminal palette, not shown as escape codes.
    assert.ok(!(await failed.locator('.check-output').innerText()).includes('\u001b'));
    assert.ok((await stderr.locator('.ansi-fg-1').count()) >= 1, 'the red of the failure is a theme colour');

    // Agents: the coder and the tester, both completed.
    const agents = monitor.locator('.agent');
    await agents.first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.deepEqual(await agents.locator('.agent-role').allInnerTexts(), ['coder', 'tester']);
    assert.equal(await monitor.locator('.agent-counts').innerText(), '0 active, 2 completed, 0 failed');

    await failed.scrollIntoViewIfNeeded();
    const file = await wb.screenshot('e2e-demo-panels');
    console.log(`      screenshot: ${file}`);
  });
});
