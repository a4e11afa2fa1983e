// The reporter library: how a CLI (or `shannon-hub emit|run`) reports events to the hub over the
// native protocol. It numbers events per session, batches them, keeps every event until the hub
// acknowledges it, and after a dropped connection reconnects with backoff and resends exactly what
// the hub's welcome says is missing. Nothing here imports `vscode`.
import WebSocket from 'ws';
import * as z from 'zod';
import { dataSchemaFor } from '../protocol/events';
import {
  type Capability,
  CloseCode,
  type ControlFrame,
  EventKind,
  IsoTimestamp,
  SessionId,
  type Hello,
  type ErrorFrame,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  type Welcome,
  parseHubFrame,
} from '../protocol/wire';
import { UnackedEventBuffer } from './event-buffer';
import { makeSessionId } from './session-id';

export type ReporterState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Why a connection attempt failed: `refused` = the hub answered 401/403 (wrong token, or not our hub). */
export type ConnectFailure = 'refused' | 'unreachable' | 'timeout' | 'protocol';

export class HubConnectionError extends Error {
  constructor(
    message: string,
    readonly reason: ConnectFailure,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'HubConnectionError';
  }
}

/** An event the caller built wrongly (bad kind, data not matching its kind's schema, too large). */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

export class FlushTimeoutError extends Error {
  constructor(
    readonly unacknowledged: number,
    timeoutMs: number,
  ) {
    super(`${unacknowledged} event(s) not acknowledged by the hub within ${timeoutMs} ms`);
    this.name = 'FlushTimeoutError';
  }
}

export interface ReporterLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface HubAddress {
  url: string;
  token: string;
}

export interface DropInfo {
  /** Events evicted by this overflow (always 1 today). */
  dropped: number;
  /** All events evicted before their ack since the reporter was created. */
  total: number;
}

export interface ReporterOptions extends HubAddress {
  /** Defaults to a new id in the Shannon CLI's format (do_YYYYMMDD_HHMMSS_xxxxxxxx). */
  sessionId?: string;
  client?: { name: string; version: string; pid?: number };
  capabilities?: Capability[];
  /** Unacknowledged events kept for resending; beyond it the oldest is dropped and counted. Default 100 000. */
  maxBufferedEvents?: number;
  /** Events per `events` frame. Default 500. */
  maxBatchEvents?: number;
  /** Events written but not acknowledged before the reporter waits for acks. Default 5 000. */
  maxInFlightEvents?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Upgrade + welcome deadline for one connection attempt. Default 5 000 ms. */
  connectTimeoutMs?: number;
  /**
   * Asked before each reconnect for the hub's current address (a reloaded VS Code window restarts
   * its hub on a new port with a new token). Return undefined to keep the last one.
   */
  relocate?: () => HubAddress | undefined | Promise<HubAddress | undefined>;
  onControl?: (control: ControlFrame) => void;
  onDrop?: (info: DropInfo) => void;
  onHubError?: (error: ErrorFrame) => void;
  onStateChange?: (state: ReporterState) => void;
  log?: ReporterLogger;
}

interface PendingEvent {
  kind: string;
  data: Record<string, unknown>;
  ts: string;
}

/** Exponential backoff with "equal jitter": half the capped delay fixed, half random, so many reporters don't reconnect in lockstep. */
export function reconnectDelayMs(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const capped = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped / 2 + random() * (capped / 2));
}

// Room for `{"type":"events","events":[` and `]}` around a batch, so frames stay under the hub's limit.
const FRAME_OVERHEAD_BYTES = 64;
const MAX_BATCH_BYTES = MAX_FRAME_BYTES - FRAME_OVERHEAD_BYTES;
// How many `ws.send` writes may wait for the kernel before pumping pauses (socket backpressure).
const MAX_PENDING_WRITES = 4;

type HelloFields = Pick<Hello, 'client' | 'sessionId' | 'capabilities'>;

/**
 * Open a socket, send hello, wait for welcome. Every failure becomes a HubConnectionError saying
 * whether the hub refused us (401/403), could not be reached, timed out, or spoke something else.
 */
export function handshake(
  address: HubAddress,
  hello: HelloFields,
  timeoutMs = 5_000,
): Promise<{ socket: WebSocket; welcome: Welcome }> {
  const { url, token } = address;
  return new Promise((resolve, reject) => {
    let settled = false;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, {
        headers: { Authorization: `Bearer ${token}` },
        handshakeTimeout: timeoutMs,
        perMessageDeflate: false,
        maxPayload: MAX_FRAME_BYTES,
      });
    } catch (error) {
      reject(new HubConnectionError(`invalid hub url ${url}: ${(error as Error).message}`, 'unreachable'));
      return;
    }
    const fail = (error: HubConnectionError) => {
      if (settled) return;
      settled = true;
      clearTimeout(welcomeTimer);
      socket.removeAllListeners();
      socket.on('error', () => {}); // a late error from the dying socket must not crash the process
      socket.terminate();
      reject(error);
    };
    const welcomeTimer = setTimeout(
      () => fail(new HubConnectionError(`no welcome from ${url} within ${timeoutMs} ms`, 'timeout')),
      timeoutMs + 1_000,
    );

    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      const refused = status === 401 || status === 403;
      // 503: the hub is at its connection limit or shutting down; worth retrying, unlike a refusal.
      const busy = status === 503;
      const detail = refused ? 'token refused' : busy ? 'hub unavailable' : 'not a Shannon hub';
      fail(
        new HubConnectionError(
          `${detail}: ${url} answered HTTP ${status}`,
          refused ? 'refused' : busy ? 'unreachable' : 'protocol',
          status,
        ),
      );
    });
    socket.on('error', (error: Error & { code?: string }) => {
      const timedOut = /timed out|timeout/i.test(error.message);
      fail(
        new HubConnectionError(
          `cannot connect to ${url}: ${error.code ?? error.message}`,
          timedOut ? 'timeout' : 'unreachable',
        ),
      );
    });
    socket.on('close', (code, reason) => {
      const why = [code, reason.toString()].filter(Boolean).join(' ');
      const refused = code === CloseCode.unauthorized;
      fail(
        new HubConnectionError(`hub closed the connection before welcome (${why})`, refused ? 'refused' : 'protocol'),
      );
    });
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, role: 'reporter', ...hello }));
    });
    socket.on('message', (raw, isBinary) => {
      if (settled) return;
      const parsed = parseHubFrame(isBinary ? '' : raw.toString());
      if (!parsed.ok) {
        fail(new HubConnectionError(`unexpected first frame from hub: ${parsed.message}`, 'protocol'));
        return;
      }
      const frame = parsed.value;
      if (frame.type === 'error') {
        fail(new HubConnectionError(`hub refused hello: ${frame.code}: ${frame.message}`, 'protocol'));
        return;
      }
      if (frame.type !== 'welcome') {
        fail(new HubConnectionError(`expected welcome, hub sent ${frame.type}`, 'protocol'));
        return;
      }
      settled = true;
      clearTimeout(welcomeTimer);
      socket.removeAllListeners();
      socket.on('error', () => {}); // until the caller attaches its own handlers
      resolve({ socket, welcome: frame });
    });
  });
}

/** Connect, hello without a session (so no session is created), read the welcome, disconnect. */
export async function probeHub(address: HubAddress, timeoutMs = 5_000): Promise<Welcome> {
  const { socket, welcome } = await handshake(
    address,
    { client: { name: 'shannon-hub-probe', version: '0', pid: process.pid } },
    timeoutMs,
  );
  socket.close(1000, 'probe done');
  return welcome;
}

export class Reporter {
  readonly sessionId: string;
  private address: HubAddress;
  private readonly buffer: UnackedEventBuffer;
  private readonly options: ReporterOptions;
  private socket: WebSocket | undefined;
  private currentState: ReporterState = 'idle';
  private lastWelcome: Welcome | undefined;
  /** Next seq to hand out; unknown (undefined) until the first welcome says what the hub already has. */
  private nextSeq: number | undefined;
  /** Events sent before the first welcome: numbered once lastSeq is known. Bounded like the buffer. */
  private unnumbered: PendingEvent[] = [];
  private unnumberedDropped = 0;
  private highestAcked = 0;
  private reportedDrops = 0;
  private pendingWrites = 0;
  private pumpScheduled = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private flushWaiters = new Set<() => void>();
  /** Kinds already checked against the EventKind pattern (a reporter uses a handful). */
  private readonly validKinds = new Set<string>();

  constructor(options: ReporterOptions) {
    this.options = options;
    this.address = { url: options.url, token: options.token };
    this.sessionId = options.sessionId ?? makeSessionId();
    const id = SessionId.safeParse(this.sessionId);
    if (!id.success)
      throw new InvalidEventError(
        `invalid session id ${JSON.stringify(this.sessionId)}: ${id.error.issues[0]?.message}`,
      );
    this.buffer = new UnackedEventBuffer(options.maxBufferedEvents ?? 100_000);
  }

  get state(): ReporterState {
    return this.currentState;
  }

  /** A method, not a property read, so TypeScript does not narrow it away across awaits. */
  private isClosed(): boolean {
    return this.currentState === 'closed';
  }

  /** Events evicted from the full buffer before the hub acknowledged them. Never silently zero. */
  get droppedCount(): number {
    return this.buffer.droppedCount + this.unnumberedDropped;
  }

  /** Events not yet acknowledged (buffered or waiting for the first welcome). */
  get pendingCount(): number {
    return this.buffer.size + this.unnumbered.length;
  }

  /** The highest seq the hub acknowledged (or reported as stored) for this session. */
  get lastAckedSeq(): number {
    return this.highestAcked;
  }

  /** The hub's most recent welcome (hub version, lastSeq). */
  get welcome(): Welcome | undefined {
    return this.lastWelcome;
  }

  get hubUrl(): string {
    return this.address.url;
  }

  /**
   * Open the first connection: resolves with the hub's welcome, or rejects with a HubConnectionError.
   * Once connected, later disconnects are healed automatically until close().
   */
  async connect(): Promise<Welcome> {
    if (this.currentState === 'closed') throw new Error('reporter is closed');
    if (this.currentState === 'connected' && this.lastWelcome) return this.lastWelcome;
    if (this.currentState !== 'idle') throw new Error(`reporter is already ${this.currentState}`);
    this.setState('connecting');
    try {
      return await this.openConnection();
    } catch (error) {
      this.setState('idle');
      throw error;
    }
  }

  /**
   * Queue one event. Validated here (envelope and, for known kinds, data) so a mistake surfaces at
   * the caller as an InvalidEventError instead of an error frame later. Returns the seq once known.
   */
  send(kind: string, data: Record<string, unknown> = {}, options: { ts?: string | Date } = {}): number | undefined {
    if (this.currentState === 'closed') throw new Error('reporter is closed');
    const ts = options.ts instanceof Date ? options.ts.toISOString() : (options.ts ?? new Date().toISOString());
    const pending: PendingEvent = { kind, data, ts };
    this.checkEvent(pending, options.ts !== undefined);
    if (this.nextSeq === undefined) {
      // Too large is found out only when serialized; check it now rather than after the welcome.
      this.serialize(pending, 1);
      if (this.unnumbered.length >= this.buffer.capacity) {
        // Rare (a hub never reached) and bounded, so the O(n) shift is acceptable here.
        this.unnumbered.shift();
        this.unnumberedDropped += 1;
        this.options.onDrop?.({ dropped: 1, total: this.droppedCount });
      }
      this.unnumbered.push(pending);
      return undefined;
    }
    const seq = this.enqueue(pending);
    this.schedulePump();
    return seq;
  }

  /**
   * Answer a control frame (by its id): `control:result {id, ok, message?}`. The Monitor shows the
   * control as done or refused with the message; without an answer it says so after 10 s.
   */
  result(controlId: string, ok: boolean, message?: string): number | undefined {
    return this.send('control:result', message === undefined ? { id: controlId, ok } : { id: controlId, ok, message });
  }

  /** Resolves when every event sent so far is acknowledged; rejects with FlushTimeoutError after `timeoutMs`. */
  flush(timeoutMs = 10_000): Promise<void> {
    // Drops that happened while connected (a hub that stopped acknowledging) are reported here at the latest.
    if (this.currentState === 'connected') {
      this.reportDrops();
      this.schedulePump();
    }
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.flushWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.flushWaiters.delete(done);
        reject(new FlushTimeoutError(this.pendingCount, timeoutMs));
      }, timeoutMs);
      this.flushWaiters.add(done);
    });
  }

  /**
   * Stop reconnecting and close the socket. Unacknowledged events are abandoned (call flush()
   * first). With `moreToCome`, the hub is told that other reports for the session may follow from
   * another connection, so it does not call the session lost after the usual short grace.
   */
  async close(options: { moreToCome?: boolean } = {}): Promise<void> {
    if (this.currentState === 'closed') return;
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else if (options.moreToCome) socket.close(CloseCode.reporterPaused, 'more reports may follow');
      else socket.close(1000, 'reporter closed');
    });
  }

  // --- connection -------------------------------------------------------------------------

  private async openConnection(): Promise<Welcome> {
    const { socket, welcome } = await handshake(
      this.address,
      {
        client: {
          name: this.options.client?.name ?? 'shannon-reporter',
          version: this.options.client?.version ?? '0',
          pid: this.options.client?.pid ?? process.pid,
        },
        sessionId: this.sessionId,
        capabilities: this.options.capabilities ?? [],
      },
      this.options.connectTimeoutMs ?? 5_000,
    );
    if (this.isClosed()) {
      socket.terminate();
      throw new HubConnectionError('reporter closed while connecting', 'unreachable');
    }
    this.socket = socket;
    this.attach(socket);
    this.onWelcome(welcome);
    return welcome;
  }

  /** Wire a socket that completed the handshake into the live event flow. */
  private attach(socket: WebSocket): void {
    socket.removeAllListeners();
    socket.on('message', (raw, isBinary) => this.onFrame(isBinary ? '' : raw.toString()));
    socket.on('error', (error) => this.options.log?.debug?.(`hub socket error: ${error.message}`));
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.pendingWrites = 0;
      if (this.currentState === 'closed') return;
      this.options.log?.warn(
        `connection to the hub lost (${code}${reason.length ? ` ${reason.toString()}` : ''}); reconnecting`,
      );
      this.buffer.markAllUnsent();
      this.setState('reconnecting');
      this.scheduleReconnect();
    });
  }

  private onWelcome(welcome: Welcome): void {
    this.lastWelcome = welcome;
    this.reconnectAttempt = 0;
    const stored = welcome.lastSeq ?? 0;
    // Everything the hub already stored is done; the rest is resent in order.
    this.acknowledge(stored);
    this.buffer.markAllUnsent();
    if (this.nextSeq === undefined || this.nextSeq <= stored) this.nextSeq = stored + 1;
    for (const pending of this.unnumbered.splice(0)) this.enqueue(pending);
    this.reportDrops();
    this.setState('connected');
    this.schedulePump();
    this.resolveFlushWaitersIfDone();
  }

  private scheduleReconnect(): void {
    const initial = this.options.reconnect?.initialDelayMs ?? 100;
    const max = this.options.reconnect?.maxDelayMs ?? 5_000;
    const delay = reconnectDelayMs(this.reconnectAttempt, initial, max);
    this.reconnectAttempt += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (this.isClosed()) return;
    try {
      const relocated = await this.options.relocate?.();
      if (relocated) this.address = relocated;
    } catch (error) {
      this.options.log?.debug?.(`relocating the hub failed: ${(error as Error).message}`);
    }
    if (this.isClosed()) return;
    try {
      await this.openConnection();
      this.options.log?.debug?.(`reconnected to ${this.address.url}`);
    } catch (error) {
      if (this.isClosed()) return;
      this.options.log?.debug?.(`reconnect failed: ${(error as Error).message}`);
      this.scheduleReconnect();
    }
  }

  // --- frames from the hub ------------------------------------------------------------------

  private onFrame(text: string): void {
    const parsed = parseHubFrame(text);
    if (!parsed.ok) {
      this.options.log?.warn(`ignored a bad frame from the hub: ${parsed.code}: ${parsed.message}`);
      return;
    }
    const frame = parsed.value;
    switch (frame.type) {
      case 'ack':
        if (frame.sessionId === this.sessionId) this.acknowledge(frame.seq);
        return;
      case 'error':
        this.options.log?.warn(
          `hub refused ${frame.seq === undefined ? 'a frame' : `seq ${frame.seq}`}: ${frame.code}: ${frame.message}`,
        );
        // A refused event will never be acknowledged; keeping it would make flush() wait forever.
        if (frame.seq !== undefined && this.buffer.discard(frame.seq)) this.resolveFlushWaitersIfDone();
        this.options.onHubError?.(frame);
        return;
      case 'control':
        if (frame.sessionId !== this.sessionId) return;
        try {
          this.options.onControl?.(frame);
        } catch (error) {
          this.options.log?.warn(`control handler failed: ${(error as Error).message}`);
        }
        return;
      case 'welcome':
        this.options.log?.warn('ignored a repeated welcome from the hub');
        return;
      case 'stored':
        return; // only subscribers get stored events
    }
  }

  private acknowledge(seq: number): void {
    if (seq > this.highestAcked) this.highestAcked = seq;
    if (this.buffer.acknowledge(seq) > 0) {
      this.resolveFlushWaitersIfDone();
      this.schedulePump(); // the in-flight window opened up
    }
  }

  private resolveFlushWaitersIfDone(): void {
    if (this.pendingCount !== 0) return;
    for (const waiter of [...this.flushWaiters]) waiter();
  }

  // --- sending ------------------------------------------------------------------------------

  /**
   * Check what the caller controls (kind, data, ts) once, at send(); the envelope fields we make
   * ourselves (session id checked in the constructor, seq) need no check per event.
   */
  private checkEvent(event: PendingEvent, tsGiven: boolean): void {
    if (!this.validKinds.has(event.kind)) {
      const kind = EventKind.safeParse(event.kind);
      if (!kind.success)
        throw new InvalidEventError(
          `invalid event kind ${JSON.stringify(event.kind)}: ${kind.error.issues[0]?.message}`,
        );
      if (this.validKinds.size < 1_000) this.validKinds.add(event.kind);
    }
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
      throw new InvalidEventError(`data of ${event.kind} must be an object`);
    }
    if (tsGiven && !IsoTimestamp.safeParse(event.ts).success)
      throw new InvalidEventError(`ts ${JSON.stringify(event.ts)} is not an ISO 8601 timestamp`);
    const schema = dataSchemaFor(event.kind);
    const checked = schema?.safeParse(event.data);
    if (checked && !checked.success)
      throw new InvalidEventError(`invalid data for ${event.kind}: ${z.prettifyError(checked.error)}`);
  }

  private serialize(event: PendingEvent, seq: number): { json: string; bytes: number } {
    const json = JSON.stringify({ sessionId: this.sessionId, seq, ts: event.ts, kind: event.kind, data: event.data });
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_BATCH_BYTES)
      throw new InvalidEventError(`event ${event.kind} is ${bytes} bytes; the hub accepts at most ${MAX_BATCH_BYTES}`);
    return { json, bytes };
  }

  private enqueue(pending: PendingEvent, overCapacity = false): number {
    const seq = this.nextSeq as number;
    const { json, bytes } = this.serialize(pending, seq);
    this.nextSeq = seq + 1;
    const evicted = this.buffer.push({ seq, json, bytes }, overCapacity);
    if (evicted > 0) this.options.onDrop?.({ dropped: evicted, total: this.droppedCount });
    return seq;
  }

  /** After a (re)connect, tell the hub - and so the user - how many events never made it. */
  private reportDrops(): void {
    const unreported = this.droppedCount - this.reportedDrops;
    if (unreported <= 0) return;
    this.reportedDrops = this.droppedCount;
    const message = `${unreported} event(s) were dropped by the reporter before the hub acknowledged them (buffer of ${this.buffer.capacity} full)`;
    this.options.log?.warn(message);
    this.enqueue(
      {
        kind: 'log',
        data: { level: 'warn', message, dropped: unreported, droppedTotal: this.droppedCount },
        ts: new Date().toISOString(),
      },
      true,
    );
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Write unsent events as frames while the socket and the in-flight window allow. */
  private pump(): void {
    const socket = this.socket;
    if (!socket || this.currentState !== 'connected' || socket.readyState !== WebSocket.OPEN) return;
    const maxBatch = this.options.maxBatchEvents ?? 500;
    const maxInFlight = this.options.maxInFlightEvents ?? 5_000;
    while (
      this.buffer.unsentCount > 0 &&
      this.pendingWrites < MAX_PENDING_WRITES &&
      this.buffer.inFlightCount < maxInFlight
    ) {
      const batch = this.buffer.takeUnsent(
        Math.min(maxBatch, maxInFlight - this.buffer.inFlightCount),
        MAX_BATCH_BYTES,
      );
      const frame =
        batch.length === 1
          ? `{"type":"event",${batch[0].json.slice(1)}`
          : `{"type":"events","events":[${batch.map((event) => event.json).join(',')}]}`;
      this.pendingWrites += 1;
      socket.send(frame, (error) => {
        if (this.socket !== socket) return;
        this.pendingWrites -= 1;
        if (error) return; // the close handler resends everything unacknowledged
        if (this.buffer.unsentCount > 0) this.schedulePump();
      });
    }
  }

  private setState(state: ReporterState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.options.onStateChange?.(state);
  }
}
