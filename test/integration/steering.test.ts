// Steering in the real extension host: a native reporter (the reporter library over a real socket
// to the extension's hub) asks a decision and receives exactly one `decide` however many surfaces
// answer; an instruction reaches it; Undo of a changed file puts the run's "before" text back on
// disk through the editor, so the editor's own undo takes it back; Keep is stored in the
// workspace state (what a window reload keeps) and a later change makes the file unreviewed again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShannonExtensionApi } from '../../src/extension';
import type { ControlFrame } from '../../src/protocol/wire';
import { Reporter } from '../../src/reporter/client';
import { snapshotHash, writeCheckpoint } from '../../src/checkpoints/write';
import { waitFor } from './wait';

const EXTENSION_ID = 'shannon.shannon-vscode';

suite('steering', () => {
  let api: ShannonExtensionApi;
  let folder: string;
  const reporters: Reporter[] = [];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
    folder = process.env.SHANNON_TEST_WORKSPACE!;
  });
  suiteTeardown(async () => {
    await Promise.all(reporters.map((r) => r.close()));
  });

  async function reporter(sessionId: string, received: ControlFrame[]): Promise<Reporter> {
    const hub = await api.hub;
    const r = new Reporter({
      url: hub.url,
      token: hub.token,
      sessionId,
      capabilities: ['decide', 'instruct', 'halt'],
      onControl: (control) => received.push(control),
    });
    reporters.push(r);
    await r.connect();
    r.send('execution:started', { task: 'steering test' });
    await r.flush(10_000);
    return r;
  }

  test('a native reporter receives exactly one decide when the person answers, whichever surface', async () => {
    const received: ControlFrame[] = [];
    const r = await reporter('do_20261130_120000_steer001', received);
    r.send('decision:requested', {
      decisionId: 'd1',
      question: 'Keep the alias?',
      options: [
        { id: 'keep', label: 'Keep it' },
        { id: 'drop', label: 'Drop it' },
      ],
      defaultOptionId: 'keep',
      autoResolveAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await r.flush(10_000);
    const hub = await api.hub;
    await waitFor('the decision in the summary', () => hub.store.get(r.sessionId)?.decisions?.length === 1);
    // The Monitor's click and the notification's button arrive as the same command, one after the other.
    const args = { sessionId: r.sessionId, decisionId: 'd1', optionId: 'drop' };
    const first = (await vscode.commands.executeCommand('shannon.answerDecision', args)) as { sent: boolean };
    const second = (await vscode.commands.executeCommand('shannon.answerDecision', {
      ...args,
      optionId: 'keep',
    })) as { sent: boolean; reason?: string };
    assert.equal(first.sent, true);
    assert.deepEqual(second, { sent: false, reason: 'already-answered' });
    await waitFor('the decide frame', () => received.length >= 1);
    const frame = received[0];
    assert.ok(frame.command === 'decide' && frame.decisionId === 'd1' && frame.optionId === 'drop');
    r.send('decision:resolved', { decisionId: 'd1', optionId: 'drop', by: 'user' });
    r.result(frame.id, true);
    await r.flush(10_000);
    // An instruction goes through the same path; after it nothing else was sent.
    const instructed = (await vscode.commands.executeCommand('shannon.sendInstruction', {
      sessionId: r.sessionId,
      text: 'Also update the tests',
    })) as { sent: boolean; result?: string };
    assert.equal(instructed.sent, true);
    assert.equal(received.length, 2);
    assert.ok(received[1].command === 'instruct' && received[1].text === 'Also update the tests');
    // Nobody answered the instruction: the command says so after its 10 s.
    assert.equal(instructed.result, 'no-answer');
    assert.deepEqual(received.filter((c) => c.command === 'decide').length, 1, 'exactly one decide');
  });

  test("Undo puts the run's before text back through the editor; the editor's undo reverts it; Keep is stored", async () => {
    const received: ControlFrame[] = [];
    const r = await reporter('do_20261130_120000_steer002', received);
    const rel = 'src/greeting.js';
    const abs = path.join(folder, rel);
    const before = await fs.readFile(abs, 'utf8');
    const checkpointId = 'feed0000-1234-4abc-8def-0123456789ab';
    await writeCheckpoint(folder, {
      checkpoint: {
        id: checkpointId,
        label: 'before_write_file',
        timestamp: '2026-11-30T12:00:00.000',
        skill_stack: ['write_file'],
        git_state: { branch: '', commit: '' },
        file_snapshots: { [rel]: snapshotHash(before) },
      },
      contents: { [rel]: before },
    });
    r.send('checkpoint:created', { checkpointId, label: 'before_write_file', files: [rel] });
    const runText = `${before}// changed by the run\n`;
    await fs.writeFile(abs, runText);
    r.send('file:changed', { path: rel, operation: 'Edit' });
    await r.flush(10_000);
    const hub = await api.hub;
    await waitFor('the change in the summary', () => hub.store.get(r.sessionId)?.changes?.[0]?.path === rel);
    assert.equal(api.review.unreviewedCount(r.sessionId), 1);

    const document = await vscode.workspace.openTextDocument(abs);
    await vscode.window.showTextDocument(document);
    await waitFor('the editor to hold the run text', () => document.getText() === runText);
    const undone = (await vscode.commands.executeCommand('shannon.review.undo', {
      sessionId: r.sessionId,
      path: rel,
    })) as { ok: boolean; safetyCheckpointId?: string; reason?: string };
    assert.ok(undone.ok, undone.ok ? '' : undone.reason);
    assert.equal(await fs.readFile(abs, 'utf8'), before, 'the before text is on disk');
    assert.equal(document.isDirty, false);
    assert.equal(api.review.unreviewedCount(r.sessionId), 0);
    // The safety checkpoint holds what the run had written.
    const safety = JSON.parse(
      await fs.readFile(
        path.join(folder, '.shannon', 'checkpoints', `${undone.safetyCheckpointId}_contents.json`),
        'utf8',
      ),
    );
    assert.equal(safety[rel], runText);
    // The editor's undo takes the Undo back.
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    await waitFor("the editor's undo to restore the run's text", () => document.getText() === runText);
    await document.save();
    assert.equal(await fs.readFile(abs, 'utf8'), runText);

    // Keep: stored in the workspace state under the session, so a reload finds it.
    const kept = (await vscode.commands.executeCommand('shannon.review.keep', {
      sessionId: r.sessionId,
      path: rel,
    })) as { ok: boolean };
    assert.ok(kept.ok);
    assert.equal(api.review.marks(r.sessionId)[rel]?.action, 'kept');
    // The run changes the file again: it is to review again.
    r.send('file:changed', { path: rel, operation: 'Edit' });
    await r.flush(10_000);
    await waitFor('unreviewed again', () => api.review.unreviewedCount(r.sessionId) === 1);
  });
});
