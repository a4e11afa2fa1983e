// Steering in the real workbench: a reporter (the reporter library, connected through the window's
// lock file) asks a decision; a click on an option in the Monitor reaches it as one `decide`; a
// second question is answered from its notification while the Monitor is hidden; one file is
// undone from the Changes section and the run's "before" text is on disk; another is kept, and both
// review marks are still there after a window reload.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { snapshotHash, writeCheckpoint } from '../../src/checkpoints/write';
import type { ControlFrame } from '../../src/protocol/wire';
import { Reporter } from '../../src/reporter/client';
import { Workbench } from './workbench';

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('steering in the workbench', () => {
  let workbench: Workbench;
  let reporter: Reporter | undefined;
  const received: ControlFrame[] = [];

  suiteSetup(async () => {
    workbench = await Workbench.open();
  });
  suiteTeardown(async () => {
    await reporter?.close();
    await workbench?.close();
  });

  test('answer in the Monitor and from the notification; undo one file, keep another; the marks survive a reload', async () => {
    const page = workbench.page;
    await page
      .locator('.statusbar-item', { hasText: 'Shannon' })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    const lockFile = await until('the hub lock file', () =>
      readdirSync(workbench.ideDir).find((name) => /^\d+-\d+\.json$/.test(name)),
    );
    const lock = JSON.parse(readFileSync(path.join(workbench.ideDir, lockFile), 'utf8')) as {
      url: string;
      token: string;
    };
    reporter = new Reporter({
      url: lock.url,
      token: lock.token,
      sessionId: 'do_20261130_130000_e2e00001',
      capabilities: ['decide', 'instruct'],
      onControl: (control) => received.push(control),
    });
    await reporter.connect();
    reporter.send('execution:started', { task: 'steer me from the workbench' });

    // 1. A click on an option in the Monitor.
    await workbench.openShannonSidebar();
    reporter.send('decision:requested', {
      decisionId: 'd1',
      question: 'Rename the helper?',
      options: [
        { id: 'yes', label: 'Rename it' },
        { id: 'no', label: 'Keep the name' },
      ],
      defaultOptionId: 'no',
      autoResolveAt: new Date(Date.now() + 120_000).toISOString(),
    });
    const frame = await workbench.findFrameWithText('Rename the helper?', 30_000);
    await frame.locator('button[data-option-id=yes]').click();
    await until('the decide from the Monitor', () => received.find((c) => c.command === 'decide'));
    const first = received.find((c) => c.command === 'decide')!;
    assert.ok(first.command === 'decide' && first.decisionId === 'd1' && first.optionId === 'yes');
    reporter.send('decision:resolved', { decisionId: 'd1', optionId: 'yes', by: 'user' });
    reporter.result(first.id, true);
    await frame.locator('.decision-history', { hasText: 'You chose: Rename it' }).waitFor({ timeout: 30_000 });

    // 2. A question asked while its card is in view, then the Monitor hidden (Explorer shown)
    // before it is answered: the notification comes when the Monitor goes out of view.
    reporter.send('decision:requested', {
      decisionId: 'd2',
      question: 'Run the slow tests too?',
      options: [
        { id: 'run', label: 'Run them' },
        { id: 'skip', label: 'Skip' },
      ],
      defaultOptionId: 'skip',
    });
    await frame.locator('.decision-card', { hasText: 'Run the slow tests too?' }).waitFor({ timeout: 30_000 });
    assert.equal(
      await page.locator('.notification-toast', { hasText: 'Run the slow tests too?' }).count(),
      0,
      'no notification while the card is in view',
    );
    await workbench.runCommand('View: Show Explorer');
    const toast = page.locator('.notification-toast', { hasText: 'Run the slow tests too?' });
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: 'Run them' }).click();
    await until('the decide from the notification', () =>
      received.find((c) => c.command === 'decide' && c.decisionId === 'd2'),
    );
    assert.equal(received.filter((c) => c.command === 'decide').length, 2, 'one decide per decision');

    // 3. Undo one file from the Changes section.
    const rel = 'src/greeting.js';
    const abs = path.join(workbench.workspace, rel);
    const before = readFileSync(abs, 'utf8');
    const checkpointId = 'e2e00000-1234-4abc-8def-0123456789ab';
    await writeCheckpoint(workbench.workspace, {
      checkpoint: {
        id: checkpointId,
        label: 'before_write_file',
        timestamp: '2026-11-30T13:00:00.000',
        skill_stack: [],
        git_state: { branch: '', commit: '' },
        file_snapshots: { [rel]: snapshotHash(before) },
      },
      contents: { [rel]: before },
    });
    reporter.send('checkpoint:created', { checkpointId, files: [rel] });
    writeFileSync(abs, `${before}// the run was here\n`);
    reporter.send('file:changed', { path: rel, operation: 'Edit' });
    await reporter.flush(10_000);
    await workbench.openShannonSidebar();
    const monitor = await workbench.findFrameWithText('greeting.js', 30_000);
    await monitor.locator(`li.change[data-path="${rel}"] .change-undo`).click();
    await until('the before text on disk', () => readFileSync(abs, 'utf8') === before);
    await monitor.locator(`li.change-undone[data-path="${rel}"]`).waitFor({ timeout: 30_000 });
    const file = await workbench.screenshot('e2e-steering');
    console.log(`      screenshot: ${file}`);

    // 4. Keep another file; the review marks survive a window reload (a new extension host and hub,
    // the session read back from the journal, the marks from the workspace's state).
    const kept = 'README.md';
    writeFileSync(path.join(workbench.workspace, kept), 'edited by the run\n');
    reporter.send('file:changed', { path: kept, operation: 'Edit' });
    await reporter.flush(10_000);
    await monitor.locator(`li.change[data-path="${kept}"] .change-keep`).click();
    await monitor.locator(`li.change-kept[data-path="${kept}"]`).waitFor({ timeout: 30_000 });
    await reporter.close();
    reporter = undefined;
    // Developer: Reload Window flushes the workbench's state before reloading (page.reload() races it).
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await workbench.runCommand('Developer: Reload Window');
    await reloaded;
    await page
      .locator('.statusbar-item', { hasText: 'Shannon' })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    await workbench.openShannonSidebar();
    const after = await workbench.findFrameWithText('README.md', 60_000);
    await after.locator(`li.change-kept[data-path="${kept}"]`).waitFor({ timeout: 30_000 });
    await after.locator(`li.change-undone[data-path="${rel}"]`).waitFor({ timeout: 30_000 });
  });
});
