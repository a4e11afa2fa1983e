// The Monitor webview in Debian's Chromium, production bundle, real CSP, host messages played
// through window.postMessage. Every assertion reads the DOM or the messages the page posted.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../harness/browser.mjs';
import { SessionStore } from '../../src/hub/store';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import type { HubStatus } from '../../src/protocol/session';
import { SESSION_ID, delta, event, hubStatus, logEvents, realisticRun, session, snapshot } from './fixtures';
import { MonitorPage, MonitorTestServer, buildProductionBundle } from './monitor-page';

const LEGACY_TOOLTIP =
  'Steering is disabled: this session came through the legacy endpoint, which has no authentication';
const resultsDir = path.resolve(__dirname, '../../test-results');

describe('Monitor webview (Chromium, production bundle)', function () {
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

  beforeEach(async () => {
    monitor = await MonitorPage.open(browser, server);
  });

  afterEach(async () => {
    if (monitor) {
      // No test may trip the Content-Security-Policy (inline styles, stray scripts...).
      const violations = await monitor.cspViolations();
      await monitor.close();
      monitor = undefined;
      assert.deepEqual(violations, [], 'CSP violations');
    }
  });

  const m = () => monitor!;

  /** Replace the page with one that talks to a real host side over `store` (paging and filters need answers). */
  async function withHost(store: SessionStore): Promise<MonitorPage> {
    await monitor?.close();
    monitor = await MonitorPage.withHost(browser, server, store);
    await monitor.page.locator('.event-row').first().waitFor();
    return monitor;
  }

  it('says ready (with no pin) on load, then shows a snapshot and appends deltas', async () => {
    const ready = (await m().posted()).find((x) => x.type === 'ready');
    assert.deepEqual(ready, { type: 'ready', pinnedSessionId: null });

    const s = session({ lastSeq: 3, eventCount: 3 });
    await m().send(snapshot(5, s, logEvents(1, 3)));
    const page = m().page;
    await page.locator('.task', { hasText: 'Add a dark mode toggle' }).waitFor();
    await page.locator('.event-row[data-seq="3"]', { hasText: 'event 3' }).waitFor();

    await m().send(delta(6, session({ lastSeq: 5 }), logEvents(4, 2)));
    await m().send(delta(7, session({ lastSeq: 6 }), logEvents(6, 1)));
    await page.locator('.event-row[data-seq="6"]', { hasText: 'event 6' }).waitFor();
    assert.deepEqual(await m().renderedSeqs(), [1, 2, 3, 4, 5, 6]);
    assert.equal((await m().posted()).filter((x) => x.type === 'requestSnapshot').length, 0);
    // A delta with a kind not seen before also reaches the kind filter.
    await m().send(
      delta(8, session({ lastSeq: 7 }), [
        event(7, 'checkpoint:created', { checkpointId: 'cp_9', label: 'fresh checkpoint' }),
      ]),
    );
    await page.locator('.event-row[data-seq="7"]', { hasText: 'fresh checkpoint' }).waitFor();
    await page.locator('#kind-filter option[value="checkpoint:created"]').waitFor({ state: 'attached' });
  });

  it('asks for a new snapshot on a seq gap and ignores deltas until it arrives', async () => {
    await m().send(snapshot(1, session(), logEvents(1, 2)));
    await m().page.locator('.event-row[data-seq="2"]').waitFor();
    await m().send(delta(2, session(), logEvents(3, 1)));
    await m().send(delta(4, session(), logEvents(5, 1))); // seq 3 never came
    const request = await m().waitForPosted((x) => x.type === 'requestSnapshot');
    assert.match((request as Extract<WebviewToHost, { type: 'requestSnapshot' }>).reason, /expected seq 3, got 4/);
    await m().send(delta(5, session(), logEvents(6, 1)));
    await m().send(snapshot(9, session(), logEvents(1, 7)));
    await m().page.locator('.event-row[data-seq="7"]').waitFor();
    // Event 5 and 6 came only with the snapshot; the deltas after the gap were not applied twice.
    assert.deepEqual(await m().renderedSeqs(), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('ignores deltas for a session it does not show, but updates the picker', async () => {
    await m().send(snapshot(1, session(), logEvents(1, 2)));
    await m().page.locator('.event-row[data-seq="2"]').waitFor();
    const other = session({ id: 'do_20261125_190000_00ff00ff', state: 'failed', task: 'Fix the flaky login test' });
    await m().send({
      type: 'delta',
      seq: 2,
      sessionId: other.id,
      session: other,
      firstIndex: 49,
      events: [event(50, 'log', { message: 'not mine' }, other.id)],
    });
    await m()
      .page.locator('#session-select option', { hasText: 'Failed · Fix the flaky login test' })
      .waitFor({ state: 'attached' });
    assert.deepEqual(await m().renderedSeqs(), [1, 2]);
    assert.equal(await m().page.locator('.event-row', { hasText: 'not mine' }).count(), 0);
  });

  it('filters by kind and by text search, on the host, with a match count', async () => {
    const store = new SessionStore();
    try {
      store.ingest('native', realisticRun().events);
      const page = (await withHost(store)).page;
      await page.locator('.event-row[data-seq="10"]').waitFor();
      await page.selectOption('#kind-filter', 'skill:*');
      await page.locator('.query-status', { hasText: /^3 matches$/ }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.event-row[data-seq]').length === 3);
      assert.deepEqual(await m().renderedSeqs(), [2, 4, 6]);
      await page.selectOption('#kind-filter', 'file:changed');
      await page.waitForFunction(() => document.querySelectorAll('.event-row[data-seq]').length === 2);
      assert.deepEqual(await m().renderedSeqs(), [7, 8]);

      await page.selectOption('#kind-filter', '');
      await page.fill('input[type=search]', 'toggle');
      await page.waitForFunction(() => document.querySelectorAll('.event-row[data-seq]').length === 3);
      assert.deepEqual(await m().renderedSeqs(), [1, 7, 9]);
      // New events that match join the filtered view; others do not.
      store.ingest('native', [
        event(11, 'log', { message: 'toggle wired up' }),
        event(12, 'log', { message: 'unrelated' }),
      ]);
      await page.locator('.event-row[data-seq="11"]').waitFor();
      assert.deepEqual(await m().renderedSeqs(), [1, 7, 9, 11]);
      await page.locator('.query-status', { hasText: /^4 matches$/ }).waitFor();
      // Each change of the filter was a new query; the host stopped the previous ones.
      const queries = (await m().posted()).filter((x) => x.type === 'query');
      assert.deepEqual(
        queries.map(
          (q) => (q as { kindFilter: string; search: string }).kindFilter + '|' + (q as { search: string }).search,
        ),
        ['skill:*|', 'file:changed|', '|', '|toggle'],
      );
      await page.fill('input[type=search]', 'no such text anywhere');
      await page.locator('.event-empty', { hasText: 'No events match the filter.' }).waitFor();
      await page.locator('.query-status', { hasText: /^0 matches$/ }).waitFor();
    } finally {
      store.dispose();
    }
  });

  it('follows the tail, pauses when scrolled up, counts new events and resumes on request', async () => {
    await m().send(snapshot(1, session(), logEvents(1, 500)));
    const page = m().page;
    await page.locator('.event-row[data-seq="500"]').waitFor();
    assert.ok((await m().visibleSeqs()).includes(500), 'the tail is in view while following');

    await page.locator('.event-scroll').hover();
    await page.mouse.wheel(0, -3000);
    const resume = page.locator('button.resume-follow');
    await resume.waitFor();
    await m().send(delta(2, session(), logEvents(501, 7)));
    await resume.filter({ hasText: 'Resume following (7 new)' }).waitFor();
    assert.ok(!(await m().visibleSeqs()).includes(507), 'paused: the view does not jump to new events');

    await resume.click();
    await page.waitForFunction(() => {
      const box = document.querySelector('.event-scroll')!.getBoundingClientRect();
      const row = document.querySelector('.event-row[data-seq="507"]');
      return !!row && row.getBoundingClientRect().bottom <= box.bottom + 1;
    });
    assert.equal(await resume.count(), 0);
    await m().send(delta(3, session(), logEvents(508, 1)));
    await page.locator('.event-row[data-seq="508"]').waitFor();
    assert.ok((await m().visibleSeqs()).includes(508), 'following again');
  });

  it('one event per frame: following keeps the newest row on the bottom edge; paused, the view stays put', async () => {
    await m().send(snapshot(1, session(), logEvents(1, 300)));
    const page = m().page;
    await page.locator('.event-row[data-seq="300"]').waitFor();
    // 40 single appends cross the rendered window's chunk boundaries (it moves every 16 rows).
    const newestOnBottomEdge = (seq: number) =>
      page.waitForFunction((s) => {
        const box = document.querySelector('.event-scroll')!.getBoundingClientRect();
        const row = document.querySelector(`.event-row[data-seq="${s}"]`);
        return !!row && Math.abs(row.getBoundingClientRect().bottom - box.bottom) <= 1;
      }, seq);
    let messageSeq = 2;
    for (let seq = 301; seq <= 340; seq++) {
      await m().send(delta(messageSeq++, session(), logEvents(seq, 1)));
      await newestOnBottomEdge(seq);
    }
    const following = await m().visibleSeqs();
    assert.equal(following.at(-1), 340);
    assert.deepEqual(
      following,
      Array.from({ length: following.length }, (_, i) => 340 - following.length + 1 + i),
      'no gaps in view',
    );
    assert.ok((await page.locator('.event-row').count()) < 100, 'still windowed');

    await page.locator('.event-scroll').hover();
    await page.mouse.wheel(0, -2000);
    await page.locator('button.resume-follow').waitFor();
    const paused = await m().visibleSeqs();
    for (let seq = 341; seq <= 380; seq++) await m().send(delta(messageSeq++, session(), logEvents(seq, 1)));
    await page.locator('button.resume-follow', { hasText: '(40 new)' }).waitFor();
    assert.deepEqual(await m().visibleSeqs(), paused, 'paused: the same rows stay in view while events arrive');
  });

  it('selects events from the keyboard and shows one in full: details follow the selection, Copy, Escape', async () => {
    const detailed = event(60, 'agent:message', {
      text: '<b>not bold</b>',
      usage: { inputTokens: 1200, outputTokens: 85 },
      tools: ['read_file', 'edit_file'],
    });
    await m().send(snapshot(1, session(), [...logEvents(1, 59), detailed]));
    const page = m().page;
    await page.locator('.event-row[data-seq="60"]').waitFor();
    await page.focus('.event-scroll');

    // The first Up selects the newest row in view (following), Enter opens it.
    await page.keyboard.press('ArrowUp');
    const selected = page.locator('.event-row.selected');
    assert.equal(await selected.getAttribute('data-seq'), '60');
    assert.equal(await selected.getAttribute('aria-selected'), 'true');
    assert.equal(await page.getAttribute('.event-scroll', 'aria-activedescendant'), await selected.getAttribute('id'));
    await page.keyboard.press('Enter');
    const details = page.locator('.event-details');
    await details.waitFor();
    assert.equal(await details.locator('.event-details-kind').textContent(), 'agent:message');
    assert.equal(await details.locator('pre').textContent(), JSON.stringify(detailed.data, null, 2));
    assert.equal(await details.locator('pre b').count(), 0, 'data is text, never HTML');

    // Details follow the selection; Copy gives the whole event as JSON.
    await page.keyboard.press('ArrowUp');
    await details.locator('pre', { hasText: '"message": "event 59"' }).waitFor();
    await details.locator('button', { hasText: 'Copy event as JSON' }).click();
    const copied = (await m().posted()).filter((x) => x.type === 'copy').at(-1);
    assert.deepEqual(copied && copied.type === 'copy' ? JSON.parse(copied.text) : undefined, logEvents(59, 1)[0]);

    // Escape in the details closes them and returns to the list; Escape there clears the selection.
    await details.locator('pre').focus();
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('event-scroll')), true);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.event-row.selected').count(), 0);
    assert.equal(await page.getAttribute('.event-scroll', 'aria-activedescendant'), null);

    // Moving the selection out of view pauses following; Home selects the first event; End follows again.
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.locator('button.resume-follow').waitFor();
    await page.keyboard.press('Home');
    await page.locator('.event-row.selected[data-seq="1"]').waitFor();
    assert.ok((await m().visibleSeqs()).includes(1));
    await page.keyboard.press('End');
    await page.locator('button.resume-follow').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.event-row.selected').count(), 0);

    // A click opens a row's details too.
    await page.locator('.event-row[data-seq="60"]').click();
    await details.locator('pre', { hasText: 'not bold' }).waitFor();
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'webview-event-details.png') });
  });

  it('switches between relative and absolute event times', async () => {
    await m().send(snapshot(1, session(), [event(4, 'log', { message: 'x' })]));
    const time = m().page.locator('.event-row[data-seq="4"] .event-time');
    await time.waitFor();
    assert.equal(await time.textContent(), '+0:01.000');
    await m().page.click('button.time-toggle');
    await m().page.waitForFunction(() =>
      /^\d\d:\d\d:\d\d\.000$/.test(document.querySelector('.event-time')!.textContent!),
    );
  });

  it('pending: waits for the CLI and offers its terminal', async () => {
    await m().send(
      snapshot(
        1,
        session({
          state: 'pending',
          startedAt: undefined,
          waitingForCli: true,
          capabilities: [],
          reporterConnected: false,
        }),
        [],
      ),
    );
    const page = m().page;
    await page.locator('.status-badge', { hasText: 'Pending' }).waitFor();
    const waiting = page.locator('.waiting', { hasText: 'Waiting for the Shannon CLI to report…' });
    await waiting.waitFor();
    await waiting.locator('button', { hasText: 'Show Terminal' }).click();
    await m().waitForPosted((x) => x.type === 'command' && x.command === 'showTerminal' && x.sessionId === SESSION_ID);
    // Cancel still works (Ctrl-C fallback); halt/resume do not without a reporter.
    assert.equal(await page.getAttribute('button[data-command=cancel]', 'aria-disabled'), null);
    assert.equal(await page.getAttribute('button[data-command=halt]', 'aria-disabled'), 'true');
  });

  it('running: skills timeline, progress, steering sends commands, status change announced', async () => {
    const { summary, events } = realisticRun();
    await m().send(snapshot(1, summary, events));
    const page = m().page;
    await page.locator('.status-badge', { hasText: 'Running' }).waitFor();
    assert.equal(await page.getAttribute('[role=progressbar]', 'aria-valuenow'), '45');
    assert.equal(await page.locator('.progress-text').textContent(), '45%step 2/4Writing the toggle component');
    const running = page.locator('li.skill[aria-current=step]');
    assert.match((await running.textContent())!, /write_code.*step 2\/4/);
    assert.match((await page.locator('li.skill-completed').textContent())!, /analyze_codebase.*step 1\/4.*4\.2 s/);
    assert.match((await page.locator('.checkpoints-summary').textContent())!, /after analyze_codebase/);
    assert.equal(await page.locator('.change-list li').count(), 2);

    await page.click('button[data-command=halt]');
    await m().waitForPosted((x) => x.type === 'command' && x.command === 'halt' && x.sessionId === SESSION_ID);
    await page.click('.checkpoints-summary button');
    await m().waitForPosted((x) => x.type === 'command' && x.command === 'showCheckpoints');
    await page.click('button[aria-label="Copy session id"]');
    await m().waitForPosted((x) => x.type === 'copy' && x.text === SESSION_ID);

    await m().send(delta(2, { ...summary, state: 'halted' }, [event(11, 'execution:halted', { reason: 'user' })]));
    await page.locator('[aria-live=polite]', { hasText: 'Session halted' }).waitFor();
  });

  it('halted: resume enabled, halt disabled', async () => {
    await m().send(snapshot(1, session({ state: 'halted' }), []));
    const page = m().page;
    await page.locator('.status-badge', { hasText: 'Halted' }).waitFor();
    assert.equal(await page.getAttribute('button[data-command=halt]', 'aria-disabled'), 'true');
    assert.equal(await page.getAttribute('button[data-command=resume]', 'aria-disabled'), null);
    await page.click('button[data-command=halt]', { force: true }); // disabled: must not post
    await page.click('button[data-command=resume]');
    await m().waitForPosted((x) => x.type === 'command' && x.command === 'resume');
    assert.equal((await m().posted()).filter((x) => x.type === 'command' && x.command === 'halt').length, 0);
  });

  it('completed: 100% alone (the last step and progress message are history); a failed run keeps where it stopped', async () => {
    const { summary } = realisticRun();
    await m().send(
      snapshot(1, { ...summary, state: 'completed', progress: 100, endedAt: '2026-11-25T20:31:05.000Z' }, []),
    );
    const page = m().page;
    await page.locator('.status-badge', { hasText: 'Completed' }).waitFor();
    assert.equal(await page.locator('.progress-text').textContent(), '100%');
    await m().send(snapshot(2, { ...summary, state: 'failed', endedAt: '2026-11-25T20:31:05.000Z' }, []));
    await page.locator('.status-badge', { hasText: 'Failed' }).waitFor();
    assert.equal(await page.locator('.progress-text').textContent(), '45%step 2/4Writing the toggle component');
  });

  it('failed: the failed skill is expanded with its error', async () => {
    const s = session({
      state: 'failed',
      endedAt: '2026-11-25T20:31:05.000Z',
      error: 'write_code failed',
      skills: [
        { name: 'analyze_codebase', status: 'completed', durationMs: 900 },
        {
          name: 'write_code',
          status: 'failed',
          error: 'TypeError: cannot read properties of undefined (reading "theme")',
        },
      ],
    });
    await m().send(snapshot(1, s, []));
    const page = m().page;
    await page.locator('.status-badge', { hasText: 'Failed' }).waitFor();
    const failed = page.locator('li.skill-failed');
    assert.equal(await failed.locator('details.skill-error').getAttribute('open'), '');
    assert.ok(await failed.locator('pre', { hasText: 'TypeError: cannot read properties of undefined' }).isVisible());
    assert.equal(await page.locator('.elapsed-value').textContent(), '1:05');
    assert.equal(await page.getAttribute('button[data-command=cancel]', 'aria-disabled'), 'true');
  });

  it('lost: says the CLI went away', async () => {
    await m().send(
      snapshot(1, session({ state: 'lost', reporterConnected: false, capabilities: [], exitCode: 137 }), []),
    );
    await m().page.locator('.status-badge', { hasText: 'Lost' }).waitFor();
    await m()
      .page.locator('.session-note', { hasText: 'stopped reporting without a final event (exit code 137)' })
      .waitFor();
  });

  it('legacy: unauthenticated badge and steering disabled with the reason', async () => {
    await m().send(snapshot(1, session({ source: 'legacy', unauthenticated: true, capabilities: [] }), []));
    const page = m().page;
    await page.locator('.legacy-badge', { hasText: 'legacy, unauthenticated' }).waitFor();
    for (const command of ['halt', 'resume', 'cancel']) {
      assert.equal(await page.getAttribute(`button[data-command=${command}]`, 'aria-disabled'), 'true', command);
      assert.equal(await page.getAttribute(`button[data-command=${command}]`, 'title'), LEGACY_TOOLTIP, command);
      await page.click(`button[data-command=${command}]`, { force: true });
    }
    assert.equal((await m().posted()).filter((x) => x.type === 'command').length, 0);
  });

  it('empty state: Shannon: Do button and how to connect a CLI; footer shows the hub', async () => {
    await m().send(
      snapshot(1, null, [], {
        hub: hubStatus({
          legacy: {
            state: 'port-in-use',
            port: 8000,
            message: 'another process listens on 8000',
            holder: { pid: 4242, command: '/usr/bin/python3 -m http.server 8000' },
          },
        }),
      }),
    );
    const page = m().page;
    await page.locator('.empty-state pre', { hasText: 'shannon-hub run -- <command>' }).waitFor();
    assert.ok(await page.locator('.empty-state', { hasText: 'SHANNON_HUB_TOKEN' }).isVisible());
    assert.match(
      (await page.locator('footer').textContent())!,
      /Hub 127\.0\.0\.1:41234.*2 clients.*legacy :8000 blocked by python3 \(pid 4242\): another process listens on 8000/,
    );
    // Every state of the legacy endpoint reads as what it means.
    const states: Array<[Partial<HubStatus['legacy']>, string]> = [
      [{ state: 'idle', mode: 'auto' }, 'legacy :8000 idle (waiting for a run)'],
      [
        { state: 'listening', runs: ['do_20260101_120000_0000abcd'] },
        'legacy :8000 listening for do_20260101_120000_0000abcd',
      ],
      [
        { state: 'held-by-window', holder: { pid: 77, workspaceFolders: ['/home/me/other-project'] } },
        'legacy :8000 held by another window (other-project)',
      ],
    ];
    let seq = 2;
    for (const [legacy, text] of states) {
      await m().send({ type: 'hub', seq: seq++, hub: hubStatus({ legacy: { port: 8000, state: 'idle', ...legacy } }) });
      await page.locator('footer', { hasText: text }).waitFor({ timeout: 5000 });
    }
    await page.click('button:has-text("Shannon: Do")');
    await m().waitForPosted((x) => x.type === 'command' && x.command === 'do');
    await m().send({ type: 'hub', seq: seq++, hub: hubStatus({ clients: 1 }) });
    await page.locator('footer', { hasText: '1 client' }).waitFor();
  });

  it('opens a 100k-event session from its latest page, reads other rows as it scrolls, with a small DOM', async () => {
    const store = new SessionStore();
    try {
      const events = [];
      for (let seq = 1; seq <= 100_000; seq++)
        events.push(
          seq % 10 === 0
            ? // A kind no family knows: 10,000 of them leave the summary small (skills would list each one).
              event(seq, 'bench:marker', { message: `s${seq}` })
            : event(seq, 'log', { message: `line ${seq}` }),
        );
      store.ingest('native', events);
      const page = (await withHost(store)).page;
      const snap = m().hostSent.find((x): x is Extract<HostToWebview, { type: 'snapshot' }> => x.type === 'snapshot')!;
      assert.equal(snap.events.length, 1000, 'the snapshot carries the latest page only');
      assert.equal(snap.firstIndex, 99_000);
      assert.ok(JSON.stringify(snap).length < 1024 * 1024, 'under 1 MB');
      await page.locator('.event-row[data-seq="100000"]').waitFor();
      assert.ok((await page.locator('.event-row').count()) < 200, 'windowed while following the tail');

      // The middle: rows not held show as loading until the host's answer arrives.
      await page.$eval('.event-scroll', (el) => {
        el.scrollTop = 50_000 * 22;
      });
      await page.locator('.event-row[data-seq="50001"]', { hasText: 'line 50001' }).waitFor();
      assert.equal(await page.locator('.event-row.loading').count(), 0, 'every row in view arrived');
      const asked = (await m().posted()).filter((x) => x.type === 'rows');
      assert.ok(asked.length >= 1 && asked.length <= 4, `${asked.length} row requests for one jump`);

      await page.focus('.event-scroll');
      await page.keyboard.press('Home');
      await page.locator('.event-row[data-seq="1"]', { hasText: 'line 1' }).waitFor();
      assert.ok((await page.locator('.event-row').count()) < 200, 'windowed at the top');
      assert.equal(await page.locator('.event-row[data-seq="100000"]').count(), 0);

      await page.keyboard.press('End');
      await page.locator('.event-row[data-seq="100000"]', { hasText: 's100000' }).waitFor();
      assert.ok((await m().visibleSeqs()).includes(100_000));
      assert.ok((await page.locator('.event-row').count()) < 200, 'windowed at the end');

      // Filtering 100k events (on the host) and appending to them still works.
      await page.selectOption('#kind-filter', 'bench:marker');
      await page.locator('.query-status', { hasText: /^10,000 matches$/ }).waitFor();
      await page.locator('.event-row[data-seq="100000"]', { hasText: 's100000' }).waitFor();
      store.ingest('native', [event(100_001, 'bench:marker', { message: 'final' })]);
      await page.locator('.event-row[data-seq="100001"]', { hasText: 'final' }).waitFor();
      assert.ok((await page.locator('.event-row').count()) < 200);
    } finally {
      store.dispose();
    }
  });

  it('a 2,000,000-event list scrolls through a capped scroller: the end, the middle and the start all show', async () => {
    const total = 2_000_000;
    const at = (index: number) => event(index + 1, 'log', { message: `line ${index + 1}` });
    const latest = Array.from({ length: 1000 }, (_, i) => at(total - 1000 + i));
    const summary = session({ lastSeq: total, eventCount: total });
    await m().send(snapshot(1, summary, latest, { firstIndex: total - 1000 }));
    const page = m().page;
    await page.locator(`.event-row[data-seq="${total}"]`).waitFor();
    // Play the host: answer every rows request the page posts, in order.
    let seq = 1;
    let answered = 0;
    let serving = true;
    const server = (async () => {
      while (serving) {
        const requests = (await m().posted()).filter((x) => x.type === 'rows') as Extract<
          WebviewToHost,
          { type: 'rows' }
        >[];
        for (const request of requests.slice(answered)) {
          const events = [];
          for (let i = request.from; i < Math.min(request.to, total); i++) events.push(at(i));
          await m().send({ type: 'rows', seq: ++seq, sessionId: summary.id, queryId: 0, from: request.from, events });
        }
        answered = requests.length;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const size = await page.$eval('.event-scroll', (el) => ({ height: el.scrollHeight, view: el.clientHeight }));
      assert.ok(size.height <= 8_000_000, `scroll height ${size.height} px is capped`);
      // The last row sits fully in view at the bottom while following.
      assert.ok((await m().visibleSeqs()).includes(total));

      // The scroll bar dragged to the middle: the rows there are read and shown.
      await page.$eval('.event-scroll', (el) => {
        el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
      });
      await page.locator('.resume-follow').waitFor();
      await page.waitForFunction(() => {
        const seqs = [...document.querySelectorAll('.event-row[data-seq]')].map((r) =>
          Number((r as HTMLElement).dataset.seq),
        );
        return seqs.some((n) => n > 999_000 && n < 1_001_000);
      });
      await page.waitForFunction(() => !document.querySelector('.event-row.loading'));
      const middle = await m().visibleSeqs();
      assert.ok(middle.length >= 5, `${middle.length} rows in view`);
      assert.ok(
        middle.every((n, i) => i === 0 || n === middle[i - 1] + 1),
        'consecutive rows, none missing',
      );

      await page.focus('.event-scroll');
      await page.keyboard.press('Home');
      await page.locator('.event-row[data-seq="1"]', { hasText: 'line 1' }).waitFor();
      assert.ok((await m().visibleSeqs()).includes(1));
      await page.keyboard.press('End');
      await page.locator(`.event-row[data-seq="${total}"]`).waitFor();
      assert.ok((await m().visibleSeqs()).includes(total), 'the last row is in view again');
      assert.ok((await page.locator('.event-row').count()) < 200, 'windowed');
    } finally {
      serving = false;
      await server;
    }
  });

  it('keyboard selection and event details work across pages the webview did not have', async () => {
    const store = new SessionStore();
    try {
      store.ingest('native', logEvents(1, 5000));
      const page = (await withHost(store)).page;
      await page.locator('.event-row[data-seq="5000"]').waitFor();
      await page.focus('.event-scroll');
      // Home selects the first row, which was not in the snapshot (it held 4001-5000): it is read.
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      const details = page.locator('.event-details');
      await details.locator('pre', { hasText: '"message": "event 1"' }).waitFor();
      await page.focus('.event-scroll');
      await page.keyboard.press('ArrowDown');
      await details.locator('pre', { hasText: '"message": "event 2"' }).waitFor();
      // Page Down across a block of rows: the details follow the selection to a row read on demand.
      for (let i = 0; i < 20; i++) await page.keyboard.press('PageDown');
      const selected = Number(await page.locator('.event-row.selected').getAttribute('data-seq'));
      assert.ok(selected > 250 && selected < 4001, `selected event ${selected} lies outside the snapshot`);
      await details.locator('pre', { hasText: `"message": "event ${selected}"` }).waitFor();
      const asked = (await m().posted()).filter((x) => x.type === 'rows');
      assert.ok(asked.length >= 2, 'rows were read on demand');
    } finally {
      store.dispose();
    }
  });

  it('shows event text containing HTML as literal text', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><b>bold</b>';
    await m().send(
      snapshot(1, session({ task: '<script>window.__xss=2</script>task' }), [
        event(1, 'log', { message: payload }),
        event(2, 'weird:kind', { html: '<svg onload="window.__xss=3">' }),
      ]),
    );
    const page = m().page;
    const row = page.locator('.event-row[data-seq="1"] .event-text');
    await row.waitFor();
    assert.equal(await row.textContent(), payload);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('.event-row b, svg, .task script').count(), 0);
    assert.equal(await page.locator('.task').textContent(), '<script>window.__xss=2</script>task');
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  });

  it('keeps UI state (filter, search, time mode, pin, sections) across a reload', async () => {
    const { summary, events } = realisticRun();
    await m().send(snapshot(1, summary, events));
    const page = m().page;
    await page.locator('.event-row[data-seq="10"]').waitFor();
    await page.selectOption('#kind-filter', 'log');
    await page.fill('input[type=search]', 'tests');
    await page.click('button.time-toggle');
    await page.click('.section-changes > summary');
    await page.selectOption('#session-select', 'do_20261125_190000_00ff00ff');
    await m().waitForPosted((x) => x.type === 'pin' && x.sessionId === 'do_20261125_190000_00ff00ff');

    await page.reload();
    await m().waitForPosted((x) => x.type === 'ready');
    const ready = (await m().posted()).find((x) => x.type === 'ready');
    assert.deepEqual(
      ready,
      { type: 'ready', pinnedSessionId: 'do_20261125_190000_00ff00ff' },
      'the pin travels with ready',
    );
    await m().send(snapshot(1, summary, events, { pinnedSessionId: 'do_20261125_190000_00ff00ff' }));
    // The restored filter goes to the host as a query; play the host's answer: one match, event 10.
    const query = (await m().waitForPosted((x) => x.type === 'query')) as Extract<WebviewToHost, { type: 'query' }>;
    assert.equal(query.kindFilter, 'log');
    assert.equal(query.search, 'tests');
    const progress = { sessionId: summary.id, queryId: query.queryId, matched: 1, scanned: 10, total: 10, done: true };
    await m().send({ type: 'queryProgress', seq: 2, ...progress });
    const rows = (await m().waitForPosted((x) => x.type === 'rows')) as Extract<WebviewToHost, { type: 'rows' }>;
    assert.deepEqual([rows.queryId, rows.from, rows.to], [query.queryId, 0, 1]);
    await m().send({
      type: 'rows',
      seq: 3,
      sessionId: summary.id,
      queryId: query.queryId,
      from: 0,
      events: [events[9]],
    });
    await page.locator('.event-row[data-seq="10"]').waitFor();
    assert.equal(await page.inputValue('#kind-filter'), 'log');
    assert.equal(await page.inputValue('input[type=search]'), 'tests');
    assert.equal(await page.getAttribute('button.time-toggle', 'aria-pressed'), 'true');
    assert.equal(await page.locator('.section-changes').getAttribute('open'), null);
    assert.equal(await page.locator('.section-skills').getAttribute('open'), '');
    assert.equal(await page.inputValue('#session-select'), 'do_20261125_190000_00ff00ff');
    assert.deepEqual(await m().renderedSeqs(), [10]);
  });

  it('keeps a paused scroll position across a reload', async () => {
    await m().send(snapshot(1, session(), logEvents(1, 1000)));
    const page = m().page;
    await page.locator('.event-row[data-seq="1000"]').waitFor();
    await page.$eval('.event-scroll', (el) => {
      el.scrollTop = 22 * 300;
    });
    await page.locator('button.resume-follow').waitFor();
    // The position is saved once scrolling settles.
    await page.waitForFunction(
      () => JSON.parse(sessionStorage.getItem('vscode-webview-state') ?? '{}').scrollTop === 22 * 300,
    );
    await page.reload();
    await m().waitForPosted((x) => x.type === 'ready');
    await m().send(snapshot(1, session(), logEvents(1, 1000)));
    await page.locator('.event-row[data-seq="301"]').waitFor();
    assert.equal(await page.$eval('.event-scroll', (el) => el.scrollTop), 22 * 300);
    assert.ok((await m().visibleSeqs())[0] === 301, 'the same rows are in view');
    await page.locator('button.resume-follow').waitFor();
  });

  it('is usable from the keyboard: Tab reaches the actions and the event list', async () => {
    await m().send(snapshot(1, session(), logEvents(1, 50)));
    const page = m().page;
    await page.locator('.event-row[data-seq="50"]').waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      reached.add(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          return el.dataset.command ?? el.className ?? el.tagName;
        }),
      );
    }
    for (const expected of ['halt', 'cancel', 'showTerminal', 'openLog', 'event-scroll'])
      assert.ok(reached.has(expected), `Tab reaches ${expected}: ${[...reached].join(', ')}`);
    assert.ok(
      (await page.locator('header').count()) === 1 &&
        (await page.locator('main').count()) === 1 &&
        (await page.locator('nav').count()) === 1 &&
        (await page.locator('footer').count()) === 1,
      'landmarks',
    );
  });

  it('in a short side panel nothing overlaps: the page scrolls and the list keeps its room', async () => {
    await m().close();
    monitor = await MonitorPage.open(browser, server, { width: 300, height: 420 });
    const { summary, events } = realisticRun();
    await m().send(
      snapshot(1, { ...summary, unauthenticated: true }, events, {
        hub: hubStatus({
          legacy: { state: 'port-in-use', port: 8000, message: 'Port 8000 is in use; the legacy endpoint is off.' },
        }),
      }),
    );
    const page = m().page;
    await page.locator('.event-row[data-seq="10"]').waitFor();
    const [list, footer, toolbar, details] = await page.evaluate(
      (selectors) => selectors.map((s) => document.querySelector(s)!.getBoundingClientRect().toJSON() as DOMRect),
      ['.event-scroll', 'footer', '.event-toolbar', '.details-area'],
    );
    const boxes = { list, footer, toolbar, details };
    assert.ok(
      boxes.footer.top >= boxes.list.bottom - 0.5,
      `footer (${boxes.footer.top}) starts below the list (${boxes.list.bottom})`,
    );
    assert.ok(
      boxes.list.top >= boxes.toolbar.bottom - 0.5 && boxes.toolbar.top >= boxes.details.bottom - 0.5,
      'sections stacked in order',
    );
    assert.ok(boxes.list.height >= 90, `the list keeps room for rows (${boxes.list.height}px)`);
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'webview-short.png') });
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`screenshot in the ${theme} theme`, async () => {
      await m().close();
      monitor = await MonitorPage.open(browser, server, { theme, width: 380, height: 760 });
      const { summary, events } = realisticRun();
      const failedRun = session({
        ...summary,
        skills: [
          ...summary.skills.slice(0, 1),
          {
            name: 'run_tests',
            status: 'failed',
            stepIndex: 1,
            stepsTotal: 4,
            durationMs: 12_400,
            error: 'npm test exited with code 1: 2 failing',
          },
          { ...summary.skills[1], stepIndex: 2 },
        ],
      });
      await m().send(snapshot(1, failedRun, [...events, ...logEvents(11, 30)]));
      await m().page.locator('.event-row[data-seq="40"]').waitFor();
      mkdirSync(resultsDir, { recursive: true });
      const file = path.join(resultsDir, `webview-${theme}.png`);
      await m().page.screenshot({ path: file });
      // The theme really applied: the page background is the theme's side bar colour.
      const background = await m().page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      assert.equal(
        background,
        { light: 'rgb(243, 243, 243)', dark: 'rgb(37, 37, 38)', 'high-contrast': 'rgb(0, 0, 0)' }[theme],
      );

      // A selected event with its details open, in the same theme.
      await m().page.locator('.event-row[data-seq="38"]').click();
      await m().page.locator('.event-details').waitFor();
      await m().page.screenshot({ path: path.join(resultsDir, `webview-${theme}-details.png`) });
      // The selection is visible: a theme list colour as background, or (high contrast) an outline.
      const selected = await m().page.$eval('.event-row.selected', (el) => {
        const style = getComputedStyle(el);
        return { background: style.backgroundColor, outline: style.outlineStyle };
      });
      assert.ok(
        selected.background !== 'rgba(0, 0, 0, 0)' || selected.outline !== 'none',
        `selection not visible in ${theme}: ${JSON.stringify(selected)}`,
      );
    });
  }
});
