// The build half of the F5 loop in a real workbench: the repository's `watch` task
// (.vscode/tasks.json, `npm run watch` = esbuild.mjs --watch) runs as the default build task in a
// copy of the repository's build inputs, and build errors appear in and leave the Problems view as
// the files change. The problem matcher is VS Code's own, reading what esbuild.mjs prints.
import * as assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../harness/code-server.mjs';
import { Workbench } from './workbench';

/** A sample workspace that can run the watch task: the repository's build inputs, copied. */
function withBuildInputs(workspace: string): void {
  for (const name of ['src', 'webview'])
    cpSync(path.join(repoRoot, name), path.join(workspace, name), { recursive: true });
  for (const name of ['esbuild.mjs', 'package.json', 'tsconfig.json'])
    copyFileSync(path.join(repoRoot, name), path.join(workspace, name));
  mkdirSync(path.join(workspace, '.vscode'));
  copyFileSync(path.join(repoRoot, '.vscode', 'tasks.json'), path.join(workspace, '.vscode', 'tasks.json'));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(workspace, 'node_modules'));
}

suite('F5 loop: the watch task reports build errors in the Problems view', () => {
  let workbench: Workbench;
  // One file in the extension bundle only, one in the webview bundle only.
  const extensionFile = 'src/vscode/paths.ts';
  const webviewFile = 'webview/memo.ts';
  let original: Record<string, string>;

  suiteSetup(async () => {
    workbench = await Workbench.open({ prepareWorkspace: withBuildInputs });
    original = Object.fromEntries(
      [extensionFile, webviewFile].map((file) => [file, readFileSync(path.join(workbench.workspace, file), 'utf8')]),
    );
  });

  suiteTeardown(async () => {
    await workbench?.close();
  });

  const breakFile = (file: string) =>
    appendFileSync(path.join(workbench.workspace, file), '\nexport const broken = ;\n');
  const restore = (file: string) => writeFileSync(path.join(workbench.workspace, file), original[file]);

  async function problemsText(): Promise<string> {
    const panel = workbench.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await workbench.runCommand('Problems: Focus on Problems View');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    return (await panel.innerText({ timeout: 5_000 })).replace(/\s+/g, ' ');
  }

  async function waitForProblems(what: string, accept: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      try {
        text = await problemsText();
        if (accept(text)) return text;
      } catch (error) {
        // The view can be swapped out between showing it and reading it (VS Code brings the task's
        // terminal forward when the task is run while already running); the next round shows it again.
        text = `(not readable: ${(error as Error).message.split('\n')[0]})`;
      }
      await workbench.page.waitForTimeout(500);
    }
    throw new Error(`The Problems view did not show ${what} within ${timeoutMs} ms. It shows: ${text}`);
  }

  test('an error appears, stays while another bundle rebuilds, and goes when fixed', async function () {
    // Above the sum of the waits below, so that a slow step fails with its own message.
    this.timeout(540_000);
    breakFile(extensionFile);
    // Ctrl+Shift+B: the watch task is the folder's default build task, so no picker opens.
    await workbench.runBuildTask();
    await waitForProblems('the error in paths.ts', (text) => /paths\.ts.*Unexpected ";"/.test(text), 120_000);
    const file = await workbench.screenshot('e2e-watch-task-problems');
    console.log(`      screenshot: ${file}`);

    // A change that rebuilds only the webview bundle: its error comes and goes, and every report in
    // between keeps the extension bundle's error, which no rebuild has fixed.
    breakFile(webviewFile);
    await waitForProblems(
      'the errors in memo.ts and paths.ts',
      (text) => /memo\.ts/.test(text) && /paths\.ts/.test(text),
    );
    restore(webviewFile);
    const afterWebviewFix = await waitForProblems('memo.ts fixed', (text) => !/memo\.ts/.test(text));
    assert.match(afterWebviewFix, /paths\.ts.*Unexpected ";"/, 'the unfixed error is still listed');

    restore(extensionFile);
    await waitForProblems('no errors', (text) => !/paths\.ts/.test(text));
  });
});
