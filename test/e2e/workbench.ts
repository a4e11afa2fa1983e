// Shared helpers for UI end-to-end tests: a real code-server workbench with the extension
// installed from the packaged .vsix (so a file missing from the package fails a test), driven by
// Debian's Chromium through playwright-core. Every wait has a timeout; close() stops everything.
// How to use: see test/README.md.
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, newWorkbenchPage } from '../harness/browser.mjs';
import {
  copyFixtureWorkspace,
  makeTempDir,
  removeTempDir,
  repoRoot,
  startCodeServer,
  testUserSettings,
  testWorkbenchEnv,
  vsixPath,
  workbenchUrl,
  type CodeServer,
} from '../harness/code-server.mjs';

export const resultsDir = path.join(repoRoot, 'test-results');

export interface WorkbenchOptions {
  /** Extra environment for code-server and so for the extension host (e.g. PATH with a fake `shannon`). */
  env?: Record<string, string>;
  /** User settings merged over the harness defaults (which put shannon.legacy.port on a free port). */
  settings?: Record<string, unknown>;
  /** How long to wait for the workbench to appear (default 60 s). */
  timeoutMs?: number;
  /** Changes this run's copy of the sample workspace before the workbench opens it. */
  prepareWorkspace?: (workspace: string) => void;
}

/** Workbenches still open: the failure hook screenshots them, the exit path closes them. */
const openWorkbenches = new Set<Workbench>();
export function liveWorkbenches(): Workbench[] {
  return [...openWorkbenches];
}

function sanitize(name: string): string {
  return name
    .replace(/[^a-z0-9-_]+/gi, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
}

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    readonly server: CodeServer,
    /** This run's own copy of test/fixtures/workspace (opened as the folder). */
    readonly workspace: string,
    /** SHANNON_IDE_DIR of the extension host: hub lock file, journal. Never ~/.shannon. */
    readonly ideDir: string,
    private readonly runDir: string,
  ) {}

  /** Install dist-vsix/shannon-vscode.vsix into a fresh profile, start code-server, open the workspace. */
  static async open(options: WorkbenchOptions = {}): Promise<Workbench> {
    if (!existsSync(vsixPath)) {
      throw new Error(`${vsixPath} does not exist: run \`npm run package\` first (npm test does it for you).`);
    }
    const runDir = makeTempDir('shannon-e2e-');
    const workspace = copyFixtureWorkspace(runDir);
    options.prepareWorkspace?.(workspace);
    const ideDir = path.join(runDir, 'shannon-ide');
    mkdirSync(ideDir);
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      server = await startCodeServer({
        vsix: vsixPath,
        env: { ...testWorkbenchEnv, SHANNON_IDE_DIR: ideDir, ...options.env },
        settings: { ...(await testUserSettings()), ...options.settings },
      });
      browser = await launchChromium();
      page = await newWorkbenchPage(browser);
      await page.goto(workbenchUrl(server, workspace));
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: options.timeoutMs ?? 60_000 });
      const workbench = new Workbench(page, browser, server, workspace, ideDir, runDir);
      openWorkbenches.add(workbench);
      return workbench;
    } catch (error) {
      // The workbench never came up: keep what the browser showed and what code-server said.
      if (page) {
        mkdirSync(resultsDir, { recursive: true });
        const file = path.join(resultsDir, 'e2e-open-failure.png');
        await page.screenshot({ path: file, timeout: 10_000 }).then(
          () => console.error(`      screenshot: ${file}`),
          () => undefined,
        );
      }
      if (server) console.error(`      code-server output (tail):\n${server.output().slice(-3000)}`);
      await browser?.close().catch(() => undefined);
      await server?.stop();
      removeTempDir(runDir);
      throw error;
    }
  }

  /** Open the command palette in command mode. */
  async openPalette(): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input');
    for (const shortcut of ['F1', 'Control+Shift+P']) {
      await this.page.keyboard.press(shortcut);
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        return input;
      } catch {
        // Focus may have been inside a webview that swallowed the key; try the other shortcut.
      }
    }
    throw new Error('The command palette did not open (F1 and Ctrl+Shift+P)');
  }

  /**
   * Run a command by its palette title, e.g. "Shannon: Do". The palette lists the commands enabled
   * when the text was typed, and a command whose `when` clause turns true later (the Tasks commands
   * wait for the extension host) shows up only when the text changes: so it is typed again every
   * 3 s until the row is there.
   */
  async runCommand(title: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const input = await this.openPalette();
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (;;) {
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: Math.max(500, Math.min(3_000, deadline - Date.now())) });
        break;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        await input.fill('>');
      }
    }
    await row.click();
  }

  /**
   * Run the folder's default build task (Tasks: Run Build Task) and wait until the status bar's
   * running-tasks item counts it.
   *
   * VS Code ignores Tasks: Run Build Task and Tasks: Run Task, without a word, until its task
   * service has looked for task terminals to reconnect to, which it does once the terminal backend
   * (code-server's pty host) has answered. On a loaded machine that comes seconds after the
   * workbench appears, and a command run before it does nothing (seen in CI: the Run Task picker
   * never opened). So this first waits for the mark the workbench records at that moment, then
   * waits until no extension is still activating (the npm task type's provider is an extension,
   * and VS Code gives it 5 s to answer before it drops the run, again without a word), then runs
   * the command, and runs it again only when no task is running 30 s later. Not sooner: running
   * the task a second time while it runs asks which instance to terminate.
   */
  async runBuildTask(timeoutMs = 120_000): Promise<void> {
    await this.page
      .waitForFunction(() => performance.getEntriesByName('code/terminal/didGetPerformanceMarks').length > 0, null, {
        timeout: 60_000,
        polling: 250,
      })
      .catch(() => console.log('      the terminal backend mark did not appear within 60 s; running the task anyway'));
    await this.page
      .locator('.statusbar-item', { hasText: 'Activating Extensions' })
      .first()
      .waitFor({ state: 'hidden', timeout: 60_000 })
      .catch(() => console.log('      extensions were still activating after 60 s; running the task anyway'));
    const running = this.page.locator('.statusbar-item[id="status.runningTasks"]');
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const left = () => Math.max(1_000, deadline - Date.now());
      try {
        await this.runCommand('Tasks: Run Build Task', left());
        await running.waitFor({ state: 'visible', timeout: Math.min(30_000, left()) });
        return;
      } catch (error) {
        const ui = await this.describeUi();
        if (Date.now() >= deadline) {
          throw new Error(
            `No task was running ${timeoutMs} ms after the first Tasks: Run Build Task (${attempt} runs). ${ui}`,
            {
              cause: error,
            },
          );
        }
        const elapsed = Math.round((Date.now() - (deadline - timeoutMs)) / 1000);
        const why = (error as Error).message.split('\n')[0];
        console.log(`      Tasks: Run Build Task, run ${attempt} (${elapsed} s in), started no task: ${why}; ${ui}`);
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** What the quick input, the notifications and the status bar show, for failure messages. */
  async describeUi(): Promise<string> {
    const texts = async (selector: string) =>
      (
        await this.page
          .locator(selector)
          .allInnerTexts()
          .catch(() => [])
      ).map((text) => text.replace(/\s+/g, ' ').trim());
    const quickInput = this.page.locator('.quick-input-widget');
    const picker = (await quickInput.isVisible().catch(() => false))
      ? `quick input "${await quickInput.locator('input').getAttribute('placeholder')}": ${JSON.stringify(
          await texts('.quick-input-list .monaco-list-row'),
        )}`
      : 'no quick input';
    return [
      picker,
      `notifications: ${JSON.stringify(await texts('.notification-list-item-message'))}`,
      `status bar: ${JSON.stringify((await texts('.statusbar-item')).filter(Boolean))}`,
    ].join('; ');
  }

  /** Click the Shannon icon in the activity bar and wait for the side bar to show the container. */
  async openShannonSidebar(timeoutMs = 20_000): Promise<void> {
    const icon = this.page.locator('.activitybar .action-item a[aria-label^="Shannon"]').first();
    await icon.waitFor({ state: 'visible', timeout: timeoutMs });
    const alreadyOpen = await this.page
      .locator('.part.sidebar .composite.title h2', { hasText: /^Shannon/i })
      .isVisible();
    if (!alreadyOpen) await icon.click();
    await this.page
      .locator('.part.sidebar .composite.title', { hasText: /Shannon/i })
      .waitFor({ state: 'visible', timeout: timeoutMs });
    await this.dismissHover();
  }

  /** Move the mouse to the editor area so no hover tooltip covers what a screenshot should show. */
  async dismissHover(timeoutMs = 5_000): Promise<void> {
    await this.page.mouse.move(900, 300);
    await this.page
      .locator('.workbench-hover-container')
      .first()
      .waitFor({ state: 'hidden', timeout: timeoutMs })
      .catch(() => undefined);
  }

  /** Titles of the view pane headers visible in the side bar, e.g. ["Monitor", "Checkpoints"]. */
  async sidebarViewTitles(): Promise<string[]> {
    const titles = await this.page.locator('.part.sidebar .pane-header h3.title').allInnerTexts();
    return titles.map((title) => title.trim());
  }

  /** Wait until a side-bar view header with this title is visible. */
  async waitForView(title: string, timeoutMs = 20_000): Promise<Locator> {
    const header = this.page
      .locator('.part.sidebar .pane-header', { has: this.page.locator('h3.title', { hasText: title }) })
      .first();
    await header.waitFor({ state: 'visible', timeout: timeoutMs });
    return header;
  }

  /** Rows of a tree view (e.g. "Checkpoints") under its pane header. */
  treeRows(viewTitle: string): Locator {
    return this.page
      .locator('.part.sidebar .pane', { has: this.page.locator('.pane-header h3.title', { hasText: viewTitle }) })
      .locator('.pane-body .monaco-list-row');
  }

  /**
   * Webview content lives in nested iframes (host frame -> active-frame). Returns the first frame
   * whose body text contains `text`, polling until `timeoutMs`.
   */
  async findFrameWithText(text: string | RegExp, timeoutMs = 20_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    const matches = (body: string) => (typeof text === 'string' ? body.includes(text) : text.test(body));
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (matches(body)) return frame;
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`No webview frame showed ${String(text)} within ${timeoutMs} ms`);
  }

  /** Text currently rendered in the visible terminal (needs gpuAcceleration off, the harness default). */
  async terminalText(): Promise<string> {
    const rows = this.page.locator('.terminal-wrapper.active .xterm-rows, .terminal-wrapper .xterm-rows');
    if ((await rows.count()) === 0) return '';
    return (await rows.allInnerTexts()).join('\n');
  }

  /** Poll the terminal until it shows `text`. */
  async waitForTerminalText(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.terminalText();
      if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`The terminal did not show ${String(text)} within ${timeoutMs} ms. It shows:\n${last}`);
  }

  /** Full-page screenshot into test-results/<name>.png; returns the path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${sanitize(name)}.png`);
    await this.page.screenshot({ path: file, timeout: 15_000 });
    return file;
  }

  /** Stop the browser and code-server (its whole process group) and delete the temp dirs. */
  async close(): Promise<void> {
    openWorkbenches.delete(this);
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    removeTempDir(this.runDir);
  }
}

/** Used by the failure hook: screenshot every open workbench, named after the failed test. */
export async function screenshotOpenWorkbenches(testTitle: string): Promise<string[]> {
  const files: string[] = [];
  for (const [index, workbench] of liveWorkbenches().entries()) {
    const file = await workbench
      .screenshot(`e2e-failure-${sanitize(testTitle)}${index ? `-${index}` : ''}`)
      .catch(() => undefined);
    if (file) files.push(file);
  }
  return files;
}
