// Shannon: Do as a person uses it: the packaged extension in the real workbench, the command run
// from the palette, a task typed into its input, the CLI (the native fixture) in the "Shannon"
// terminal, the Monitor revealed and following the run to its end.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Workbench } from './workbench';

const repoRoot = path.resolve(__dirname, '..', '..');
const TASK = 'add a friendly greeting to README';

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

suite('Shannon: Do in the workbench', () => {
  let workbench: Workbench | undefined;
  let scratch: string;
  let record: string;

  suiteSetup(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'shannon-e2e-do-'));
    record = path.join(scratch, 'record.jsonl');
    // The fixture runs with this test's Node, baked in: the terminal may have no `node` on PATH.
    const wrapper = path.join(scratch, 'shannon');
    const fixture = path.join(repoRoot, 'test', 'fixtures', 'cli', 'native-shannon.mjs');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(fixture)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    workbench = await Workbench.open({
      settings: {
        'shannon.cli.path': wrapper,
        'shannon.cli.args': [
          'do',
          '${task}',
          '--dashboard',
          '--session-id',
          '${sessionId}',
          '--record',
          record,
          '--scenario',
          'complete',
          '--step-ms',
          '800',
        ],
      },
    });
  });

  suiteTeardown(async () => {
    await workbench?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('run from the palette: the terminal runs the CLI and the Monitor follows the run', async () => {
    const wb = workbench!;
    const page = wb.page;
    // The status bar item appears once the extension is active.
    await page
      .locator('.statusbar-item', { hasText: 'Shannon' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });

    await wb.runCommand('Shannon: Do');
    // The palette's input turns into Shannon: Do's task input (its placeholder says so).
    const input = page.locator('.quick-input-widget input[placeholder*="What should Shannon do"]');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(TASK);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: TASK })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');

    // The CLI runs in the terminal with the task as one argument...
    await wb.waitForTerminalText(/--session-id/, 30_000);
    // ...and the Monitor is revealed without being asked for, showing the task.
    const monitor = await wb.findFrameWithText(TASK, 30_000);
    await monitor
      .locator('.skill-name', { hasText: 'write_file' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page
      .locator('.statusbar-item', { hasText: /Shannon: (write_file|running|completed)/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await monitor
      .locator('.session-header', { hasText: /completed/i })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page
      .locator('.statusbar-item', { hasText: 'Shannon: completed' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    // The Checkpoints tree lists the run too, with its final state (it refreshes a moment later).
    const treeRow = page.locator('.part.sidebar .monaco-list-row', { hasText: TASK });
    await treeRow.locator('.codicon-pass').first().waitFor({ state: 'visible', timeout: 30_000 });
    const file = await wb.screenshot('e2e-do');
    console.log(`      screenshot: ${file}`);

    assert.ok(existsSync(record), 'the fixture CLI never ran');
    const start = readFileSync(record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((entry) => entry.type === 'start');
    assert.equal(start.argv[1], TASK);
    assert.match(start.argv[4], /^do_\d{8}_\d{6}_[0-9a-f]{8}$/);
    assert.equal(start.env.SHANNON_SESSION_ID, start.argv[4]);
    assert.equal(start.cwd, wb.workspace);
    assert.deepEqual(
      readdirSync(wb.workspace).filter((name) => name.includes('pwned')),
      [],
    );

    // Inside the workbench's webview too: a click shows an event in full, and the arrow keys (which
    // VS Code hands to the focused webview) step the details through the events.
    await monitor.locator('.event-row', { hasText: 'execution:completed' }).first().click();
    const details = monitor.locator('.event-details');
    await details
      .locator('.event-details-kind', { hasText: 'execution:completed' })
      .waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await details.locator('pre').textContent()) ?? '', /"success": true/);
    await page.keyboard.press('ArrowUp');
    await details
      .locator('.event-details-kind', { hasText: 'skill:completed' })
      .waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
