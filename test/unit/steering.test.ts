// Steering: the protocol additions (decision events, control:result, decide/instruct control
// frames), the summary slices they reduce into, and the hub's control path against real reporters
// on real sockets: controls reach only reporters that declared them, a decision is answered once.
import assert from 'node:assert/strict';
import { startHub, type Hub } from '../../src/hub/hub';
import { createSummary, reduceAll } from '../../src/hub/session-model';
import { dataSchemaFor } from '../../src/protocol/events';
import { parseHubFrame, type ControlFrame, type EventEnvelope } from '../../src/protocol/wire';
import { Reporter } from '../../src/reporter/client';
import { RecordingLogger } from './hub-support';
import { waitFor } from './wait';

const valid = (kind: string, data: unknown) => dataSchemaFor(kind)!.safeParse(data).success;
const question = {
  decisionId: 'd1',
  question: 'Keep the alias?',
  options: [
    { id: 'yes', label: 'Keep it' },
    { id: 'no', label: 'Remove it', description: 'callers must change' },
  ],
  defaultOptionId: 'no',
  autoResolveAt: '2026-01-01T10:00:30.000Z',
};

describe('steering: protocol', () => {
  it('decision:requested needs 1-20 options with unique ids and a default among them', () => {
    assert.ok(valid('decision:requested', question));
    assert.ok(valid('decision:requested', { ...question, defaultOptionId: undefined, autoResolveAt: undefined }));
    assert.ok(!valid('decision:requested', { ...question, options: [] }));
    const many = Array.from({ length: 21 }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` }));
    assert.ok(!valid('decision:requested', { ...question, options: many, defaultOptionId: undefined }));
    assert.ok(valid('decision:requested', { ...question, options: many.slice(0, 20), defaultOptionId: 'o3' }));
    assert.ok(!valid('decision:requested', { ...question, options: [question.options[0], question.options[0]] }));
    assert.ok(!valid('decision:requested', { ...question, defaultOptionId: 'maybe' }));
    assert.ok(!valid('decision:requested', { ...question, autoResolveAt: 'in 30 seconds' }));
    assert.ok(!valid('decision:requested', { ...question, question: '' }));
  });

  it('decision:resolved says who resolved it; control:result carries id and ok', () => {
    assert.ok(valid('decision:resolved', { decisionId: 'd1', optionId: 'yes', by: 'user' }));
    assert.ok(valid('decision:resolved', { decisionId: 'd1', optionId: 'yes', by: 'default' }));
    assert.ok(!valid('decision:resolved', { decisionId: 'd1', optionId: 'yes', by: 'someone' }));
    assert.ok(valid('control:result', { id: 'c1', ok: false, message: 'cannot now' }));
    assert.ok(!valid('control:result', { id: 'c1' }));
  });

  it('control frames: decide carries decisionId and optionId, instruct a text of 1-4000 characters', () => {
    const frame = (extra: Record<string, unknown>) =>
      parseHubFrame(JSON.stringify({ type: 'control', sessionId: 's', id: 'c1', ...extra }));
    assert.ok(frame({ command: 'decide', decisionId: 'd1', optionId: 'yes' }).ok);
    assert.ok(!frame({ command: 'decide', decisionId: 'd1' }).ok);
    assert.ok(frame({ command: 'instruct', text: 'x' }).ok);
    assert.ok(frame({ command: 'instruct', text: 'x'.repeat(4000) }).ok);
    assert.ok(!frame({ command: 'instruct', text: 'x'.repeat(4001) }).ok);
    assert.ok(!frame({ command: 'instruct', text: '' }).ok);
    assert.ok(frame({ command: 'halt' }).ok);
    assert.ok(!frame({ command: 'explode' }).ok);
  });
});

describe('steering: summary slices', () => {
  const at = (seq: number, kind: string, data: Record<string, unknown>): EventEnvelope => ({
    sessionId: 's',
    seq,
    ts: `2026-01-01T10:00:${String(seq).padStart(2, '0')}.000Z`,
    kind,
    data,
  });
  const base = () => createSummary('s', { source: 'native', createdAt: '2026-01-01T10:00:00.000Z' });

  it('a decision is pending until resolved, and keeps who resolved it', () => {
    let summary = reduceAll(base(), [at(1, 'decision:requested', question)]);
    assert.equal(summary.decisions?.length, 1);
    assert.equal(summary.decisions?.[0].question, 'Keep the alias?');
    assert.equal(summary.decisions?.[0].defaultOptionId, 'no');
    assert.equal(summary.decisions?.[0].resolved, undefined);
    summary = reduceAll(summary, [at(2, 'decision:resolved', { decisionId: 'd1', optionId: 'no', by: 'default' })]);
    assert.deepEqual(summary.decisions?.[0].resolved, {
      optionId: 'no',
      by: 'default',
      at: '2026-01-01T10:00:02.000Z',
    });
    // A resolution of a decision never asked changes nothing.
    const same = reduceAll(summary, [at(3, 'decision:resolved', { decisionId: 'zz', optionId: 'a', by: 'cli' })]);
    assert.deepEqual(same.decisions, summary.decisions);
  });

  it('control:result completes its control, or is kept alone when its control is unknown', () => {
    const summary = reduceAll(base(), [
      at(1, 'control:result', { id: 'c1', ok: false, message: 'not now' }),
      at(2, 'control:result', { id: 'c1', ok: true }),
    ]);
    assert.deepEqual(summary.controls, [{ id: 'c1', result: { ok: true, at: '2026-01-01T10:00:02.000Z' } }]);
  });

  it('changes list every file changed or checkpointed, with the seq of its latest change', () => {
    const summary = reduceAll(base(), [
      at(1, 'checkpoint:created', { checkpointId: 'k1', files: ['a.txt', 'b.txt'] }),
      at(2, 'file:changed', { path: 'a.txt', operation: 'Edit' }),
      at(3, 'file:changed', { path: 'c.txt', operation: 'Write' }),
      at(4, 'checkpoint:created', { checkpointId: 'k2', files: ['a.txt'] }),
      at(5, 'file:changed', { path: 'a.txt' }),
    ]);
    assert.deepEqual(summary.changes, [
      { path: 'a.txt', operation: 'Edit', seq: 5 },
      { path: 'b.txt', seq: 1 },
      { path: 'c.txt', operation: 'Write', seq: 3 },
    ]);
  });

  it('journals written before these slices existed still load (the slices are optional)', async () => {
    const { SessionSummary } = await import('../../src/protocol/session');
    const old = base() as Record<string, unknown>;
    delete old.decisions;
    delete old.controls;
    delete old.changes;
    assert.ok(SessionSummary.safeParse(old).success);
  });
});

describe('steering: the hub control path with real reporters', () => {
  let hub: Hub;
  const reporters: Reporter[] = [];
  const log = new RecordingLogger();

  beforeEach(async () => {
    hub = await startHub({ log, version: 'test', lostGraceMs: 60_000 });
  });
  afterEach(async () => {
    await Promise.all(reporters.splice(0).map((r) => r.close()));
    await hub.dispose();
  });

  async function reporter(sessionId: string, capabilities: ReporterCapabilities, received: ControlFrame[]) {
    const r = new Reporter({
      url: hub.url,
      token: hub.token,
      sessionId,
      capabilities,
      onControl: (control) => received.push(control),
    });
    reporters.push(r);
    await r.connect();
    r.send('execution:started', { task: 'steer me' });
    await r.flush(5_000);
    return r;
  }
  type ReporterCapabilities = NonNullable<ConstructorParameters<typeof Reporter>[0]['capabilities']>;

  it('answers a decision exactly once, whichever surface answers first, and records it', async () => {
    const received: ControlFrame[] = [];
    const r = await reporter('ask', ['decide'], received);
    r.send('decision:requested', question);
    await r.flush(5_000);

    const first = hub.control('ask', { command: 'decide', decisionId: 'd1', optionId: 'yes' });
    const second = hub.control('ask', { command: 'decide', decisionId: 'd1', optionId: 'no' });
    assert.equal(first.sent, true);
    assert.deepEqual(second.sent ? 'sent' : second.reason, 'already-answered');
    await waitFor('the decide frame', () => received.length >= 1);
    assert.equal(received.length, 1);
    const control = received[0];
    assert.equal(control.command, 'decide');
    assert.ok(control.command === 'decide' && control.decisionId === 'd1' && control.optionId === 'yes');
    const decision = hub.store.get('ask')?.decisions?.[0];
    assert.equal(decision?.answer?.optionId, 'yes');
    assert.equal(decision?.answer?.controlId, control.id);

    // The reporter confirms; the summary then holds the resolution and the control's result.
    r.send('decision:resolved', { decisionId: 'd1', optionId: 'yes', by: 'user' });
    r.result(control.id, true);
    await r.flush(5_000);
    const summary = hub.store.get('ask')!;
    assert.equal(summary.decisions?.[0].resolved?.by, 'user');
    const sent = summary.controls?.find((c) => c.id === control.id);
    assert.equal(sent?.command, 'decide');
    assert.equal(sent?.result?.ok, true);
    const late = hub.control('ask', { command: 'decide', decisionId: 'd1', optionId: 'yes' });
    assert.equal(late.sent ? 'sent' : late.reason, 'already-resolved');
    // Nothing else ever arrived.
    await r.flush(5_000);
    assert.equal(received.length, 1);
  });

  it('refuses unknown decisions and options, and reporters that did not declare decide', async () => {
    const received: ControlFrame[] = [];
    const r = await reporter('plain', ['halt'], received);
    r.send('decision:requested', question);
    await r.flush(5_000);
    const reason = (outcome: ReturnType<Hub['control']>) => (outcome.sent ? 'sent' : outcome.reason);
    assert.equal(
      reason(hub.control('plain', { command: 'decide', decisionId: 'zz', optionId: 'yes' })),
      'unknown-decision',
    );
    assert.equal(
      reason(hub.control('plain', { command: 'decide', decisionId: 'd1', optionId: 'maybe' })),
      'unknown-option',
    );
    assert.equal(reason(hub.control('plain', { command: 'decide', decisionId: 'd1', optionId: 'yes' })), 'unsupported');
    // Refused because undeliverable, so the decision is still open for a reporter that can take it.
    assert.equal(hub.store.get('plain')?.decisions?.[0].answer, undefined);
    assert.equal(reason(hub.control('plain', { command: 'instruct', text: 'hi' })), 'unsupported');
    assert.equal(reason(hub.control('nobody', { command: 'instruct', text: 'hi' })), 'no-session');
    assert.equal(received.length, 0);
  });

  it('sends an instruction to one reporter that declared instruct, and records its text', async () => {
    const withInstruct: ControlFrame[] = [];
    const without: ControlFrame[] = [];
    await reporter('run', ['instruct', 'halt'], withInstruct);
    const second = new Reporter({
      url: hub.url,
      token: hub.token,
      sessionId: 'run',
      capabilities: ['halt'],
      onControl: (c) => without.push(c),
    });
    reporters.push(second);
    await second.connect();
    const outcome = hub.control('run', { command: 'instruct', text: 'Use tabs, not spaces' });
    assert.ok(outcome.sent);
    await waitFor('the instruct frame', () => withInstruct.length === 1);
    const frame = withInstruct[0];
    assert.ok(frame.command === 'instruct' && frame.text === 'Use tabs, not spaces');
    assert.equal(hub.store.get('run')?.controls?.at(-1)?.text, 'Use tabs, not spaces');
    assert.ok(hub.sendControl('run', 'halt'));
    await waitFor('halt at both reporters', () => withInstruct.length === 2 && without.length === 1);
    assert.equal(without[0].command, 'halt');
  });

  it('sends nothing to legacy sessions or to sessions that have ended', async () => {
    hub.store.append('legacy-run', 'legacy', 'decision:requested', question);
    const refused = hub.control('legacy-run', { command: 'decide', decisionId: 'd1', optionId: 'yes' });
    assert.equal(refused.sent ? 'sent' : refused.reason, 'legacy');
    const received: ControlFrame[] = [];
    const r = await reporter('done', ['decide', 'instruct'], received);
    r.send('execution:completed', { success: true });
    await r.flush(5_000);
    const ended = hub.control('done', { command: 'instruct', text: 'too late' });
    assert.equal(ended.sent ? 'sent' : ended.reason, 'ended');
  });
});
