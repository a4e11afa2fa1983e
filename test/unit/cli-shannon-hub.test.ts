// `shannon-hub` end to end: the bundled dist file as it ships (built here with the CLI bundle's
// esbuild options into a temp dir), spawned with node against a real hub, with real lock files in
// temp dirs. Every child process is stopped; every wait has a timeout.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import WebSocket from 'ws';
import { startHub, type Hub } from '../../src/hub/hub';
import { journalFileName } from '../../src/hub/journal';
import packageJson from '../../package.json';
import { waitFor } from './wait';

const ROOT = join(__dirname, '..', '..');

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

describe('shannon-hub command (bundled)', function () {
  this.timeout(60_000);
  let work: string;
  let cli: string;
  let lockDir: string;
  let hub: Hub | undefined;
  const children = new Set<ChildProcess>();

  /** The environment without anything SHANNON_* from the machine running the tests. */
  function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SHANNON_')) env[key] = value;
    return { ...env, SHANNON_IDE_DIR: lockDir, ...extra };
  }

  function hubEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    assert.ok(hub);
    return cleanEnv({ SHANNON_HUB_URL: hub.url, SHANNON_HUB_TOKEN: hub.token, ...extra });
  }

  function start(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
    const child = spawn(process.execPath, [cli, ...args], {
      env: options.env ?? cleanEnv(),
      cwd: options.cwd ?? work,
      stdio: 'pipe',
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  }

  function finished(child: ChildProcess, timeoutMs = 20_000): Promise<Result> {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`shannon-hub did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  const run = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
    finished(start(args, options));

  /** One line on stderr, starting with the command name. */
  function assertOneLineError(result: Result, pattern: RegExp): void {
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `expected one stderr line, got: ${result.stderr}`);
    assert.match(lines[0], /^shannon-hub: /);
    assert.match(lines[0], pattern);
  }

  before(async function () {
    this.timeout(120_000);
    work = mkdtempSync(join(tmpdir(), 'shannon-cli-'));
    // The same options as the shannon-hub bundle in esbuild.mjs (that script builds every bundle).
    cli = join(work, 'dist', 'shannon-hub.js');
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['src/reporter/cli.ts'],
      outfile: cli,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      external: ['vscode', 'bufferutil', 'utf-8-validate'],
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'warning',
    });
  });

  beforeEach(async () => {
    lockDir = mkdtempSync(join(work, 'ide-'));
    hub = await startHub({
      journalDir: mkdtempSync(join(work, 'journal-')),
      version: 'cli-test-hub',
      lostGraceMs: 60_000,
    });
  });

  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await hub?.dispose();
    hub = undefined;
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  const events = (sessionId: string) => hub!.store.readEvents(sessionId);
  const eventCount = (sessionId: string) => hub!.store.get(sessionId)?.eventCount ?? 0;

  describe('serve', () => {
    it('prints exactly one JSON line, serves reporters, and exits 0 on SIGTERM with the journal flushed', async () => {
      const journal = join(work, 'served-journal');
      const child = start(['serve', '--journal', journal]);
      const done = finished(child);
      let firstLine = '';
      child.stdout!.on('data', (chunk: Buffer) => (firstLine += chunk.toString()));
      await waitFor('the ready line', () => firstLine.includes('\n'));
      const ready = JSON.parse(firstLine.split('\n')[0]) as {
        url: string;
        token: string;
        pid: number;
        journal: string;
      };
      assert.deepEqual(Object.keys(ready).sort(), ['journal', 'pid', 'token', 'url']);
      assert.match(ready.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(ready.token.length >= 32);
      assert.equal(ready.pid, child.pid);
      assert.equal(ready.journal, journal);

      const env = cleanEnv({ SHANNON_HUB_URL: ready.url, SHANNON_HUB_TOKEN: ready.token });
      for (let i = 1; i <= 3; i += 1) {
        const emitted = await run(
          ['emit', 'log', '--session', 'served', '--data', JSON.stringify({ message: `line ${i}` })],
          { env },
        );
        assert.equal(emitted.code, 0, emitted.stderr);
      }
      child.kill('SIGTERM');
      const result = await done;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim().split('\n').length, 1, 'stdout holds only the ready line');
      assert.match(result.stderr, /hub stopped/);
      const lines = readFileSync(join(journal, journalFileName('served')), 'utf8')
        .trim()
        .split('\n')
        .slice(1) // the header line
        .map((line) => JSON.parse(line));
      assert.deepEqual(
        lines.map((event) => event.data.message),
        ['line 1', 'line 2', 'line 3'],
      );
    });

    it('exits 0 on SIGINT too, and refuses a bad port with exit 2', async () => {
      const child = start(['serve', '--journal', join(work, 'sigint-journal'), '--port', '0']);
      const done = finished(child);
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await waitFor('the ready line', () => out.includes('\n'));
      child.kill('SIGINT');
      assert.equal((await done).code, 0);

      const bad = await run(['serve', '--port', 'eighty']);
      assert.equal(bad.code, 2);
      assertOneLineError(bad, /--port must be a port number/);
    });
  });

  describe('emit', () => {
    it('reports one event, waits for its ack and prints the session and seq', async () => {
      const result = await run(
        ['emit', 'execution:started', '--data', '{"task":"from the cli"}', '--session', 'emit-1'],
        { env: hubEnv() },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { sessionId: 'emit-1', seq: 1 });
      assert.deepEqual(
        (await events('emit-1')).map((e) => [e.kind, e.data.task]),
        [['execution:started', 'from the cli']],
      );

      const second = await run(['emit', 'execution:progress', '--data', '{"progress":40}'], {
        env: hubEnv({ SHANNON_SESSION_ID: 'emit-1' }),
      });
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(JSON.parse(second.stdout), { sessionId: 'emit-1', seq: 2 });
      assert.equal(hub!.store.get('emit-1')?.progress, 40);
    });

    it('tells the hub more reports may follow (close 4100), so the session is not lost between emits', async () => {
      const quick = await startHub({ lostGraceMs: 50, version: 'quick-lost-hub' });
      try {
        const env = cleanEnv({ SHANNON_HUB_URL: quick.url, SHANNON_HUB_TOKEN: quick.token });
        const emitted = await run(
          ['emit', 'execution:started', '--data', '{"task":"scripted"}', '--session', 'between-emits'],
          { env },
        );
        assert.equal(emitted.code, 0, emitted.stderr);
        // A control reporter that disconnects plainly after the emit: it goes lost after the short grace.
        const control = new WebSocket(quick.url, { headers: { authorization: `Bearer ${quick.token}` } });
        await new Promise((resolve, reject) => control.once('open', resolve).once('error', reject));
        control.send(
          JSON.stringify({
            type: 'hello',
            protocol: 1,
            role: 'reporter',
            client: { name: 'control', version: '1', pid: process.pid },
            sessionId: 'control',
          }),
        );
        control.send(
          JSON.stringify({
            type: 'event',
            sessionId: 'control',
            seq: 1,
            ts: new Date().toISOString(),
            kind: 'execution:started',
            data: {},
          }),
        );
        await waitFor('the control session to exist', () => quick.store.get('control')?.state === 'running');
        control.close(1000, 'done');
        await waitFor('the control session to be lost', () => quick.store.get('control')?.state === 'lost');
        assert.equal(quick.store.get('between-emits')?.state, 'running', 'the emitted session waits for more');
      } finally {
        await quick.dispose();
      }
    });

    it('makes a new session id in the CLI format when none is given', async () => {
      const result = await run(['emit', 'log', '--data', '{"message":"hi"}'], { env: hubEnv() });
      assert.equal(result.code, 0, result.stderr);
      const { sessionId } = JSON.parse(result.stdout) as { sessionId: string };
      assert.match(sessionId, /^do_\d{8}_\d{6}_[0-9a-f]{8}$/);
      assert.equal((await events(sessionId)).length, 1);
    });

    it('finds the hub through its lock file when the environment has no address', async () => {
      await hub!.dispose();
      const project = join(work, 'project');
      mkdirSync(join(project, 'src'), { recursive: true });
      hub = await startHub({ lockFile: { dir: lockDir, workspaceFolders: [project] }, version: 'locked-hub' });
      const result = await run(['emit', 'log', '--data', '{"message":"via lock file"}', '--session', 'locked'], {
        cwd: join(project, 'src'),
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal((await events('locked'))[0].data.message, 'via lock file');

      const status = await run(['status'], { cwd: join(project, 'src') });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, new RegExp(`lock file ${hub.lockFilePath!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(status.stdout, /answers: yes \(hub locked-hub, protocol 1\)/);
    });

    it('exits 2 for invalid JSON, non-object data, data that does not fit the kind, a missing kind, an unknown flag', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['emit', 'log', '--data', '{nope'], /--data is not valid JSON/],
        [['emit', 'log', '--data', '[1,2]'], /--data must be a JSON object, got an array/],
        [['emit', 'skill:started', '--data', '{}'], /invalid data for skill:started.*skillName/],
        [['emit'], /expected exactly one event kind/],
        [['emit', 'log', '--colour', 'red'], /Unknown option '--colour'/],
        [['emit', 'log', '--data'], /--data/],
        [['emit', 'log', '--session', 'has spaces'], /--session "has spaces" is not a valid session id/],
      ];
      for (const [args, pattern] of cases) {
        const result = await run(args, { env: hubEnv() });
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assertOneLineError(result, pattern);
      }
      assert.equal(hub!.store.list().length, 0, 'nothing reached the hub');
    });

    it('exits 3 when no hub is found and 4 when the token is refused or the hub does not answer', async () => {
      const none = await run(['emit', 'log', '--data', '{"message":"x"}']);
      assert.equal(none.code, 3);
      assertOneLineError(none, /no hub found: .*no running hub has a lock file/);

      const refused = await run(['emit', 'log', '--data', '{"message":"x"}'], {
        env: hubEnv({ SHANNON_HUB_TOKEN: 'not-the-token' }),
      });
      assert.equal(refused.code, 4);
      assertOneLineError(refused, /token refused: .*HTTP 401/);

      const closedPort = hub!.url;
      await hub!.dispose();
      hub = undefined;
      const gone = await run(['emit', 'log', '--data', '{"message":"x"}'], {
        env: cleanEnv({ SHANNON_HUB_URL: closedPort, SHANNON_HUB_TOKEN: 'whatever' }),
      });
      assert.equal(gone.code, 4);
      assertOneLineError(gone, /cannot connect to ws:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    });
  });

  describe('run', () => {
    const node = (script: string) => [process.execPath, '-e', script];

    it('passes output through, reports started and completed, and exits 0', async () => {
      const result = await run(
        [
          'run',
          '--task',
          'say hi',
          '--session',
          'run-ok',
          '--',
          ...node('console.log("to stdout"); console.error("to stderr")'),
        ],
        { env: hubEnv() },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'to stdout\n');
      assert.equal(result.stderr, 'to stderr\n');
      const [started, completed, ...rest] = await events('run-ok');
      assert.equal(rest.length, 0);
      assert.equal(started.kind, 'execution:started');
      assert.equal(started.data.task, 'say hi');
      assert.deepEqual(started.data.command, node('console.log("to stdout"); console.error("to stderr")'));
      assert.equal(started.data.cwd, work);
      assert.equal(completed.kind, 'execution:completed');
      assert.equal(completed.data.success, true);
      assert.equal(completed.data.exitCode, 0);
      assert.equal(typeof completed.data.durationMs, 'number');
      assert.equal(hub!.store.get('run-ok')?.state, 'completed');
    });

    it("exits with the command's code and reports execution:failed", async () => {
      const result = await run(['run', '--session', 'run-fail', '--', ...node('process.exit(1)')], { env: hubEnv() });
      assert.equal(result.code, 1);
      const final = (await events('run-fail')).at(-1)!;
      assert.equal(final.kind, 'execution:failed');
      assert.equal(final.data.exitCode, 1);
      assert.match(String(final.data.error), /exited with code 1/);
      assert.equal(hub!.store.get('run-fail')?.state, 'failed');
    });

    it('treats exit code 130 as cancelled', async () => {
      const result = await run(['run', '--session', 'run-130', '--', ...node('process.exit(130)')], { env: hubEnv() });
      assert.equal(result.code, 130);
      const final = (await events('run-130')).at(-1)!;
      assert.equal(final.kind, 'execution:cancelled');
      assert.equal(final.data.exitCode, 130);
    });

    it('forwards SIGINT to the command, reports cancelled and exits 130', async () => {
      const child = start(['run', '--session', 'run-sigint', '--', ...node('setTimeout(() => {}, 60000)')], {
        env: hubEnv(),
      });
      const done = finished(child);
      await waitFor('execution:started', () => eventCount('run-sigint') === 1);
      child.kill('SIGINT');
      const result = await done;
      assert.equal(result.code, 130, result.stderr);
      const final = (await events('run-sigint')).at(-1)!;
      assert.equal(final.kind, 'execution:cancelled');
      assert.equal(final.data.reason, 'interrupted (SIGINT)');
    });

    it('forwards SIGTERM to the command and exits 128 + 15 with execution:failed', async () => {
      const child = start(
        ['run', '--session', 'run-sigterm', '--', ...node('console.log("ready"); setTimeout(() => {}, 60000)')],
        { env: hubEnv() },
      );
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const done = finished(child);
      await waitFor('the command to be ready', () => output.includes('ready') && eventCount('run-sigterm') === 1);
      child.kill('SIGTERM');
      const result = await done;
      assert.equal(result.code, 143, result.stderr);
      const final = (await events('run-sigterm')).at(-1)!;
      assert.equal(final.kind, 'execution:failed');
      assert.equal(final.data.error, 'command killed by SIGTERM');
      assert.equal(final.data.exitCode, 143);
    });

    it('on a terminal, Ctrl-C reaches the command exactly once (the terminal delivers it; run does not send a second)', async function () {
      // util-linux `script` provides the pseudo-terminal. It runs the line with `$SHELL -c`, and
      // shells differ in what they do after a Ctrl-C (dash and zsh end the line early), so the
      // terminal's shell is pinned to bash, and `-e` hands back the command's own exit code.
      if (!existsSync('/usr/bin/script') || !existsSync('/bin/bash')) this.skip();
      // The command counts SIGINTs during a short cleanup, then reports the count and exits 130.
      const script =
        'let n = 0; process.on("SIGINT", () => { if (n++ === 0) setTimeout(() => { console.log("sigints=" + n); process.exit(130); }, 500); }); console.log("ready"); setTimeout(() => {}, 60000)';
      const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
      const line = [process.execPath, cli, 'run', '--session', 'run-tty', '--', ...node(script)].map(quote).join(' ');
      const terminal = spawn('script', ['-qfec', line, '/dev/null'], {
        env: hubEnv({ SHELL: '/bin/bash' }),
        cwd: work,
        stdio: 'pipe',
      });
      children.add(terminal);
      let output = '';
      terminal.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const done = finished(terminal);
      await waitFor(
        'the command to be ready on the terminal',
        () => output.includes('ready') && eventCount('run-tty') === 1,
      );
      terminal.stdin!.write('\x03'); // Ctrl-C typed on the terminal
      const result = await done;
      assert.match(output, /sigints=1\r?\n/);
      assert.equal(result.code, 130, `the terminal's command should exit 130 after Ctrl-C; output: ${output}`);
      const final = (await events('run-tty')).at(-1)!;
      assert.equal(final.kind, 'execution:cancelled');
      assert.equal(final.data.reason, 'interrupted (SIGINT)');
    });

    it('declares cancel and interrupts the command with SIGINT when the hub sends a cancel control', async () => {
      const script =
        'process.on("SIGINT", () => { console.log("got SIGINT"); process.exit(130); }); console.log("ready"); setTimeout(() => {}, 60000)';
      const child = start(['run', '--session', 'run-cancel', '--', ...node(script)], { env: hubEnv() });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const done = finished(child);
      await waitFor('the command to be ready', () => output.includes('ready') && eventCount('run-cancel') === 1);
      assert.deepEqual(hub!.store.get('run-cancel')?.capabilities, ['cancel']);
      assert.equal(hub!.sendControl('run-cancel', 'cancel'), true);
      const result = await done;
      assert.equal(result.code, 130, result.stderr);
      assert.equal(output, 'ready\ngot SIGINT\n', 'the command itself received SIGINT');
      const final = (await events('run-cancel')).at(-1)!;
      assert.equal(final.kind, 'execution:cancelled');
      assert.equal(final.data.reason, 'cancelled from the hub');
      assert.equal(hub!.store.get('run-cancel')?.state, 'cancelled');
    });

    it("finishes with the command's exit code when the hub goes away during the run", async () => {
      const marker = join(work, `go-${Date.now()}`);
      const script = `const fs = require("fs"); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(marker)})) { clearInterval(t); console.log("done"); process.exit(5); } }, 20)`;
      const child = start(['run', '--session', 'run-hub-gone', '--', ...node(script)], { env: hubEnv() });
      const done = finished(child);
      await waitFor('execution:started', () => eventCount('run-hub-gone') === 1);
      // Acks go out once the journal wrote the event, in the tick after: let that one go first.
      await hub!.store.whenStored('run-hub-gone', 1);
      await new Promise((resolve) => setImmediate(resolve));
      await hub!.dispose();
      hub = undefined;
      writeFileSync(marker, '');
      const result = await done;
      assert.equal(result.code, 5);
      assert.equal(result.stdout, 'done\n');
      assert.match(result.stderr, /1 event\(s\) not acknowledged by the hub .*; the session may look unfinished/);
    });

    it('still runs the command when no hub answers, with one warning', async () => {
      const closedPort = hub!.url;
      await hub!.dispose();
      hub = undefined;
      const result = await run(['run', '--', ...node('console.log("work done"); process.exit(3)')], {
        env: cleanEnv({ SHANNON_HUB_URL: closedPort, SHANNON_HUB_TOKEN: 't' }),
      });
      assert.equal(result.code, 3);
      assert.equal(result.stdout, 'work done\n');
      assertOneLineError(result, /cannot connect to .*; running without reporting/);

      const noHub = await run(['run', '--', ...node('process.exit(0)')]);
      assert.equal(noHub.code, 0);
      assertOneLineError(noHub, /no hub found: .*; running without reporting/);
    });

    it('exits 127 for a command that does not exist, and 2 without a command', async () => {
      const missing = await run(['run', '--session', 'run-missing', '--', 'no-such-command-shannon-test'], {
        env: hubEnv(),
      });
      assert.equal(missing.code, 127);
      assert.match(missing.stderr, /cannot run no-such-command-shannon-test: ENOENT/);
      assert.equal((await events('run-missing')).at(-1)?.kind, 'execution:failed');

      const noCommand = await run(['run', '--task', 'x'], { env: hubEnv() });
      assert.equal(noCommand.code, 2);
      assertOneLineError(noCommand, /no command given/);
      const noSeparator = await run(['run', 'ls'], { env: hubEnv() });
      assert.equal(noSeparator.code, 2);
      assertOneLineError(noSeparator, /put the command after --/);
      const unknownFlag = await run(['run', '--tsak', 'x', '--', 'true'], { env: hubEnv() });
      assert.equal(unknownFlag.code, 2);
      assertOneLineError(unknownFlag, /Unknown option '--tsak'/);
    });
  });

  describe('status', () => {
    it('names the hub from the environment and says it answers (exit 0), also as JSON', async () => {
      const result = await run(['status'], { env: hubEnv() });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`hub: +${hub!.url}`));
      assert.match(result.stdout, /source: +environment/);
      assert.match(result.stdout, /answers: yes \(hub cli-test-hub, protocol 1\)/);
      const json = await run(['status', '--json'], { env: hubEnv() });
      assert.deepEqual(JSON.parse(json.stdout), {
        url: hub!.url,
        source: 'env',
        answers: true,
        hubVersion: 'cli-test-hub',
        protocol: 1,
      });
      assert.equal(hub!.store.list().length, 0, 'status creates no session');
    });

    it('exits 3 when no hub is found and 4 when the token is refused', async () => {
      const none = await run(['status']);
      assert.equal(none.code, 3);
      assertOneLineError(none, /no hub found/);
      const refused = await run(['status'], { env: hubEnv({ SHANNON_HUB_TOKEN: 'wrong' }) });
      assert.equal(refused.code, 4);
      assert.match(refused.stdout, /answers: no/);
      assertOneLineError(refused, /token refused/);
    });
  });

  describe('ask', () => {
    /** The person in VS Code, played by the hub's control path: waits for the question, then answers. */
    async function answerWhenAsked(optionId: string): Promise<string> {
      let sessionId = '';
      await waitFor('the question to reach the hub', () => {
        const asking = hub!.store.list().find((s) => s.decisions?.some((d) => !d.resolved));
        sessionId = asking?.id ?? '';
        return asking !== undefined && asking.capabilities.includes('decide');
      });
      const decision = hub!.store.get(sessionId)!.decisions![0];
      const outcome = hub!.control(sessionId, { command: 'decide', decisionId: decision.decisionId, optionId });
      assert.ok(outcome.sent, 'the answer was sent');
      return sessionId;
    }

    it('asks in a session of its own, prints the chosen option id and exits 0', async () => {
      const child = start(
        [
          'ask',
          '--question',
          'Deploy now?',
          '--option',
          'yes=Deploy it',
          '--option',
          'no=Not today',
          '--default',
          'no',
          '--timeout',
          '60',
        ],
        { env: hubEnv() },
      );
      const done = finished(child);
      const sessionId = await answerWhenAsked('yes');
      const result = await done;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'yes\n');
      const summary = hub!.store.get(sessionId)!;
      assert.equal(summary.task, 'Deploy now?');
      assert.equal(summary.state, 'completed');
      const decision = summary.decisions![0];
      assert.deepEqual(decision.options, [
        { id: 'yes', label: 'Deploy it' },
        { id: 'no', label: 'Not today' },
      ]);
      assert.equal(decision.defaultOptionId, 'no');
      assert.ok(decision.autoResolveAt && Date.parse(decision.autoResolveAt) > Date.now() + 30_000);
      assert.deepEqual([decision.resolved?.optionId, decision.resolved?.by], ['yes', 'user']);
      assert.equal(summary.controls?.[0].result?.ok, true, 'ask confirmed the control');
    });

    it('takes the default after --timeout: prints it and exits 5', async () => {
      const result = await run(
        ['ask', '-q', 'Proceed?', '-o', 'go=Go', '-o', 'stop=Stop', '--default', 'stop', '--timeout', '0.5'],
        {
          env: hubEnv(),
        },
      );
      assert.equal(result.code, 5);
      assert.equal(result.stdout, 'stop\n');
      assertOneLineError(result, /no answer within 0.5 s; took the default stop/);
      const summary = hub!.store.list()[0];
      assert.deepEqual(
        [summary.decisions?.[0].resolved?.optionId, summary.decisions?.[0].resolved?.by],
        ['stop', 'default'],
      );
    });

    it('exits 2 for bad options, 3 without a hub', async () => {
      for (const args of [
        ['ask', '--option', 'a=A'],
        ['ask', '-q', 'Q?'],
        ['ask', '-q', 'Q?', '-o', 'a=A', '-o', 'a=Again'],
        ['ask', '-q', 'Q?', '-o', 'a=A', '--default', 'b'],
        ['ask', '-q', 'Q?', '-o', 'a=A', '--timeout', 'soon'],
        ['ask', '-q', 'Q?', '-o', '=A'],
      ]) {
        const result = await run(args, { env: hubEnv() });
        assert.equal(result.code, 2, args.join(' '));
      }
      const none = await run(['ask', '-q', 'Q?', '-o', 'a=A']);
      assert.equal(none.code, 3);
      assertOneLineError(none, /no hub found/);
    });
  });

  describe('help and version', () => {
    it('prints the version from package.json and help for every command', async () => {
      const version = await run(['--version']);
      assert.equal(version.code, 0);
      assert.equal(version.stdout.trim(), packageJson.version);
      for (const command of ['serve', 'emit', 'run', 'status', 'ask']) {
        const help = await run([command, '--help']);
        assert.equal(help.code, 0, command);
        assert.match(help.stdout, new RegExp(`^Usage: shannon-hub ${command}`));
      }
      const main = await run(['--help']);
      assert.match(main.stdout, /Exit codes: 0 ok, 1 failure, 2 usage/);
    });

    it('exits 2 for an unknown command or option', async () => {
      const command = await run(['frobnicate']);
      assert.equal(command.code, 2);
      assertOneLineError(command, /unknown command frobnicate/);
      const option = await run(['--frobnicate']);
      assert.equal(option.code, 2);
      assertOneLineError(option, /unknown option --frobnicate/);
    });

    it('is bundled as an executable node script', () => {
      assert.ok(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n'));
      assert.ok(statSync(cli).size > 0);
    });
  });
});
