// The legacy endpoint against python-socketio, the client library today's Shannon CLI reports
// through (test/fixtures/cli/python-socketio-shannon.py drives it like `shannon do --dashboard`):
// polling first, the upgrade to WebSocket, recorded runs normalized into complete sessions, and a
// crash without a final event leading to lost. Needs Debian's python3-socketio and python3-aiohttp
// (.ci/run installs them); elsewhere it skips, saying what to install.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startLegacyEndpoint, type LegacyEndpoint } from '../../src/hub/legacy';
import { SessionStore } from '../../src/hub/store';
import type { SessionSummary } from '../../src/protocol/session';
import { loadLegacyRun, type LegacyFixtureName } from '../fixtures/legacy';
import { EXPECTED } from './legacy-expected';
import { recordingLogger, waitFor, type RecordingLogger } from './legacy-helpers';

// Debian's interpreter, where apt puts python3-socketio (a pyenv or venv python on PATH may not have it).
const PYTHON = '/usr/bin/python3';
const CLIENT = join(__dirname, '..', 'fixtures', 'cli', 'python-socketio-shannon.py');
const FIXTURES = join(__dirname, '..', 'fixtures', 'legacy');
const INSTALL = 'apt-get install -y python3-socketio python3-aiohttp';
const GRACE_MS = 60;

function pythonSocketIoVersion(): string | undefined {
  const probe = spawnSync(
    PYTHON,
    [
      '-c',
      'import aiohttp, socketio, engineio; print(socketio.__version__ if hasattr(socketio, "__version__") else "5")',
    ],
    { encoding: 'utf8' },
  );
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

interface PythonCli {
  child: ChildProcess;
  /** The JSON lines it printed so far. */
  steps: Array<Record<string, unknown>>;
  stderr(): string;
  exited: Promise<number | null>;
}

function startPythonCli(port: number, run: LegacyFixtureName, end: 'disconnect' | 'crash', first?: number): PythonCli {
  // http://localhost:<port>, as the CLI's hard-coded http://localhost:8000.
  const args = [CLIENT, '--url', `http://localhost:${port}`, '--run', join(FIXTURES, `${run}.json`), '--end', end];
  if (first !== undefined) args.push('--first', String(first));
  const child = spawn(PYTHON, args, { stdio: 'pipe' });
  const steps: Array<Record<string, unknown>> = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n');
    stdout = lines.pop()!;
    for (const line of lines) if (line.trim()) steps.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, steps, stderr: () => stderr, exited };
}

describe("legacy endpoint with python-socketio (the CLI's own client library)", function () {
  this.timeout(30_000);
  let store: SessionStore;
  let endpoint: LegacyEndpoint;
  let log: RecordingLogger;
  const children: ChildProcess[] = [];

  before(function () {
    const version = pythonSocketIoVersion();
    if (version) return;
    // In CI the packages are installed by .ci/run: a missing one is a failure, not a skip.
    if (process.env.CI) throw new Error(`${PYTHON} cannot import socketio and aiohttp; run: ${INSTALL}`);
    console.log(`      (skipped: ${PYTHON} cannot import socketio and aiohttp; run: ${INSTALL})`);
    this.skip();
  });

  beforeEach(async () => {
    log = recordingLogger();
    store = new SessionStore({ lostGraceMs: GRACE_MS, log });
    endpoint = await startLegacyEndpoint({ port: 0, store, log });
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await endpoint?.close();
    store?.dispose();
  });

  const finalStates: Record<LegacyFixtureName, SessionSummary['state']> = {
    'current-cli-run': 'completed',
    'orchestrator-run': 'completed',
    'orchestrator-failed-run': 'failed',
  };

  for (const name of Object.keys(finalStates) as LegacyFixtureName[]) {
    it(`${name}: polling, then the upgrade, and a complete, correct legacy session`, async () => {
      const run = loadLegacyRun(name);
      const cli = startPythonCli(endpoint.port, name, 'disconnect');
      children.push(cli.child);
      const code = await cli.exited;
      assert.equal(code, 0, cli.stderr());
      assert.deepEqual(
        cli.steps.map((step) => step.step),
        ['connected', 'sent', 'upgraded', 'disconnected'],
      );
      // python-socketio opens with long-polling and upgrades to WebSocket within connect(), through
      // the endpoint's guard (its Engine.IO log on stderr says which transports it tried).
      assert.match(
        cli.stderr(),
        /Attempting polling connection to http:\/\/localhost:\d+\/socket\.io\/\?transport=polling&EIO=4/,
      );
      assert.match(
        cli.stderr(),
        /Attempting WebSocket upgrade to ws:\/\/localhost:\d+\/socket\.io\/\?transport=websocket&EIO=4/,
      );
      assert.doesNotMatch(cli.stderr(), /WebSocket upgrade failed/);
      assert.equal(cli.steps[2].transport, 'websocket');

      const summary = await waitFor(`${run.sessionId} with all ${run.events.length} events, reporter gone`, () => {
        const current = store.get(run.sessionId);
        return current && current.eventCount === run.events.length && !current.reporterConnected ? current : undefined;
      });
      assert.equal(summary.state, finalStates[name], 'a finished run stays finished after the CLI disconnects');
      assert.equal(summary.source, 'legacy');
      assert.equal(summary.unauthenticated, true);
      assert.deepEqual(
        (await store.readEvents(run.sessionId)).map((event) => event.seq),
        run.events.map((_, i) => i + 1),
      );
      await EXPECTED[name](summary, store);
      // connections counts the open ones: the CLI has disconnected.
      assert.deepEqual(endpoint.counters(), {
        connections: 0,
        accepted: run.events.length,
        malformed: 0,
        refused: 0,
        ignored: 0,
      });
    });
  }

  it('a CLI that dies mid-run (no final event, no close) leaves a lost session', async () => {
    // The current CLI's run cut before its final event, then the process dies with the socket open.
    const run = loadLegacyRun('current-cli-run');
    const sent = run.events.length - 1;
    const cli = startPythonCli(endpoint.port, 'current-cli-run', 'crash', sent);
    children.push(cli.child);
    await waitFor('the run to be sent and upgraded', () => cli.steps.some((step) => step.step === 'upgraded'));
    const running = await waitFor('the events to be stored', () => {
      const current = store.get(run.sessionId);
      return current?.eventCount === sent ? current : undefined;
    });
    assert.equal(running.state, 'running');
    assert.equal(running.reporterConnected, true);
    cli.child.stdin!.write('die\n');
    assert.equal(await cli.exited, 1);
    const lost = await waitFor('the session to be lost after the grace period', () => {
      const current = store.get(run.sessionId);
      return current?.state === 'lost' ? current : undefined;
    });
    assert.equal(lost.reporterConnected, false);
    assert.equal(lost.eventCount, sent, 'nothing invented for the missing end');
  });
});
