import * as assert from 'node:assert/strict';
import { contextValuesFor, legacyHolderText, noticeFor, presentStatus } from '../../../src/vscode/session-presentation';
import { createSummary } from '../../../src/hub/session-model';
import type { HubStatus, SessionSummary } from '../../../src/protocol/session';

const hub: HubStatus = {
  state: 'running',
  url: 'ws://127.0.0.1:4711',
  clients: 2,
  legacy: { state: 'listening', port: 8000 },
};

function session(patch: Partial<SessionSummary>): SessionSummary {
  return {
    ...createSummary('do_20260101_120000_deadbeef', {
      source: 'native',
      createdAt: '2026-01-01T12:00:00Z',
      task: 'fix it',
    }),
    ...patch,
  };
}

describe('status bar presentation', () => {
  it('idle without a session, with the hub state in the tooltip', () => {
    const shown = presentStatus(undefined, hub);
    assert.equal(shown.text, '$(pulse) Shannon');
    assert.match(shown.tooltip, /Hub: running at `ws:\/\/127\.0\.0\.1:4711`, 2 clients/);
    assert.match(shown.tooltip, /Legacy endpoint \(port 8000\): listening/);
  });

  it('the tooltip says what the legacy endpoint is doing: idle, listening for which run, held by which window', () => {
    // The tooltip is Markdown: punctuation comes escaped.
    const plain = (markdown: string) => markdown.replace(/\\(.)/g, '$1');
    const idle = presentStatus(undefined, { ...hub, legacy: { state: 'idle', mode: 'auto', port: 8000 } });
    assert.ok(plain(idle.tooltip).includes('Legacy endpoint (port 8000, auto): idle (waiting for a run)'));
    const listening = presentStatus(undefined, {
      ...hub,
      legacy: { state: 'listening', mode: 'auto', port: 8000, runs: ['do_20260101_120000_deadbeef'] },
    });
    assert.ok(plain(listening.tooltip).includes('listening for do_20260101_120000_deadbeef'));
    const held = presentStatus(undefined, {
      ...hub,
      legacy: {
        state: 'held-by-window',
        port: 8000,
        message: 'Port 8000 is held by another VS Code window',
        holder: { pid: 9, workspaceFolders: ['/home/me/b'] },
      },
    });
    assert.ok(plain(held.tooltip).includes('held by another VS Code window'));
    assert.equal(held.tone, 'normal');
  });

  it('a run blocked by another program on the legacy port shows in the status bar text, not only the tooltip', () => {
    const plain = (markdown: string) => markdown.replace(/\\(.)/g, '$1');
    const shown = presentStatus(session({ state: 'pending' }), {
      ...hub,
      legacy: {
        state: 'port-in-use',
        port: 8000,
        runs: ['do_20260101_120000_deadbeef'],
        holder: { pid: 4242, command: 'python3 -m http.server' },
        message: 'Port 8000 is held by another program: python3 -m http.server (pid 4242).',
      },
    });
    assert.equal(shown.text, '$(warning) Shannon: port 8000 blocked');
    assert.equal(shown.tone, 'warning');
    assert.ok(plain(shown.tooltip).includes('python3 -m http.server (pid 4242)'));
    assert.equal(
      legacyHolderText({ state: 'port-in-use', port: 8000, holder: { pid: 4242, command: 'python3 -m http.server' } }),
      'python3 -m http.server (pid 4242)',
    );
  });

  it('running shows the current skill and the 1-based step', () => {
    const shown = presentStatus(
      session({ state: 'running', currentSkill: 'write_file', currentStep: 1, stepsTotal: 4 }),
      hub,
    );
    assert.equal(shown.text, '$(sync~spin) Shannon: write_file (step 2/4)');
    assert.equal(shown.tone, 'normal');
  });

  it('running without a skill shows the progress', () => {
    assert.equal(
      presentStatus(session({ state: 'running', progress: 41.6 }), hub).text,
      '$(sync~spin) Shannon: running 42%',
    );
  });

  it('pending, waiting for the CLI, halted, failed, completed, cancelled, lost', () => {
    assert.equal(presentStatus(session({ state: 'pending' }), hub).text, '$(loading~spin) Shannon: starting');
    assert.equal(
      presentStatus(session({ state: 'pending', waitingForCli: true }), hub).text,
      '$(watch) Shannon: waiting for the CLI',
    );
    assert.equal(presentStatus(session({ state: 'halted' }), hub).text, '$(debug-pause) Shannon: halted');
    const failed = presentStatus(session({ state: 'failed', error: 'exit 3' }), hub);
    assert.equal(failed.text, '$(error) Shannon: failed');
    assert.equal(failed.tone, 'error');
    assert.match(failed.tooltip, /Error: exit 3/);
    assert.equal(presentStatus(session({ state: 'completed' }), hub).text, '$(check) Shannon: completed');
    assert.equal(presentStatus(session({ state: 'cancelled' }), hub).text, '$(circle-slash) Shannon: cancelled');
    assert.equal(presentStatus(session({ state: 'lost' }), hub).text, '$(question) Shannon: lost');
  });

  it('escapes markdown from the task so it cannot inject links', () => {
    const shown = presentStatus(session({ task: '[click](command:evil) *x*' }), hub);
    assert.ok(!shown.tooltip.includes('[click](command:evil)'));
    assert.match(shown.tooltip, /\\\[click\\\]\\\(command:evil\\\)/);
  });

  it('a failed hub colours the item as an error', () => {
    assert.equal(presentStatus(undefined, { ...hub, state: 'failed', error: 'EADDRINUSE' }).tone, 'error');
  });
});

describe('context keys', () => {
  it('no session: nothing can be steered', () => {
    assert.deepEqual(contextValuesFor(undefined, false, true), {
      'shannon.sessionState': 'none',
      'shannon.hasSession': false,
      'shannon.canHalt': false,
      'shannon.canResume': false,
      'shannon.canCancel': false,
      'shannon.hubRunning': true,
    });
  });

  it('a running session whose reporter declared halt/cancel can be halted and cancelled', () => {
    const values = contextValuesFor(
      session({ state: 'running', reporterConnected: true, capabilities: ['halt', 'resume', 'cancel'] }),
      false,
      true,
    );
    assert.equal(values['shannon.canHalt'], true);
    assert.equal(values['shannon.canResume'], false);
    assert.equal(values['shannon.canCancel'], true);
  });

  it('a halted one can be resumed', () => {
    const values = contextValuesFor(
      session({ state: 'halted', reporterConnected: true, capabilities: ['halt', 'resume'] }),
      false,
      true,
    );
    assert.equal(values['shannon.canResume'], true);
    assert.equal(values['shannon.canHalt'], false);
  });

  it('without capabilities only Cancel remains, and only through its terminal (Ctrl-C)', () => {
    const running = session({ state: 'running', reporterConnected: true, capabilities: [] });
    assert.equal(contextValuesFor(running, false, true)['shannon.canCancel'], false);
    assert.equal(contextValuesFor(running, true, true)['shannon.canCancel'], true);
    assert.equal(contextValuesFor(running, true, true)['shannon.canHalt'], false);
  });

  it('legacy sessions are never steerable over the protocol', () => {
    const legacy = session({
      state: 'running',
      source: 'legacy',
      unauthenticated: true,
      reporterConnected: true,
      capabilities: ['halt'],
    });
    assert.equal(contextValuesFor(legacy, false, true)['shannon.canHalt'], false);
  });

  it('finished sessions cannot be steered even with a terminal', () => {
    const done = session({ state: 'completed', reporterConnected: true, capabilities: ['cancel'] });
    assert.equal(contextValuesFor(done, true, true)['shannon.canCancel'], false);
  });
});

describe('background notifications', () => {
  it('a run that completes or fails while the window is in the background is announced', () => {
    assert.deepEqual(noticeFor('running', session({ state: 'completed' }), false, true), {
      level: 'info',
      message: 'Shannon finished: fix it',
    });
    assert.deepEqual(noticeFor('running', session({ state: 'failed', error: 'exit 3' }), false, true), {
      level: 'error',
      message: 'Shannon failed: fix it (exit 3)',
    });
    assert.ok(noticeFor('pending', session({ state: 'failed' }), false, true));
  });

  it('nothing while the window is focused, or with the setting off', () => {
    assert.equal(noticeFor('running', session({ state: 'completed' }), true, true), undefined);
    assert.equal(noticeFor('running', session({ state: 'completed' }), false, false), undefined);
  });

  it('nothing for sessions first seen finished, repeated states, cancelled or lost runs', () => {
    assert.equal(noticeFor(undefined, session({ state: 'completed' }), false, true), undefined);
    assert.equal(noticeFor('completed', session({ state: 'completed' }), false, true), undefined);
    assert.equal(noticeFor('lost', session({ state: 'failed' }), false, true), undefined);
    assert.equal(noticeFor('running', session({ state: 'cancelled' }), false, true), undefined);
    assert.equal(noticeFor('running', session({ state: 'lost' }), false, true), undefined);
    assert.equal(noticeFor('running', session({ state: 'halted' }), false, true), undefined);
  });
});
