// The validation and agent panels and the narrow side bar, in Debian's Chromium with the
// production bundle: rendering, ANSI colours from the theme, windowed output that follows its
// tail, copy, keyboard and roles; then the layout at 300x400 and the theme screenshots.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../harness/browser.mjs';
import type { WebviewToHost } from '../../src/protocol/webview';
import { createSummary, reduceAll } from '../../src/hub/session-model';
import { FAILING_TEST_OUTPUT, SESSION_ID, delta, event, fullRun, snapshot } from './fixtures';
import { MonitorPage, MonitorTestServer, buildProductionBundle } from './monitor-page';

const resultsDir = path.resolve(__dirname, '../../test-results');

describe('Monitor panels: validation, agents, narrow side bar (Chromium)', function () {
  let browser: Browser;
  let server: MonitorTestServer;
  let monitor: MonitorPage | undefined;

  before(async function () {
    this.timeout(180_000);
    buildProductionBundle();
    server = await MonitorTestServer.start();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(options: Parameters<typeof MonitorPage.open>[2] = {}): Promise<MonitorPage> {
    if (monitor) await monitor.close();
    monitor = await MonitorPage.open(browser, server, options);
    return monitor;
  }

  afterEach(async () => {
    if (monitor) {
      const violations = await monitor.cspViolations();
      await monitor.close();
      monitor = undefined;
      assert.deepEqual(violations, [], 'CSP violations');
    }
  });

  it('shows one block per check: header count, the failed check open with its exit code, passed ones folded', async () => {
    const m = await open();
    const { summary, events } = fullRun();
    await m.send(snapshot(1, summary, events));
    const page = m.page;
    const header = page.locator('.section-validation > summary');
    await header.waitFor();
    assert.match(await header.innerText(), /3 checks, 1 failed, 1 running/i);
    const checks = page.locator('.check');
    assert.equal(await checks.count(), 3);
    const states = await checks.evaluateAll((els) =>
      els.map((el) => ({
        name: el.querySelector('.check-name')!.textContent,
        state: el.querySelector('.check-state')!.textContent,
        open: el.querySelector('details')!.open,
      })),
    );
    assert.deepEqual(states, [
      { name: 'lint', state: 'passed', open: false },
      { name: 'unit tests', state: 'failed, exit code 1', open: true },
      { name: 'typecheck', state: 'running', open: true },
    ]);
    assert.equal(await page.locator('.check-failed .check-command').innerText(), '$ npm test -- --reporter=dot');

    // The last check completes: the header says how many failed, and the passed check folds.
    const done = event(events.length + 1, 'validation:completed', {
      checkName: 'typecheck',
      success: true,
      exitCode: 0,
      durationMs: 4000,
    });
    const next = reduceAll(summary, [done]);
    await m.send(delta(2, next, [done]));
    await page.waitForFunction(() =>
      /3 checks, 1 failed$/i.test(document.querySelector('.section-validation > summary')!.textContent!.trim()),
    );
    assert.equal(await page.locator('.check-passed details[open]').count(), 0);
  });

  it('renders ANSI colours as theme colours and styles, stderr apart, and never as markup or escape text', async () => {
    const m = await open({ theme: 'dark' });
    const { summary, events } = fullRun();
    await m.send(snapshot(1, summary, events));
    const page = m.page;
    const output = page.locator('.check-failed .check-output');
    await output.locator('.output-line').first().waitFor();
    const lines = await output
      .locator('.output-line')
      .evaluateAll((els) => els.map((el) => ({ text: el.textContent, stderr: el.classList.contains('stderr') })));
    assert.equal(lines.length, 8);
    assert.ok(
      lines.every((line) => !line.text!.includes('\u001b') && !line.text!.includes('[31m')),
      'no escape text',
    );
    assert.deepEqual(
      lines.map((line) => line.stderr),
      [false, false, false, false, true, true, false, false],
    );
    assert.equal(lines[6].text, '<script>alert("not markup")</script>');
    assert.equal(await page.locator('.check-output script').count(), 0);
    // Red and green come from the theme's terminal palette (Dark+: ansiRed #cd3131, ansiGreen #0dbc79).
    const colours = await output.evaluate((box) => ({
      red: getComputedStyle(box.querySelector('.ansi-fg-1')!).color,
      green: getComputedStyle(box.querySelector('.ansi-fg-2')!).color,
      bold: getComputedStyle(box.querySelector('.ansi-bold')!).fontWeight,
      failBackground: getComputedStyle(box.querySelector('.ansi-bg-1')!).backgroundColor,
      failText: getComputedStyle(box.querySelector('.ansi-bg-1')!).color,
    }));
    assert.deepEqual(colours, {
      red: 'rgb(205, 49, 49)',
      green: 'rgb(13, 188, 121)',
      bold: '700',
      failBackground: 'rgb(205, 49, 49)',
      failText: 'rgb(229, 229, 229)',
    });
  });

  it('matches output to checks from the end when it holds only the latest page of events', async () => {
    const m = await open();
    const { summary, events } = fullRun();
    // The page starts in the middle of the failing check's output: lint's events are not there.
    const firstOutput = events.findIndex((e) => e.kind === 'validation:output' && e.data.checkName === 'unit tests');
    await m.send(snapshot(1, summary, events.slice(firstOutput + 2)));
    const page = m.page;
    await page.locator('.check-failed .output-line').first().waitFor();
    assert.equal(
      await page.locator('.check-failed .output-line').count(),
      6,
      'the failing check shows its lines in the page',
    );
    assert.equal(await page.locator('.check-running .output-line').first().innerText(), 'Checking 214 files…');
  });

  it('a long run lists its latest runs: says how many earlier ones are not listed, and matches output from the end', async () => {
    const m = await open();
    const { summary, events } = fullRun();
    // The summary keeps the latest runs only: here it lost lint (and 119 before it) and 3 skills,
    // while the page saw every check's events.
    const trimmed = {
      ...summary,
      checks: summary.checks!.slice(1),
      checksDropped: 120,
      skills: summary.skills.slice(1),
      skillsDropped: 3,
      changesDropped: 2500,
      agentsDropped: 40,
    };
    await m.send(snapshot(1, trimmed, events));
    const page = m.page;
    const header = page.locator('.section-validation > summary');
    await header.waitFor();
    assert.match(await header.innerText(), /122 checks, 1 failed of the latest 2, 1 running/i);
    await page
      .locator('.section-validation .earlier-runs', { hasText: '120 earlier check runs are not listed' })
      .waitFor();
    await page.locator('.section-skills .earlier-runs', { hasText: '3 earlier skill runs are not listed' }).waitFor();
    await page
      .locator('.section-changes .earlier-runs', { hasText: '2,500 earlier changed files are not listed' })
      .waitFor();
    await page.locator('.section-agents .earlier-runs', { hasText: '40 earlier agents are not listed' }).waitFor();
    assert.match(
      await page.locator('.section-changes > summary').innerText(),
      new RegExp(`\\b${summary.changes!.length + 2500}\\b`),
      'the section counts the earlier files too',
    );
    assert.deepEqual(await page.locator('.check-name').allInnerTexts(), ['unit tests', 'typecheck']);
    // The failing check still shows its own output, not lint's.
    await page.locator('.check-failed .output-line').first().waitFor();
    assert.equal(await page.locator('.check-failed .output-line').count(), FAILING_TEST_OUTPUT.length);
    assert.equal(await page.locator('.check-running .output-line').first().innerText(), 'Checking 214 files…');
  });

  it('copies a check output as plain text', async () => {
    const m = await open();
    const { summary, events } = fullRun();
    await m.send(snapshot(1, summary, events));
    await m.clearPosted();
    await m.page.locator('.check-failed button', { hasText: 'Copy output' }).click();
    const copy = (await m.waitForPosted((msg) => msg.type === 'copy')) as Extract<WebviewToHost, { type: 'copy' }>;
    const lines = copy.text.split('\n');
    assert.equal(lines.length, 8);
    assert.equal(lines[0], 'RUN  v1.6.0 /work/app');
    assert.equal(lines[4], ' FAIL  expected "dark" to be "light"');
    assert.ok(!copy.text.includes('\u001b'));
  });

  it('keeps a 100,000-line output windowed, follows its tail, stops following when scrolled up, and follows again', async () => {
    const m = await open();
    const total = 100_000;
    const head = [
      event(1, 'execution:started', { task: 'a loud check' }),
      event(2, 'validation:started', { checkName: 'stress', command: 'yes' }),
    ];
    let summary = reduceAll(createSummary(SESSION_ID, { source: 'native', createdAt: head[0].ts }), head);
    // Generated in the page: the point is the webview's work, not shipping 100k events over CDP.
    await m.page.evaluate(
      ({ base, total }) => {
        const message = base as { events: Array<Record<string, unknown>> };
        const start = Date.parse('2026-11-25T20:30:00.000Z');
        for (let i = 0; i < total; i++)
          message.events.push({
            sessionId: 'do_20261125_203000_a1b2c3d4',
            seq: 3 + i,
            ts: new Date(start + i).toISOString(),
            kind: 'validation:output',
            data: {
              checkName: 'stress',
              line: `\u001b[3${i % 8}mline ${i + 1}\u001b[0m`,
              stream: i % 10 === 0 ? 'stderr' : 'stdout',
            },
          });
        window.postMessage(message, '*');
      },
      { base: snapshot(1, summary, head) as unknown as Record<string, unknown>, total },
    );
    const events = { length: head.length + total };
    const page = m.page;
    const output = page.locator('.check-output');
    await page.waitForFunction(() => document.querySelector('.check-toolbar')?.textContent?.includes('100000 lines'));
    const lastVisible = () =>
      output.evaluate((box) => {
        const b = box.getBoundingClientRect();
        const inView = [...box.querySelectorAll('.output-line')].filter((row) => {
          const r = row.getBoundingClientRect();
          return r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
        });
        return inView[inView.length - 1]?.textContent ?? '';
      });
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('.check-output .output-line');
      return rows[rows.length - 1]?.textContent === 'line 100000';
    });
    assert.equal(await lastVisible(), 'line 100000', 'starts at the tail');
    const domLines = await output.locator('.output-line').count();
    assert.ok(domLines < 60, `windowed: ${domLines} line nodes for ${total} lines`);

    // New lines arrive: the view follows.
    let seq = events.length;
    const more = (n: number) =>
      Array.from({ length: n }, () => event(++seq, 'validation:output', { checkName: 'stress', line: `more ${seq}` }));
    let batch = more(3);
    summary = reduceAll(summary, batch);
    await m.send(delta(2, summary, batch));
    await page.waitForFunction((last) => {
      const box = document.querySelector('.check-output')!;
      const b = box.getBoundingClientRect();
      return [...box.querySelectorAll('.output-line')].some(
        (row) => row.textContent === last && row.getBoundingClientRect().bottom <= b.bottom + 1,
      );
    }, `more ${seq}`);

    // The user scrolls up: following stops, a Follow button appears, appends leave the view alone.
    await output.hover();
    await page.mouse.wheel(0, -2000);
    await page.locator('.check-toolbar button', { hasText: 'Follow' }).waitFor();
    const before = await output.evaluate((box) => box.scrollTop);
    batch = more(50);
    summary = reduceAll(summary, batch);
    await m.send(delta(3, summary, batch));
    await page.waitForFunction(() => document.querySelector('.check-toolbar')?.textContent?.includes('100053 lines'));
    assert.equal(await output.evaluate((box) => box.scrollTop), before, 'the view stays where the user put it');

    // Follow: back at the newest line.
    await page.locator('.check-toolbar button', { hasText: 'Follow' }).click();
    await page.waitForFunction((last) => {
      const rows = document.querySelectorAll('.check-output .output-line');
      return rows[rows.length - 1]?.textContent === last;
    }, `more ${seq}`);
    assert.equal(await lastVisible(), `more ${seq}`);
    assert.equal(await page.locator('.check-toolbar button', { hasText: 'Follow' }).count(), 0);
  });

  it('is reachable from the keyboard, with roles for screen readers', async () => {
    const m = await open();
    const { summary, events } = fullRun();
    await m.send(snapshot(1, summary, events));
    const page = m.page;
    await page.locator('.check').first().waitFor();
    // Outputs are named logs that do not announce every line; lists are labelled.
    const output = page.locator('.check-failed .check-output');
    assert.equal(await output.getAttribute('role'), 'log');
    assert.equal(await output.getAttribute('aria-live'), 'off');
    assert.equal(await output.getAttribute('aria-label'), 'Output of unit tests');
    assert.equal(await output.getAttribute('tabindex'), '0');
    assert.equal(await page.locator('ul[aria-label="Checks"] > li').count(), 3);
    assert.equal(await page.locator('ul[aria-label="Agents"] > li').count(), 2);

    // Tab to the passed check's summary and open it with Enter; its output is then focusable.
    const lintSummary = page.locator('.check-passed summary');
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await lintSummary.evaluate((el) => el === document.activeElement)) break;
    }
    assert.ok(await lintSummary.evaluate((el) => el === document.activeElement), 'Tab reaches a check');
    await page.keyboard.press('Enter');
    await page.locator('.check-passed details[open] .check-output').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.ok(
      await page.locator('.check-passed .check-output').evaluate((el) => el === document.activeElement),
      'the output takes the focus (arrow keys scroll it)',
    );
  });

  it('shows the agent pool: counts, then role, skill, state, duration and last activity per agent', async () => {
    const m = await open();
    const { summary, events } = fullRun();
    await m.send(snapshot(1, summary, events));
    const page = m.page;
    await page.locator('.agent').first().waitFor();
    assert.equal(await page.locator('.agent-counts').innerText(), '1 active, 1 completed, 0 failed');
    const rows = await page
      .locator('.agent')
      .evaluateAll((els) =>
        els.map((el) =>
          ['.agent-role', '.agent-skill', '.agent-state', '.agent-duration', '.agent-activity'].map(
            (s) => el.querySelector(s)?.textContent ?? '',
          ),
        ),
      );
    assert.deepEqual(rows, [
      ['coder', 'write_code', 'completed', '9.3 s', 'Editing src/settings/ThemeToggle.tsx'],
      ['tester', 'run_tests', 'active', '', 'Reading the failure in ThemeToggle.test.tsx'],
    ]);
  });

  it('at 300x400 the header, one expanded section and five event rows fit; sections never overlap', async () => {
    const m = await open({ width: 300, height: 400 });
    const { summary, events } = fullRun();
    await m.send(snapshot(1, summary, events));
    const page = m.page;
    await page.locator('.section-agents').waitFor();
    // Fold every section but Skills, as a user with a short side bar would.
    for (const name of ['checkpoints', 'changes', 'validation', 'agents'])
      await page.locator(`.section-${name} > summary`).click();
    await page.waitForFunction(() => document.querySelectorAll('.section[open]').length === 1);
    const layout = await page.evaluate(() => {
      const list = document.querySelector('.event-scroll')!.getBoundingClientRect().toJSON() as DOMRect;
      return {
        page: document.querySelector('.app')!.scrollHeight,
        header: document.querySelector('.session-header')!.getBoundingClientRect().toJSON() as DOMRect,
        details: document.querySelector('.details-area')!.getBoundingClientRect().toJSON() as DOMRect,
        sections: [...document.querySelectorAll('.section')].map(
          (el) => el.getBoundingClientRect().toJSON() as DOMRect,
        ),
        skillsBody: document
          .querySelector('.section-skills .section-body')!
          .getBoundingClientRect()
          .toJSON() as DOMRect,
        skillsBodyScroll: document.querySelector('.section-skills .section-body')!.scrollHeight,
        skills: document.querySelector('.section-skills')!.getBoundingClientRect().toJSON() as DOMRect,
        toolbar: document.querySelector('.event-toolbar')!.getBoundingClientRect().toJSON() as DOMRect,
        list,
        footer: document.querySelector('footer')!.getBoundingClientRect().toJSON() as DOMRect,
        rowsInView: [...document.querySelectorAll('.event-row')].filter((row) => {
          const r = row.getBoundingClientRect();
          return r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5;
        }).length,
      };
    });
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'webview-narrow-300x400-one-section.png') });
    assert.ok(layout.page <= 400, `no page scrolling (${layout.page}px)`);
    assert.ok(layout.rowsInView >= 5, `${layout.rowsInView} event rows in view`);
    assert.ok(layout.details.top >= layout.header.bottom - 0.5, 'sections below the header');
    assert.ok(layout.toolbar.top >= layout.details.bottom - 0.5, 'the filter bar below the sections');
    assert.ok(layout.footer.top >= layout.list.bottom - 0.5, 'the footer below the list');
    // The open section shows all its rows (three skills), none cut by the filter bar.
    assert.ok(layout.skills.top >= layout.details.top - 0.5, 'the open section starts in view, with its title');
    assert.ok(layout.skillsBody.bottom <= layout.details.bottom + 0.5, 'the open section is whole');
    assert.ok(layout.skillsBody.height >= layout.skillsBodyScroll - 1, 'all of its rows');
    // No two sections overlap.
    for (let i = 0; i < layout.sections.length; i++)
      for (let j = i + 1; j < layout.sections.length; j++) {
        const a = layout.sections[i];
        const b = layout.sections[j];
        const overlap =
          a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
        assert.ok(!overlap, `sections ${i} and ${j} overlap`);
      }
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    for (const [width, height] of [
      [300, 400],
      [420, 900],
    ]) {
      it(`screenshot of a run that fills every panel, ${theme}, ${width}x${height}`, async () => {
        const m = await open({ theme, width, height });
        const { summary, events } = fullRun();
        await m.send(snapshot(1, summary, events));
        await m.page.locator('.check-failed .output-line').first().waitFor();
        mkdirSync(resultsDir, { recursive: true });
        await m.page.screenshot({ path: path.join(resultsDir, `webview-panels-${theme}-${width}x${height}.png`) });
        // Nothing spills sideways in the narrow bar.
        const overflow = await m.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
      });
    }
  }
});
