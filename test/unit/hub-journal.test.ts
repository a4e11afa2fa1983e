// The journal through the whole hub: real sockets, real files in temp folders, restarts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEnvelope } from '../../src/protocol/wire';
import { journalFileName } from '../../src/hub/journal';
import { event, Fixture, TestClient, waitFor } from './hub-support';

function journalSeqs(dir: string, sessionId: string): number[] {
  const text = readFileSync(join(dir, journalFileName(sessionId)), 'utf8');
  assert.ok(text.endsWith('\n'), 'every line is complete');
  const [header, ...lines] = text.split('\n');
  assert.equal(JSON.parse(header).sessionId, sessionId, 'the file starts with its header');
  return lines
    .filter((line) => line !== '')
    .map((line) => {
      const parsed = EventEnvelope.parse(JSON.parse(line));
      assert.equal(parsed.sessionId, sessionId);
      return parsed.seq;
    });
}

describe('hub journal', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = new Fixture();
  });
  afterEach(async () => {
    await fx.dispose();
  });

  it('holds each of 10k seqs exactly once, in order, after the socket dies mid-stream and the reporter resends', async () => {
    const dir = fx.tempDir();
    const hub = await fx.hub({ journalDir: dir });
    const total = 10_000;
    const sid = 'run_10k';

    const first = await fx.client(hub);
    first.hello({ sessionId: sid });
    await first.welcome();
    let lastAcked = 0;
    first.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type !== 'ack') return;
      lastAcked = frame.seq;
      // Kill the socket (no close handshake) in the middle of the stream, with frames still in
      // flight and unacknowledged.
      if (lastAcked >= 1_000) first.terminate();
    });
    for (let seq = 1; seq <= total / 2; seq++) first.send({ type: 'event', ...event(sid, seq) });
    await first.closed;
    assert.ok(lastAcked >= 1_000 && lastAcked < total);

    const second = await fx.client(hub);
    second.hello({ sessionId: sid });
    const welcome = await second.welcome();
    const stored = welcome.lastSeq as number;
    assert.ok(stored >= lastAcked, 'the hub stored at least what it acknowledged');
    assert.ok(stored < total);
    // A plain reporter resends everything not acknowledged; the hub drops what it already has.
    const resendFrom = Math.min(lastAcked, stored) + 1;
    for (let from = resendFrom; from <= total; from += 250) {
      const events = [];
      for (let seq = from; seq < Math.min(from + 250, total + 1); seq++) events.push(event(sid, seq));
      second.send({ type: 'events', events });
    }
    await second.acked(sid, total);
    assert.equal(hub.store.get(sid)?.eventCount, total);

    await hub.dispose(); // flushes the journal
    const seqs = journalSeqs(dir, sid);
    assert.equal(seqs.length, total);
    assert.ok(
      seqs.every((seq, i) => seq === i + 1),
      'each seq once, in order',
    );
  });

  it('reloads sessions after a restart; a session that was running becomes lost; reporters learn lastSeq', async () => {
    const dir = fx.tempDir();
    const hub1 = await fx.hub({ journalDir: dir });
    const client = await fx.client(hub1);
    client.hello();
    await client.welcome();
    client.send({
      type: 'events',
      events: [
        event('done', 1, 'execution:started', { task: 'finish me' }),
        event('done', 2, 'skill:started', { skillName: 'plan' }),
        event('done', 3, 'skill:completed', { skillName: 'plan', durationMs: 5 }),
        event('done', 4, 'execution:completed', { success: true }),
        event('busy', 1, 'execution:started', { task: 'interrupted' }),
        event('busy', 2, 'checkpoint:created', { checkpointId: 'cp1' }),
      ],
    });
    await client.acked('busy', 2);
    hub1.store.createPending('do_pending', { task: 'never reported', source: 'extension' });
    const before = hub1.store.get('done');
    await hub1.dispose();

    const hub2 = await fx.hub({ journalDir: dir });
    const done = hub2.store.get('done')!;
    assert.equal(done.state, 'completed');
    assert.equal(done.task, 'finish me');
    assert.deepEqual(done.skills, before?.skills);
    assert.equal(done.createdAt, before?.createdAt, 'metadata comes back from the index');
    assert.deepEqual(
      (await hub2.store.readEvents('done')).map((e) => e.seq),
      [1, 2, 3, 4],
    );
    const busy = hub2.store.get('busy')!;
    assert.equal(busy.state, 'lost');
    assert.deepEqual(
      busy.checkpoints.map((c) => c.id),
      ['cp1'],
    );
    assert.equal(hub2.store.get('do_pending')?.task, 'never reported');
    assert.ok(fx.log.has('info', /session busy: running -> lost \(hub restarted/));

    const again = await fx.client(hub2);
    again.hello({ sessionId: 'busy' });
    assert.equal((await again.welcome()).lastSeq, 2);
    again.send({ type: 'event', ...event('busy', 3, 'execution:progress', { progress: 50 }) });
    await again.acked('busy', 3);
    assert.equal(hub2.store.get('busy')?.state, 'running', 'the reporter came back');

    const sub = await fx.client(hub2);
    sub.hello({ role: 'subscriber', sessionId: 'done' });
    await waitFor(() => sub.frames.some((f) => f.type === 'stored'), 'replay of a reloaded session');
    assert.deepEqual(
      (sub.frames.find((f) => f.type === 'stored')!.events as { seq: number }[]).map((e) => e.seq),
      [1, 2, 3, 4],
    );
  });

  it('replays a finished session from disk to a late subscriber: every event once, in order, in chunks', async () => {
    const dir = fx.tempDir();
    const hub1 = await fx.hub({ journalDir: dir });
    const reporter = await fx.client(hub1);
    reporter.hello({ sessionId: 'long' });
    await reporter.welcome();
    const total = 3_000;
    for (let from = 1; from <= total; from += 500) {
      const events = [];
      for (let seq = from; seq < from + 500; seq++)
        events.push(event('long', seq, seq === total ? 'execution:completed' : 'log'));
      reporter.send({ type: 'events', events });
    }
    await reporter.acked('long', total);
    await hub1.dispose();

    const hub2 = await fx.hub({ journalDir: dir });
    assert.equal(hub2.store.memoryEvents('long', 0, 1), undefined, 'nothing of it in memory after the restart');
    const sub = await fx.client(hub2);
    sub.hello({ role: 'subscriber', sessionId: 'long' });
    const received = () =>
      sub.frames.filter((f) => f.type === 'stored').flatMap((f) => (f.events as { seq: number }[]).map((e) => e.seq));
    await waitFor(() => received().length >= total, 'the whole replay');
    assert.deepEqual(
      received(),
      Array.from({ length: total }, (_, i) => i + 1),
    );
    assert.ok(sub.frames.filter((f) => f.type === 'stored').length >= total / 500, 'in chunks');
  });

  it('skips a torn last line and an invalid line, reports both, and repairs the file for later appends', async () => {
    const dir = fx.tempDir();
    const sid = 'torn';
    const lines = [event(sid, 1, 'execution:started'), event(sid, 2), event(sid, 3)].map((e) => JSON.stringify(e));
    const content = `${lines[0]}\n{"sessionId":"torn","seq":"two"}\n${lines[1]}\n${lines[2]}\n${lines[2].slice(0, 25)}`;
    writeFileSync(join(dir, journalFileName(sid)), content);

    const hub = await fx.hub({ journalDir: dir });
    // No index: the file is read in the background, after the hub is ready.
    await hub.store.whenLoaded();
    assert.deepEqual(
      (await hub.store.readEvents(sid)).map((e) => e.seq),
      [1, 2, 3],
    );
    assert.ok(fx.log.has('warn', /torn last line/));
    assert.ok(fx.log.has('warn', /at byte \d+: not a valid event, skipped/));
    assert.equal(hub.store.get(sid)?.unauthenticated, true, 'a file without header and no index entry is untrusted');

    const client = await fx.client(hub);
    client.hello({ sessionId: sid });
    assert.equal((await client.welcome()).lastSeq, 3);
    client.send({ type: 'event', ...event(sid, 4) });
    await client.acked(sid, 4);
    await hub.dispose();
    // The invalid middle line stays on disk (skipped again on the next load); the torn tail is gone.
    const valid = readFileSync(join(dir, journalFileName(sid)), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.includes('"two"'))
      .map((l) => EventEnvelope.parse(JSON.parse(l)).seq);
    assert.deepEqual(valid, [1, 2, 3, 4]);
  });

  it('applies retention on start and clearHistory removes finished sessions from disk', async () => {
    const dir = fx.tempDir();
    const hub1 = await fx.hub({ journalDir: dir });
    const client = await fx.client(hub1);
    client.hello();
    await client.welcome();
    for (const [i, id] of ['f1', 'f2', 'f3'].entries()) {
      client.send({
        type: 'events',
        events: [{ ...event(id, 1, 'execution:completed', { success: true }), ts: `2026-01-01T00:00:0${i}.000Z` }],
      });
      await client.acked(id, 1);
    }
    client.send({ type: 'event', ...event('live', 1, 'execution:started') });
    await client.acked('live', 1);
    await hub1.dispose();
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.jsonl')).length, 4);

    const hub2 = await fx.hub({ journalDir: dir, retention: { maxSessions: 3, maxBytes: 10_000_000 } });
    await waitFor(() => !existsSync(join(dir, journalFileName('f1'))), 'the oldest finished session file to go');
    assert.deepEqual(
      hub2.store
        .list()
        .map((s) => s.id)
        .sort(),
      ['f2', 'f3', 'live'],
    );

    await hub2.store.clearHistory();
    assert.deepEqual(
      hub2.store.list().map((s) => s.id),
      [],
    );
    await hub2.dispose();
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.jsonl')),
      [],
    );
    const hub3 = await fx.hub({ journalDir: dir });
    assert.deepEqual(hub3.store.list(), [], 'nothing comes back after clearHistory');
  });

  it('encodes session ids into safe, distinct file names', () => {
    assert.equal(journalFileName('do_20251116_153316_856369b4'), 'do_20251116_153316_856369b4.jsonl');
    assert.equal(journalFileName('a:b.c@d'), 'a%3ab%2ec%40d.jsonl');
    assert.notEqual(journalFileName('a.b'), journalFileName('a_b'));
    const long = journalFileName(':'.repeat(200));
    assert.ok(long.length < 200);
    assert.notEqual(long, journalFileName(':'.repeat(199)));
    assert.match(journalFileName('..'), /^%2e%2e\.jsonl$/);
  });

  it('gives ids that differ only in case names that differ without case, and never a Windows device name', () => {
    const ids = ['run', 'Run', 'RUN', 'rUn', 'do_ABC', 'do_abc', 'Do_Abc'];
    const folded = ids.map((id) => journalFileName(id).toLowerCase());
    assert.equal(new Set(folded).size, ids.length, `names collide without case: ${folded.join(' ')}`);
    for (const id of ['CON', 'con', 'Nul', 'aux', 'PRN', 'com1', 'COM9', 'lpt1', 'LPT5']) {
      const name = journalFileName(id);
      const base = name.slice(0, -'.jsonl'.length).toLowerCase();
      assert.doesNotMatch(base, /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/, `${id} -> ${name}`);
      assert.match(name, /^[a-z0-9_%~-]+\.jsonl$/, `${id} -> ${name}: only characters valid everywhere`);
    }
  });

  it('never creates a file whose name differs only in case from one in the folder (an older release wrote RUN.jsonl)', async () => {
    const dir = fx.tempDir();
    // Release 0.1.0 named session RUN's file RUN.jsonl; on a case-insensitive disk run.jsonl is the same file.
    writeFileSync(join(dir, 'RUN.jsonl'), `${JSON.stringify(event('RUN', 1, 'execution:completed'))}\n`);
    const hub1 = await fx.hub({ journalDir: dir });
    await hub1.store.whenLoaded();
    const client = await fx.client(hub1);
    client.hello({ sessionId: 'run' });
    await client.welcome();
    client.send({ type: 'events', events: [event('run', 1), event('run', 2, 'execution:completed')] });
    await client.acked('run', 2);
    await hub1.dispose();
    const names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
    assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length, `names: ${names.join(' ')}`);

    const hub2 = await fx.hub({ journalDir: dir });
    assert.deepEqual(
      (await hub2.store.readEvents('RUN')).map((e) => e.kind),
      ['execution:completed'],
    );
    assert.deepEqual(
      (await hub2.store.readEvents('run')).map((e) => e.seq),
      [1, 2],
    );
  });

  it('loads a journal written with the previous file names (uppercase and %XX escapes) and its 0.1.0 index', async () => {
    const dir = fx.tempDir();
    const ids = ['Run_A', 'a:b.c', 'plain'];
    const previousName = (id: string) =>
      id.replace(/[^A-Za-z0-9_-]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`) +
      '.jsonl';
    for (const id of ids) {
      const lines = [event(id, 1, 'execution:started', { task: `task ${id}` }), event(id, 2, 'execution:completed')];
      writeFileSync(join(dir, previousName(id)), lines.map((l) => JSON.stringify(l) + '\n').join(''));
    }
    assert.deepEqual(readdirSync(dir).sort(), ['Run_A.jsonl', 'a%3Ab%2Ec.jsonl', 'plain.jsonl']);
    const hub = await fx.hub({ journalDir: dir });
    await hub.store.whenLoaded();
    for (const id of ids) {
      assert.equal(hub.store.get(id)?.task, `task ${id}`);
      assert.equal(hub.store.get(id)?.state, 'completed');
      assert.deepEqual(
        (await hub.store.readEvents(id)).map((e) => e.seq),
        [1, 2],
      );
    }
    // More events for an old file go into that same file.
    const client = await fx.client(hub);
    client.hello({ sessionId: 'Run_A' });
    assert.equal((await client.welcome()).lastSeq, 2);
    client.send({ type: 'event', ...event('Run_A', 3) });
    await client.acked('Run_A', 3);
    assert.equal(readFileSync(join(dir, 'Run_A.jsonl'), 'utf8').trim().split('\n').length, 3);
  });

  it('stores the trust level with the events: a legacy session stays unauthenticated when its index entry is gone', async () => {
    const dir = fx.tempDir();
    const hub1 = await fx.hub({ journalDir: dir });
    hub1.store.append('from_legacy', 'legacy', 'execution:started', { task: 'no token' });
    hub1.store.append('from_legacy', 'legacy', 'execution:completed', { success: true });
    const client = await fx.client(hub1);
    client.hello({ sessionId: 'from_native' });
    await client.welcome();
    client.send({ type: 'events', events: [event('from_native', 1, 'execution:completed')] });
    await client.acked('from_native', 1);
    await hub1.dispose();
    rmSync(join(dir, 'index.json'));

    const hub2 = await fx.hub({ journalDir: dir });
    await hub2.store.whenLoaded();
    const legacy = hub2.store.get('from_legacy');
    assert.equal(legacy?.source, 'legacy');
    assert.equal(legacy?.unauthenticated, true);
    const native = hub2.store.get('from_native');
    assert.equal(native?.source, 'native');
    assert.equal(native?.unauthenticated, false);
  });

  it("reads only regular files of this user: a FIFO as the index does not hang start-up, another user's session file is not loaded", async function () {
    if (process.platform === 'win32' || process.getuid?.() !== 0) this.skip(); // chown to another uid needs root
    const dir = fx.tempDir();
    const hub1 = await fx.hub({ journalDir: dir });
    for (const sid of ['mine', 'planted']) {
      const client = await fx.client(hub1);
      client.hello({ sessionId: sid });
      await client.welcome();
      client.send({ type: 'events', events: [event(sid, 1, 'execution:completed')] });
      await client.acked(sid, 1);
    }
    await hub1.dispose();
    rmSync(join(dir, 'index.json'));
    execFileSync('mkfifo', [join(dir, 'index.json')]);
    chownSync(join(dir, journalFileName('planted')), 4242, 4242);

    const hub2 = await fx.hub({ journalDir: dir });
    await hub2.store.whenLoaded();
    assert.ok(hub2.store.get('mine'), 'the session in our own file is rebuilt');
    assert.equal(hub2.store.get('planted'), undefined, 'a file another user owns is not read');
  });

  it('acknowledges only what was written: a failing write holds the ack back and is retried until it works', async () => {
    const dir = fx.tempDir();
    const hub = await fx.hub({ journalDir: dir });
    const sid = 'blocked';
    // A plain file where the journal folder was: every write fails (ENOTDIR) until it is gone.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'not a folder');
    const client = await fx.client(hub);
    client.hello({ sessionId: sid });
    await client.welcome();
    client.send({ type: 'events', events: [event(sid, 1), event(sid, 2)] });
    await waitFor(() => fx.log.has('error', /write to .* failed, retrying/), 'the failed write to be logged');
    assert.equal(hub.store.get(sid)?.eventCount, 2, 'the panel still shows the events');
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few retries
    assert.equal(
      client.frames.some((f) => f.type === 'ack'),
      false,
      'no ack while the events are not written',
    );
    rmSync(dir);
    await client.acked(sid, 2);
    assert.ok(fx.log.has('info', /writing to .* works again/));
    assert.deepEqual(journalSeqs(dir, sid), [1, 2]);
  });

  it('starts from memory, saying why, when the journal folder is unusable', async () => {
    const notADir = join(fx.tempDir(), 'file');
    writeFileSync(notADir, 'x');
    const hub = await fx.hub({ journalDir: notADir });
    assert.ok(fx.log.has('error', /journal .* unusable, sessions are kept in memory only/));
    const client = await fx.client(hub);
    client.hello();
    await client.welcome();
    client.send({ type: 'event', ...event('m', 1) });
    await client.acked('m', 1);
    assert.equal(hub.store.get('m')?.eventCount, 1);
  });

  it('keeps working without a journal folder (memory only)', async () => {
    const hub = await fx.hub();
    const client: TestClient = await fx.client(hub);
    client.hello();
    await client.welcome();
    client.send({ type: 'event', ...event('m', 1) });
    await client.acked('m', 1);
    assert.equal(hub.store.get('m')?.eventCount, 1);
  });
});
