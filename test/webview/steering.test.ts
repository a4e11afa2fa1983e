// The Monitor's steering parts in Chromium (production bundle, real CSP): the decision card, the
// "Tell Shannon…" input with its results, the control status line, and the Changes section. Every
// assertion reads the DOM or the messages the page posted; screenshots in three themes.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../harness/browser.mjs';
import type { DecisionState, SessionSummary } from '../../src/protocol/session';
import { SESSION_ID, delta, event, realisticRun, snapshot } from './fixtures';
import { MonitorPage, MonitorTestServer, buildProductionBundle } from './monitor-page';

const resultsDir = path.resolve(__dirname, '../../test-results');

function decision(patch: Partial<DecisionState> = {}): DecisionState {
  return {
    decisionId: 'd1',
    question: 'Keep a compatibility alias for load_config?',
    options: [
      { id: 'keep', label: 'Keep the alias' },
      { id: 'remove', label: 'Remove it', description: 'Callers must change' },
      { id: 'ask', label: 'Ask me later' },
    ],
    defaultOptionId: 'keep',
    autoResolveAt: new Date(Date.now() + 30_000).toISOString(),
    requestedAt: new Date().toISOString(),
    ...patch,
  };
}

function steerable(patch: Partial<SessionSummary> = {}): SessionSummary {
  const { summary } = realisticRun();
  return {
    ...summary,
    capabilities: ['halt', 'resume', 'cancel', 'decide', 'instruct'],
    decisions: [decision()],
    controls: [],
    ...patch,
  };
}

describe('Monitor webview: steering (Chromium, production bundle)', function () {
  let browser: Browser;
  let server: MonitorTestServer;
  let monitor: MonitorPage | undefined;
  const m = () => monitor!;

  before(async function () {
    this.timeout(180_000);
    buildProductionBundle();
    server = await MonitorTestServer.start();
    browser = await launchChromium();
    mkdirSync(resultsDir, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    monitor = await MonitorPage.open(browser, server);
  });
  afterEach(async () => {
    if (monitor) {
      assert.deepEqual(await monitor.cspViolations(), [], 'no CSP violations');
      await monitor.close();
    }
    monitor = undefined;
  });

  it('a pending decision is a card: buttons, default marked, countdown; a click sends one answer', async () => {
    const s = steerable();
    await m().send(snapshot(1, s, []));
    const page = m().page;
    const card = page.locator('.decision-card');
    await card.waitFor();
    assert.match((await card.locator('.decision-question').textContent())!, /compatibility alias/);
    assert.equal(await card.locator('button.decision-option').count(), 3);
    assert.match((await card.locator('.decision-default').textContent())!, /Keep the alias.*default/);
    assert.match(
      (await card.locator('.decision-countdown').textContent())!,
      /Default \(Keep the alias\) in 0:(2\d|30)/,
    );
    // The card sits above the header, at the top of the Monitor.
    const cardBox = (await card.boundingBox())!;
    const headerBox = (await page.locator('.session-header').boundingBox())!;
    assert.ok(cardBox.y < headerBox.y);

    await card.locator('button[data-option-id=remove]').click();
    const posted = await m().waitForPosted((x) => x.type === 'decide');
    assert.deepEqual(posted, { type: 'decide', sessionId: SESSION_ID, decisionId: 'd1', optionId: 'remove' });

    // The hub recorded the answer: the card says so and offers no second click.
    const sentAt = new Date().toISOString();
    const answered = steerable({
      decisions: [decision({ answer: { optionId: 'remove', controlId: 'c1', at: sentAt } })],
      controls: [{ id: 'c1', command: 'decide', sentAt, decisionId: 'd1', optionId: 'remove' }],
    });
    await m().send(delta(2, answered, []));
    await page.locator('.decision-note', { hasText: 'Sent "Remove it", waiting for the CLI' }).waitFor();
    assert.equal(await card.locator('button[aria-disabled=true]').count(), 3);
    await m().clearPosted();
    await card.locator('button[data-option-id=keep]').click({ force: true });
    assert.deepEqual(
      (await m().posted()).filter((x) => x.type === 'decide'),
      [],
      'no second answer',
    );

    // The run confirms: the card folds into the history.
    const resolved = steerable({
      decisions: [
        decision({
          answer: { optionId: 'remove', controlId: 'c1', at: sentAt },
          resolved: { optionId: 'remove', by: 'user', at: sentAt },
        }),
        decision({
          decisionId: 'd0',
          question: 'Run the slow tests?',
          resolved: { optionId: 'keep', by: 'default', at: sentAt },
        }),
      ],
    });
    await m().send(
      delta(3, resolved, [event(20, 'decision:resolved', { decisionId: 'd1', optionId: 'remove', by: 'user' })]),
    );
    await page.locator('.decision-history li', { hasText: 'You chose: Remove it' }).waitFor();
    assert.equal(await page.locator('.decision-card').count(), 0);
    assert.match((await page.locator('.decision-history').textContent())!, /Default taken: Keep the alias/);
  });

  it('legacy sessions and CLIs without decide show the decision read-only ("answer in the terminal")', async () => {
    await m().send(snapshot(1, steerable({ unauthenticated: true, source: 'legacy', capabilities: [] }), []));
    const page = m().page;
    await page.locator('.decision-card').waitFor();
    assert.match((await page.locator('.decision-note').textContent())!, /legacy endpoint.*answer in the terminal/);
    await page.locator('button[data-option-id=keep]').click({ force: true });
    await m().send(snapshot(2, steerable({ capabilities: ['halt'] }), []));
    await page.locator('.decision-note', { hasText: 'did not say it takes answers' }).waitFor();
    await page.locator('button[data-option-id=keep]').click({ force: true });
    assert.deepEqual(
      (await m().posted()).filter((x) => x.type === 'decide'),
      [],
    );
  });

  it('"Tell Shannon…" sends an instruction and shows sent, done, refused, and no answer after 10 s', async () => {
    await m().send(snapshot(1, steerable({ decisions: [] }), []));
    const page = m().page;
    const input = page.locator('input.instruct-input');
    await input.fill('Also update the tests');
    await input.press('Enter');
    const posted = await m().waitForPosted((x) => x.type === 'instruct');
    assert.deepEqual(posted, { type: 'instruct', sessionId: SESSION_ID, text: 'Also update the tests' });
    assert.equal(await input.inputValue(), '');

    const now = Date.now();
    const controls = [
      {
        id: 'a',
        command: 'instruct',
        text: 'Use tabs',
        sentAt: new Date(now - 60_000).toISOString(),
        result: { ok: true, at: new Date(now).toISOString() },
      },
      {
        id: 'b',
        command: 'instruct',
        text: 'Skip the docs',
        sentAt: new Date(now - 30_000).toISOString(),
        result: { ok: false, message: 'not now', at: new Date(now).toISOString() },
      },
      { id: 'c', command: 'instruct', text: 'Hurry up', sentAt: new Date(now - 11_000).toISOString() },
    ];
    await m().send(delta(2, steerable({ decisions: [], controls }), []));
    const rows = page.locator('.instructions li');
    await rows.nth(2).waitFor();
    assert.match((await rows.nth(0).textContent())!, /Use tabs.*done/);
    assert.match((await rows.nth(1).textContent())!, /Skip the docs.*refused: not now/);
    assert.match((await rows.nth(2).textContent())!, /Hurry up.*no answer from the CLI/);

    // Halt's status under the header: sent, then done once the state says halted.
    const halt = { id: 'h', command: 'halt', sentAt: new Date().toISOString() };
    await m().send(delta(3, steerable({ decisions: [], controls: [...controls, halt] }), []));
    await page.locator('.control-status', { hasText: 'Halt: sent' }).waitFor();
    await m().send(delta(4, steerable({ decisions: [], controls: [...controls, halt], state: 'halted' }), []));
    await page.locator('.control-status', { hasText: 'Halt: done' }).waitFor();

    // No input without the capability.
    await m().send(snapshot(5, steerable({ decisions: [], capabilities: ['halt'] }), []));
    await page.locator('.status-badge').waitFor();
    assert.equal(await page.locator('input.instruct-input').count(), 0);
  });

  it('Changes: click opens the diff, Keep and Undo per file, Keep All, Undo All…, reviewed marks', async () => {
    const s = steerable({ decisions: [] });
    await m().send(snapshot(1, s, [], { review: {} }));
    const page = m().page;
    const rows = page.locator('.change-list li');
    await rows.nth(1).waitFor();
    assert.match((await page.locator('.section-changes > summary').textContent())!, /Changes\s*2/);
    assert.match((await page.locator('.changes-toolbar').textContent())!, /2 to review/);
    await rows.nth(0).locator('.change-file').click();
    await rows.nth(0).locator('.change-keep').click();
    await rows.nth(1).locator('.change-undo').click();
    await page.locator('.changes-keep-all').click();
    await page.locator('.changes-undo-all').click();
    const reviews = (await m().posted()).filter((x) => x.type === 'review');
    assert.deepEqual(
      reviews.map((x) => (x.type === 'review' ? [x.action, x.path ?? ''] : [])),
      [
        ['diff', 'src/settings/ThemeToggle.tsx'],
        ['keep', 'src/settings/ThemeToggle.tsx'],
        ['undo', 'src/settings/index.tsx'],
        ['keepAll', ''],
        ['undoAll', ''],
      ],
    );
    // The host says the first file was kept: it is reviewed; a later change reopens it.
    await m().send({
      type: 'review',
      seq: 2,
      sessionId: SESSION_ID,
      marks: { 'src/settings/ThemeToggle.tsx': { seq: 7, action: 'kept' } },
    });
    await page.locator('.change-kept').waitFor();
    assert.match((await page.locator('.changes-toolbar').textContent())!, /1 to review/);
    const changedAgain = steerable({
      decisions: [],
      changes: [
        { path: 'src/settings/ThemeToggle.tsx', operation: 'Edit', seq: 12 },
        { path: 'src/settings/index.tsx', operation: 'Edit', seq: 8 },
      ],
    });
    await m().send(delta(3, changedAgain, []));
    await page.locator('.changes-toolbar', { hasText: '2 to review' }).waitFor();
    assert.equal(await page.locator('.change-kept').count(), 0);
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`screenshot of the decision card, instructions and Changes in the ${theme} theme`, async () => {
      await m().close();
      monitor = await MonitorPage.open(browser, server, { theme, width: 380, height: 820 });
      const now = Date.now();
      const s = steerable({
        controls: [
          {
            id: 'a',
            command: 'instruct',
            text: 'Also update the tests',
            sentAt: new Date(now - 5_000).toISOString(),
            result: { ok: true, at: new Date(now).toISOString() },
          },
        ],
        changes: [
          { path: 'src/settings/ThemeToggle.tsx', operation: 'Write', seq: 7 },
          { path: 'src/settings/index.tsx', operation: 'Edit', seq: 8 },
          { path: 'README.md', operation: 'Edit', seq: 9 },
        ],
      });
      await m().send(snapshot(1, s, [], { review: { 'src/settings/index.tsx': { seq: 8, action: 'kept' } } }));
      await m().page.locator('.decision-card').waitFor();
      await m().page.locator('.change-kept').waitFor();
      const file = path.join(resultsDir, `webview-steering-${theme}.png`);
      await m().page.screenshot({ path: file });
      // The card stands out from the page: its border is the theme's focus colour, not transparent.
      const border = await m().page.$eval('.decision-card', (el) => getComputedStyle(el).borderLeftColor);
      assert.notEqual(border, 'rgba(0, 0, 0, 0)');
    });
  }
});
