// Test support for the hub suites: a recording logger, temp folders, and a tiny in-test ws client
// that records every frame it receives (the real reporter library is tested separately).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { HubFrame } from '../../src/protocol/wire';
import { startHub, type Hub, type HubOptions } from '../../src/hub/hub';
import type { HubLogger } from '../../src/hub/logger';
import { waitFor as waitUntil } from './wait';

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
}

export class RecordingLogger implements HubLogger {
  readonly lines: LogLine[] = [];
  info(message: string) {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string) {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string) {
    this.lines.push({ level: 'error', message });
  }
  debug(message: string) {
    this.lines.push({ level: 'debug', message });
  }
  has(level: LogLine['level'], pattern: RegExp): boolean {
    return this.lines.some((line) => line.level === level && pattern.test(line.message));
  }
}

/** Poll a condition (every wait has a timeout; failing with what was awaited). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  await waitUntil(what, condition, timeoutMs);
}

export function makeTempDir(prefix = 'shannon-hub-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Hubs and clients started in a test, stopped afterwards whatever happened. */
export class Fixture {
  readonly log = new RecordingLogger();
  private readonly hubs: Hub[] = [];
  private readonly clients: TestClient[] = [];
  private readonly dirs: { remove(): void }[] = [];

  tempDir(): string {
    const dir = makeTempDir();
    this.dirs.push(dir);
    return dir.path;
  }

  async hub(options: Partial<HubOptions> = {}): Promise<Hub> {
    const hub = await startHub({ log: this.log, version: 'test', lostGraceMs: 60_000, ...options });
    this.hubs.push(hub);
    return hub;
  }

  async client(hub: Hub, options: ConnectOptions = {}): Promise<TestClient> {
    const client = await TestClient.connect(hub.url, { token: hub.token, ...options });
    this.clients.push(client);
    return client;
  }

  async dispose(): Promise<void> {
    for (const client of this.clients) client.terminate();
    await Promise.all(this.hubs.map((hub) => hub.dispose()));
    for (const dir of this.dirs) dir.remove();
  }
}

export interface ConnectOptions {
  token?: string;
  headers?: Record<string, string>;
  maxPayload?: number;
}

type Frame = HubFrame & Record<string, unknown>;

export class TestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as Frame));
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('error', () => {});
  }

  static connect(url: string, options: ConnectOptions): Promise<TestClient> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const socket = new WebSocket(url, { headers, maxPayload: options.maxPayload ?? 64 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connect timed out')), 5_000);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(new TestClient(socket));
      });
      socket.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
        socket.terminate();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  hello(extra: Record<string, unknown> = {}): void {
    this.send({
      type: 'hello',
      protocol: 1,
      role: 'reporter',
      client: { name: 'test', version: '1', pid: process.pid },
      ...extra,
    });
  }

  /** Wait for the next frame (from index `after`) matching the predicate. */
  async next(predicate: (frame: Frame) => boolean, what: string, timeoutMs = 5_000): Promise<Frame> {
    let found: Frame | undefined;
    await waitFor(() => (found = this.frames.find(predicate)) !== undefined, what, timeoutMs);
    return found!;
  }

  async welcome(): Promise<Frame> {
    return this.next((f) => f.type === 'welcome', 'welcome');
  }

  /** Wait until the cumulative ack for a session reaches seq. */
  async acked(sessionId: string, seq: number): Promise<void> {
    await this.next(
      (f) => f.type === 'ack' && f.sessionId === sessionId && (f.seq as number) >= seq,
      `ack ${sessionId} ${seq}`,
    );
  }

  terminate(): void {
    this.socket.terminate();
  }
}

/** The HTTP status of a refused upgrade. */
export async function refusalStatus(url: string, options: ConnectOptions): Promise<number> {
  try {
    const client = await TestClient.connect(url, options);
    client.terminate();
    throw new Error('upgrade was accepted');
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === undefined) throw error;
    return status;
  }
}

export function event(
  sessionId: string,
  seq: number,
  kind = 'log',
  data: Record<string, unknown> = { message: `line ${seq}` },
) {
  return { sessionId, seq, ts: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, seq)).toISOString(), kind, data };
}

/** Send an upgrade request with exactly these headers; resolves with the HTTP status of the answer. */
export function rawUpgrade(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers, setHost: false });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 101);
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('upgrade request timed out')));
    req.end();
  });
}
