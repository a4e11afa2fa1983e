// The demonstration stand-in `npm start` gives Shannon: Do (test/fixtures/cli/demo-shannon.mjs),
// run as the extension runs a CLI: the real CLI's arguments, the hub address in the environment,
// the workspace folder as its directory. Its run must be one the extension shows in full, and its
// checkpoint one the Checkpoints view can load and restore.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/checkpoints/read';
import { startHub, type Hub } from '../../src/hub/hub';
import { waitFor } from './wait';

const DEMO = join(__dirname, '..', 'fixtures', 'cli', 'demo-shannon.mjs');
const README = '# Sample\n\nBefore the demo.\n';
const GREETING = 'function greet(name) {\n  return `Hello, ${name}!`;\n}\n';

describe('demo Shannon CLI (npm start)', function () {
  this.timeout(30_000);
  let hub: Hub;
  let folder: string;

  beforeEach(async () => {
    hub = await startHub({});
    folder = mkdtempSync(join(tmpdir(), 'shannon-demo-'));
    writeFileSync(join(folder, 'README.md'), README);
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'src', 'greeting.js'), GREETING);
  });

  afterEach(async () => {
    await hub.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  function runDemo(sessionId: string, stepMs: number, decisionMs = 100) {
    const child = spawn(
      process.execPath,
      [
        DEMO,
        'do',
        'document the greeting',
        '--dashboard',
        '--session-id',
        sessionId,
        '--step-ms',
        String(stepMs),
        '--decision-ms',
        String(decisionMs),
      ],
      {
        cwd: folder,
        env: { ...process.env, SHANNON_HUB_URL: hub.url, SHANNON_HUB_TOKEN: hub.token, SHANNON_SESSION_ID: sessionId },
        stdio: 'pipe',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited };
  }

  it('plays a complete run: skills, progress, logs, a checkpoint on disk, then the edit', async () => {
    const { exited } = runDemo('do_20261125_120000_demo0001', 5);
    assert.equal(await exited, 0);
    const session = await waitFor('the session to complete', () => {
      const current = hub.store.get('do_20261125_120000_demo0001');
      return current?.state === 'completed' ? current : undefined;
    });
    assert.equal(session.task, 'document the greeting');
    assert.deepEqual(
      session.skills.map((skill) => [skill.name, skill.status]),
      [
        ['analyze_codebase', 'completed'],
        ['plan_changes', 'completed'],
        ['write_file', 'completed'],
        ['validate', 'completed'],
      ],
    );
    assert.equal(session.progress, 100);
    // Nobody answered the decision: the default (both files) was taken when the countdown ran out.
    assert.deepEqual(session.filesChanged, ['README.md', 'src/greeting.js']);
    assert.deepEqual(
      session.changes?.map((change) => [change.path, change.operation]),
      [
        ['README.md', 'Edit'],
        ['src/greeting.js', 'Edit'],
      ],
    );
    assert.equal(session.decisions?.[0].resolved?.by, 'default');
    assert.equal(session.decisions?.[0].resolved?.optionId, 'both');
    assert.equal(session.checkpoints.length, 1);
    const kinds = (await hub.store.readEvents(session.id)).map((event) => event.kind);
    assert.ok(kinds.filter((kind) => kind === 'log').length >= 5, kinds.join(' '));

    // Every panel has something: checks with one failure before the fix, and two agents.
    assert.deepEqual(
      session.checks?.map((check) => [check.name, check.status, check.exitCode]),
      [
        ['markdown lint', 'passed', 0],
        ['unit tests', 'failed', 1],
        ['unit tests', 'passed', 0],
      ],
    );
    const output = (await hub.store.readEvents(session.id))
      .filter((event) => event.kind === 'validation:output')
      .map((event) => event.data);
    assert.ok(
      output.some((data) => data.stream === 'stderr'),
      'some output on stderr',
    );
    assert.ok(
      output.some((data) => typeof data.line === 'string' && data.line.includes('\u001b[31m')),
      'coloured output (ANSI)',
    );
    assert.deepEqual(
      session.agents?.map((agent) => [agent.id, agent.role, agent.status]),
      [
        ['agent-1', 'coder', 'completed'],
        ['agent-2', 'tester', 'completed'],
      ],
    );

    // The checkpoint is Shannon's format and holds the README from before the edit.
    const loaded = await loadCheckpoint(folder, session.checkpoints[0].id);
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
    assert.equal(loaded.loaded.checkpoint.label, 'before_write_file');
    assert.deepEqual(
      loaded.loaded.files.map((file) => [file.path, file.status, file.text]),
      [
        ['README.md', 'modified', README],
        ['src/greeting.js', 'modified', GREETING],
      ],
    );
    assert.notEqual(
      readFileSync(join(folder, 'README.md'), 'utf8'),
      README,
      'the demo edited the file after the checkpoint',
    );
  });

  it('asks its decision with a countdown, takes the answer from VS Code, and confirms instructions', async () => {
    const id = 'do_20261125_120000_demo0003';
    const { exited } = runDemo(id, 20, 60_000);
    const asked = await waitFor('the decision', () => {
      const decision = hub.store.get(id)?.decisions?.[0];
      return decision && hub.store.get(id)?.capabilities.includes('decide') ? decision : undefined;
    });
    assert.equal(asked.defaultOptionId, 'both');
    const left = Date.parse(asked.autoResolveAt!) - Date.now();
    assert.ok(left > 50_000 && left <= 60_000, `countdown ${left} ms`);
    const instruction = hub.control(id, { command: 'instruct', text: 'Keep it short' });
    assert.ok(instruction.sent);
    const answer = hub.control(id, { command: 'decide', decisionId: asked.decisionId, optionId: 'readme' });
    assert.ok(answer.sent);
    assert.equal(await exited, 0);
    const session = await waitFor('completed', () =>
      hub.store.get(id)?.state === 'completed' ? hub.store.get(id) : undefined,
    );
    assert.deepEqual(
      [session.decisions?.[0].resolved?.by, session.decisions?.[0].resolved?.optionId],
      ['user', 'readme'],
    );
    assert.deepEqual(session.filesChanged, ['README.md'], 'README only, as answered');
    const results = new Map(session.controls?.map((c) => [c.id, c.result?.ok]));
    assert.equal(results.get(instruction.id), true);
    assert.equal(results.get(answer.id), true);
    assert.ok(
      (await hub.store.readEvents(id)).some(
        (e) => e.kind === 'log' && e.data.message === 'Instruction from VS Code: Keep it short',
      ),
    );
  });

  it('obeys halt, resume and cancel from the hub, and ends with 130 on cancel', async () => {
    const id = 'do_20261125_120000_demo0002';
    const { exited } = runDemo(id, 150);
    await waitFor('the demo to report and declare its capabilities', () =>
      hub.store.get(id)?.capabilities.includes('cancel'),
    );
    assert.equal(hub.sendControl(id, 'halt'), true);
    await waitFor('halted', () => hub.store.get(id)?.state === 'halted');
    assert.equal(hub.sendControl(id, 'resume'), true);
    await waitFor('running again', () => hub.store.get(id)?.state === 'running');
    assert.equal(hub.sendControl(id, 'cancel'), true);
    assert.equal(await exited, 130);
    await waitFor('cancelled', () => hub.store.get(id)?.state === 'cancelled');
  });
});
