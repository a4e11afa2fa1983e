// `shannon-hub serve --legacy-port N` as a real process: a client behaving like today's CLI reports
// to it, a native subscriber sees the normalized events live, and the journal holds them after exit.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { journalFileName } from '../../src/hub/journal';
import { EventEnvelope, parseHubFrame, PROTOCOL_VERSION } from '../../src/protocol/wire';
import { loadLegacyRun } from '../fixtures/legacy';
import { connectLikeCli, replay, waitFor } from './legacy-helpers';

const REPO = resolve(__dirname, '../..');

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', () => done()));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`shannon-hub serve did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

describe('shannon-hub serve --legacy-port', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  const cleanups: Array<() => void> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child, 5000).catch(() => undefined);
    }
    child = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a CLI-like run over Socket.IO and stores, forwards and journals it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shannon-legacy-serve-'));
    const legacyPort = await freePort();
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/reporter/cli.ts',
        'serve',
        '--port',
        '0',
        '--legacy-port',
        String(legacyPort),
        '--journal',
        join(dir, 'journal'),
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const address = await waitFor(
      'the address line on stdout',
      () => {
        const line = stdout.split('\n')[0];
        return stdout.includes('\n') ? (JSON.parse(line) as { url: string; token: string }) : undefined;
      },
      15_000,
    );
    await waitFor(
      'the legacy endpoint to listen',
      () => stderr.includes(`legacy endpoint listening on http://127.0.0.1:${legacyPort}`),
      15_000,
    );

    // A native subscriber watches the hub while the legacy client reports.
    const subscriber = new WebSocket(address.url, { headers: { Authorization: `Bearer ${address.token}` } });
    cleanups.push(() => subscriber.terminate());
    const stored: EventEnvelope[] = [];
    subscriber.on('message', (data) => {
      const frame = parseHubFrame(String(data));
      if (frame.ok && frame.value.type === 'stored') stored.push(...frame.value.events);
    });
    await new Promise<void>((done, fail) => {
      subscriber.once('open', () => done());
      subscriber.once('error', fail);
    });
    subscriber.send(
      JSON.stringify({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        role: 'subscriber',
        client: { name: 'legacy-serve-test', version: '1', pid: process.pid },
      }),
    );

    const run = loadLegacyRun('current-cli-run');
    const cli = await connectLikeCli(legacyPort, 'polling-first');
    cleanups.push(() => cli.close());
    replay(cli, run.events);
    await waitFor('every event at the subscriber', () => stored.length === run.events.length, 10_000);
    assert.ok(stored.every((e) => e.sessionId === run.sessionId));
    assert.equal(stored[0].kind, 'execution:started');
    assert.equal(stored[0].data.task, 'Add a --json flag to the report command');
    assert.equal(stored.at(-1)?.kind, 'execution:completed');
    assert.deepEqual(
      stored.filter((e) => e.kind === 'file:changed').map((e) => e.data.path),
      ['src/report/cli.py', 'tests/test_report_json.py', 'src/report/cli.py'],
    );

    cli.close();
    child.kill('SIGTERM');
    assert.equal(await exited(child, 10_000), 0);
    const lines = readFileSync(join(dir, 'journal', journalFileName(run.sessionId)), 'utf8')
      .trim()
      .split('\n')
      .slice(1); // the header line;
    assert.deepEqual(
      lines.map((line) => EventEnvelope.parse(JSON.parse(line))),
      stored,
    );
    assert.match(stderr, /session do_20251116_153316_856369b4 reporting \(legacy, unauthenticated\)/);
  });
});
