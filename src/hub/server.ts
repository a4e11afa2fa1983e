// The hub's WebSocket endpoint. Everything a peer sends is untrusted: the upgrade is checked
// (token, Origin, Host) before a socket exists, every frame is parsed by the protocol schemas and a
// bad one gets an `error` reply instead of a throw, and each peer is held to limits (frame size,
// hello deadline, inbound rate, outbound buffer) so one misbehaving client cannot starve the others.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  CloseCode,
  HELLO_DEADLINE_MS,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  parseClientFrame,
  validateEventData,
  type Capability,
  type ClientFrame,
  type ControlFrame,
  type ControlRequest,
  type ErrorCode,
  type EventEnvelope,
  type HubFrame,
} from '../protocol/wire';
import { checkUpgrade } from './auth';
import { guarded } from './guard';
import { shouldLogOccurrence } from './log-throttle';
import type { HubLogger } from './logger';
import type { SessionStore, StoreChange } from './store';

export interface ServerLimits {
  /** A connection that has not sent a valid hello by then is closed with 4001. */
  helloDeadlineMs: number;
  /** Further upgrades are refused with HTTP 503. */
  maxConnections: number;
  /** Larger frames close the connection with 1009 (ws enforces it while reading). */
  maxPayload: number;
  /** Inbound token bucket per connection: sustained rate and burst, in frames and in bytes. Over it -> 4008. */
  framesPerSecond: number;
  burstFrames: number;
  bytesPerSecond: number;
  burstBytes: number;
  /** A peer whose unread outbound data (replies, stored events) exceeds this is closed with 4008. */
  maxBufferedBytes: number;
  /** Above this much unread outbound data, a subscriber's replay/live feed waits instead of sending. */
  subscriberHighWaterBytes: number;
  /** Events per `stored` frame. */
  storedChunkEvents: number;
  /** How long a peer closed for misbehaviour gets to finish the close handshake before it is cut. */
  closeGraceMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  helloDeadlineMs: HELLO_DEADLINE_MS,
  maxConnections: 32,
  maxPayload: MAX_FRAME_BYTES,
  // Far above what any honest reporter sends (the benchmark's fastest sender included): this is a
  // fuse against runaway peers, not a quota.
  framesPerSecond: 250_000,
  burstFrames: 250_000,
  bytesPerSecond: 128 * 1024 * 1024,
  burstBytes: 128 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  subscriberHighWaterBytes: 1024 * 1024,
  storedChunkEvents: 500,
  closeGraceMs: 2_000,
};

/** How often a paused subscriber feed checks whether the peer has read enough to continue. */
const SUBSCRIBER_RETRY_MS = 10;

interface Connection {
  id: number;
  socket: WebSocket;
  peer: string;
  role?: 'reporter' | 'subscriber';
  capabilities: Capability[];
  helloTimer?: NodeJS.Timeout;
  closing: boolean;
  // inbound token bucket
  frameTokens: number;
  byteTokens: number;
  bucketAt: number;
  // reporter: sessions it reports (from hello or from its events); `announced` = told to the store
  sessions: Set<string>;
  announced: Set<string>;
  // subscriber: how far each session has been sent; undefined scope = all sessions
  scope?: string;
  cursors: Map<string, number>;
  feedScheduled: boolean;
  /** Acks owed, by session: cumulative, so one per session per tick says everything. */
  pendingAcks: Map<string, number>;
  acksScheduled: boolean;
  /** The highest ack sent per session (acks never go backwards). */
  ackedSeqs: Map<string, number>;
  /** A claiming subscriber is fed from the claims' relay store instead of the hub's own. */
  feedStore?: SessionStore;
  /** Ends the claim's hold on the legacy port when the connection closes. */
  claim?: { dispose(): void };
  /** Frames received while the store was still loading history, handled once it is done. */
  held?: RawData[];
  /** A feed pass is reading from the journal; another pass runs after it. */
  feeding: boolean;
}

export interface HubServerOptions {
  store: SessionStore;
  token: string;
  log: HubLogger;
  version: string;
  limits?: Partial<ServerLimits>;
  /** Lets another window claim a session's legacy events (src/hub/legacy-port.ts); none when omitted. */
  claims?: ClaimRegistry;
}

/** Where claimed sessions live and how a claim is registered (the hub wires it to the legacy port). */
export interface ClaimRegistry {
  relay: SessionStore;
  claim(sessionId: string, client: { name: string; pid: number }): { dispose(): void };
}

export class HubServer {
  private readonly store: SessionStore;
  private readonly token: string;
  private readonly log: HubLogger;
  private readonly version: string;
  private readonly limits: ServerLimits;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly reportersBySession = new Map<string, Set<Connection>>();
  private readonly clientListeners = new Set<() => void>();
  private readonly storeSubscription: { dispose(): void };
  private readonly relaySubscription: { dispose(): void } | undefined;
  private readonly claims: ClaimRegistry | undefined;
  private port = 0;
  private upgrading = 0;
  /** Refused upgrades so far: logged in full at first, then throttled (see log-throttle.ts). */
  private refusedUpgrades = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: HubServerOptions) {
    this.store = options.store;
    this.token = options.token;
    this.log = options.log;
    this.version = options.version;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' }).end('WebSocket only\n');
    });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxPayload,
      clientTracking: false,
      perMessageDeflate: false,
    });
    this.http.on(
      'upgrade',
      guarded(this.log, 'upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        this.onUpgrade(req, socket, head),
      ),
    );
    this.http.on('clientError', (_error, socket) => socket.destroy());
    this.storeSubscription = this.store.subscribe((change) => this.onStoreChange(change, this.store));
    this.claims = options.claims;
    const relay = options.claims?.relay;
    this.relaySubscription = relay?.subscribe((change) => this.onStoreChange(change, relay));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.http.once('error', onError);
      this.http.listen(port, host, () => {
        this.http.off('error', onError);
        this.http.on('error', (error) => this.log.error(`hub server error: ${error.message}`));
        const address = this.http.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  get clientCount(): number {
    return this.connections.size;
  }

  onClientsChange(listener: () => void): { dispose(): void } {
    this.clientListeners.add(listener);
    return { dispose: () => this.clientListeners.delete(listener) };
  }

  /**
   * Send a control to the session's connected reporters that declared its command. Halt, resume
   * and cancel go to each of them; a decision's answer and an instruction go to one only (the
   * most recent connection), so an answer is never delivered twice. Returns the control's id, or
   * undefined when no connected reporter declared the capability.
   */
  sendControl(sessionId: string, request: ControlRequest): string | undefined {
    const command = request.command;
    let targets = [...(this.reportersBySession.get(sessionId) ?? [])].filter(
      (conn) => !conn.closing && conn.capabilities.includes(command),
    );
    if (command === 'decide' || command === 'instruct') targets = targets.slice(-1);
    if (targets.length === 0) {
      this.log.info(`control ${command} for session ${sessionId}: no connected reporter declared it`);
      return undefined;
    }
    const id = randomUUID();
    for (const conn of targets) {
      this.send(conn, { type: 'control', sessionId, id, ...request } as ControlFrame);
      this.log.info(`control ${command} (${id}) -> connection #${conn.id} for session ${sessionId}`);
    }
    return id;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.storeSubscription.dispose();
    this.relaySubscription?.dispose();
    const closing = [...this.connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.socket.readyState === WebSocket.CLOSED) return resolve();
          conn.socket.once('close', () => resolve());
          const cut = setTimeout(() => conn.socket.terminate(), 500);
          cut.unref();
          conn.closing = true;
          conn.socket.close(CloseCode.shuttingDown, 'hub shutting down');
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    this.wss.close();
  }

  // ---- upgrade -------------------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    if (this.closed) return refuse(socket, 503, 'hub shutting down');
    const verdict = checkUpgrade(req.headers, { token: this.token, port: this.port });
    if (!verdict.ok) {
      this.noteRefusal(peer, verdict.status, verdict.reason);
      return refuse(socket, verdict.status, verdict.reason);
    }
    if (this.connections.size + this.upgrading >= this.limits.maxConnections) {
      this.noteRefusal(peer, 503, `connection limit ${this.limits.maxConnections} reached`);
      return refuse(socket, 503, 'too many connections');
    }
    // Count the upgrade in progress against the limit until it completes or its socket goes away
    // (ws aborts a malformed handshake without calling back).
    this.upgrading++;
    let counted = true;
    const release = () => {
      if (counted) this.upgrading--;
      counted = false;
    };
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      release();
      if (this.closed) return ws.close(CloseCode.shuttingDown, 'hub shutting down'); // finished upgrading during close()
      this.accept(ws, peer);
    });
  }

  private noteRefusal(peer: string, status: number, reason: string): void {
    this.refusedUpgrades += 1;
    if (shouldLogOccurrence(this.refusedUpgrades)) {
      this.log.warn(`refused upgrade from ${peer}: HTTP ${status}, ${reason} (${this.refusedUpgrades} refused so far)`);
    }
  }

  private accept(socket: WebSocket, peer: string): void {
    const conn: Connection = {
      id: this.nextId++,
      socket,
      peer,
      capabilities: [],
      closing: false,
      frameTokens: this.limits.burstFrames,
      byteTokens: this.limits.burstBytes,
      bucketAt: performance.now(),
      sessions: new Set(),
      announced: new Set(),
      cursors: new Map(),
      feedScheduled: false,
      pendingAcks: new Map(),
      acksScheduled: false,
      ackedSeqs: new Map(),
      feeding: false,
    };
    this.connections.add(conn);
    this.log.info(`connection #${conn.id} from ${peer} (${this.connections.size} open)`);
    conn.helloTimer = setTimeout(
      guarded(this.log, `connection #${conn.id} hello deadline`, () =>
        this.closeMisbehaving(conn, CloseCode.helloTimeout, `no hello within ${this.limits.helloDeadlineMs} ms`),
      ),
      this.limits.helloDeadlineMs,
    );
    socket.on(
      'message',
      guarded(this.log, `connection #${conn.id} frame`, (data: RawData, isBinary: boolean) =>
        this.onFrame(conn, data, isBinary),
      ),
    );
    socket.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error (e.g. 1009 for an oversized frame).
      const what =
        error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
          ? `frame larger than ${this.limits.maxPayload} bytes`
          : error.message;
      this.log.warn(`connection #${conn.id}: ${what}; closing`);
    });
    socket.on(
      'close',
      guarded(this.log, `connection #${conn.id} close`, (code: number, reason: Buffer) =>
        this.onClose(conn, code, reason.toString()),
      ),
    );
    this.notifyClients();
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    if (!this.connections.delete(conn)) return;
    clearTimeout(conn.helloTimer);
    conn.closing = true;
    conn.cursors.clear();
    conn.claim?.dispose();
    this.log.info(
      `connection #${conn.id} closed (${code}${reason ? ` ${reason}` : ''}); ${this.connections.size} open`,
    );
    // A reporter that closed saying more reports will follow is given the long grace, not the short one.
    const paused = code === CloseCode.reporterPaused;
    for (const sessionId of conn.sessions) {
      const reporters = this.reportersBySession.get(sessionId);
      reporters?.delete(conn);
      if (reporters && reporters.size === 0) this.reportersBySession.delete(sessionId);
      if (conn.announced.has(sessionId)) this.announce(sessionId, paused);
    }
    this.notifyClients();
  }

  // ---- inbound frames ------------------------------------------------------------------------

  private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return;
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (!this.withinRate(conn, bytes)) {
      return this.closeMisbehaving(
        conn,
        CloseCode.flood,
        `flood: over ${this.limits.framesPerSecond} frames/s or ${this.limits.bytesPerSecond} bytes/s sustained`,
      );
    }
    if (isBinary) return this.reply(conn, 'bad_frame', 'binary frames are not part of the protocol; send JSON text');
    // While history is still being rebuilt from the journal (after a crash or without an index),
    // frames wait: a reporter must learn the lastSeq its session really has before it resends.
    if (conn.held) {
      conn.held.push(data);
      return;
    }
    const loading = this.store.whenLoaded();
    if (loading) {
      conn.held = [data];
      loading.then(
        guarded(this.log, `connection #${conn.id} held frames`, () => {
          const held = conn.held ?? [];
          conn.held = undefined;
          for (const frame of held) if (!conn.closing) this.processFrame(conn, frame);
        }),
        () => undefined,
      );
      return;
    }
    this.processFrame(conn, data);
  }

  private processFrame(conn: Connection, data: RawData): void {
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    const parsed = parseClientFrame(text);
    if (!parsed.ok) return this.refuseFrame(conn, text, parsed.code, parsed.message);
    const frame = parsed.value;
    try {
      this.handle(conn, frame);
    } catch (error) {
      // A bug in handling one frame must not take the hub down; the peer learns something went wrong.
      this.log.error(`connection #${conn.id}: ${frame.type} frame failed: ${(error as Error).stack ?? String(error)}`);
      this.reply(conn, 'internal', 'the hub failed to process this frame');
    }
  }

  private refuseFrame(conn: Connection, text: string, code: ErrorCode, message: string): void {
    let seq: number | undefined;
    if (code === 'bad_frame') {
      // Give the reporter what it needs to match the error to its frame, and name a version mismatch.
      const json = safeJson(text) as { type?: unknown; protocol?: unknown; seq?: unknown } | undefined;
      if (json?.type === 'hello' && json.protocol !== PROTOCOL_VERSION) {
        code = 'protocol_version';
        message = `protocol ${JSON.stringify(json.protocol)} is not supported; this hub speaks protocol ${PROTOCOL_VERSION}`;
      }
      if (json?.type === 'event' && Number.isInteger(json.seq)) seq = json.seq as number;
    }
    this.log.debug?.(`connection #${conn.id}: refused frame (${code}): ${message}`);
    this.reply(conn, code, message, seq);
  }

  private handle(conn: Connection, frame: ClientFrame): void {
    if (frame.type === 'hello') {
      if (conn.role) return this.reply(conn, 'hello_repeated', 'hello was already received on this connection');
      clearTimeout(conn.helloTimer);
      conn.role = frame.role;
      conn.capabilities = frame.capabilities ? [...new Set(frame.capabilities)] : [];
      const client = `${frame.client.name} ${frame.client.version} pid ${frame.client.pid}`;
      this.log.info(
        `connection #${conn.id}: hello from ${client} as ${frame.role}${frame.sessionId ? ` for session ${frame.sessionId}` : ''}`,
      );
      if (frame.claim) {
        if (frame.role !== 'subscriber' || !frame.sessionId || !this.claims) {
          const why = !this.claims ? 'this hub takes no claims' : 'a claim needs role "subscriber" and a sessionId';
          return this.reply(conn, 'bad_frame', why);
        }
        conn.feedStore = this.claims.relay;
        conn.claim = this.claims.claim(frame.sessionId, frame.client);
      }
      if (frame.role === 'subscriber') return this.startFeed(conn, frame.sessionId);
      const welcome: HubFrame = { type: 'welcome', protocol: PROTOCOL_VERSION, hub: { version: this.version } };
      if (frame.sessionId) {
        welcome.sessionId = frame.sessionId;
        welcome.lastSeq = this.store.get(frame.sessionId)?.lastSeq ?? 0;
        this.bindSession(conn, frame.sessionId);
      }
      return this.send(conn, welcome);
    }
    if (!conn.role) return this.reply(conn, 'hello_required', 'the first frame must be hello');
    if (conn.role !== 'reporter') return this.reply(conn, 'not_a_reporter', 'subscribers cannot send events');

    const valid: EventEnvelope[] = [];
    if (frame.type === 'event') {
      this.collect(
        conn,
        { sessionId: frame.sessionId, seq: frame.seq, ts: frame.ts, kind: frame.kind, data: frame.data },
        valid,
      );
    } else {
      for (const event of frame.events) this.collect(conn, event, valid);
    }
    if (valid.length === 0) return;
    const lastSeqs = this.store.ingest('native', valid);
    for (const [sessionId, lastSeq] of lastSeqs) {
      this.bindSession(conn, sessionId);
      this.ackWhenStored(conn, sessionId, lastSeq);
    }
  }

  /**
   * An ack means stored: it goes out only once the journal has written every event it covers
   * (a resent duplicate waits too, for the original's write). Writes finish in seq order per
   * session, so the acks of one session stay in order.
   */
  private ackWhenStored(conn: Connection, sessionId: string, seq: number): void {
    const stored = this.store.whenStored(sessionId, seq);
    if (!stored) return this.queueAck(conn, sessionId, seq);
    stored.then(
      () => this.queueAck(conn, sessionId, seq),
      (error: unknown) => this.log.error(`ack for ${sessionId} ${seq} failed: ${(error as Error).message}`),
    );
  }

  /**
   * Acks that become due together (one socket read, one journal write) go out together after
   * this tick: a reporter sending single events gets one ack write per read instead of one per frame.
   */
  private queueAck(conn: Connection, sessionId: string, seq: number): void {
    if (conn.closing) return;
    // A resent duplicate is acknowledged again; an ack lower than one already sent is not.
    if (seq < (conn.ackedSeqs.get(sessionId) ?? -1) || seq <= (conn.pendingAcks.get(sessionId) ?? -1)) return;
    conn.pendingAcks.set(sessionId, seq);
    if (conn.acksScheduled) return;
    conn.acksScheduled = true;
    setImmediate(
      guarded(this.log, `connection #${conn.id} acks`, () => {
        conn.acksScheduled = false;
        const acks = [...conn.pendingAcks];
        conn.pendingAcks.clear();
        for (const [id, ackSeq] of acks) {
          conn.ackedSeqs.set(id, ackSeq);
          this.send(conn, { type: 'ack', sessionId: id, seq: ackSeq });
        }
      }),
    );
  }

  private collect(conn: Connection, event: EventEnvelope, into: EventEnvelope[]): void {
    const checked = validateEventData(event);
    if (checked.ok) into.push(checked.value);
    else this.reply(conn, checked.code, checked.message, event.seq);
  }

  /** Remember that this connection reports a session and tell the store once the session exists. */
  private bindSession(conn: Connection, sessionId: string): void {
    if (!conn.sessions.has(sessionId)) {
      conn.sessions.add(sessionId);
      let reporters = this.reportersBySession.get(sessionId);
      if (!reporters) this.reportersBySession.set(sessionId, (reporters = new Set()));
      reporters.add(conn);
    }
    if (!conn.announced.has(sessionId) && this.store.get(sessionId)) {
      conn.announced.add(sessionId);
      this.announce(sessionId);
    }
  }

  /** The store sees one reporter state per session: connected if any connection reports it. */
  private announce(sessionId: string, paused = false): void {
    const reporters = [...(this.reportersBySession.get(sessionId) ?? [])].filter((c) => !c.closing);
    const capabilities = [...new Set(reporters.flatMap((c) => c.capabilities))];
    this.store.setReporter(sessionId, { connected: reporters.length > 0, capabilities, paused });
  }

  private withinRate(conn: Connection, bytes: number): boolean {
    const now = performance.now();
    const seconds = (now - conn.bucketAt) / 1000;
    conn.bucketAt = now;
    conn.frameTokens = Math.min(this.limits.burstFrames, conn.frameTokens + seconds * this.limits.framesPerSecond) - 1;
    conn.byteTokens = Math.min(this.limits.burstBytes, conn.byteTokens + seconds * this.limits.bytesPerSecond) - bytes;
    return conn.frameTokens >= 0 && conn.byteTokens >= 0;
  }

  // ---- subscribers ---------------------------------------------------------------------------

  private startFeed(conn: Connection, sessionId: string | undefined): void {
    conn.scope = sessionId;
    const store = conn.feedStore ?? this.store;
    const welcome: HubFrame = { type: 'welcome', protocol: PROTOCOL_VERSION, hub: { version: this.version } };
    if (sessionId) {
      welcome.sessionId = sessionId;
      welcome.lastSeq = store.get(sessionId)?.lastSeq ?? 0;
    }
    this.send(conn, welcome);
    // Replay oldest session first, from the first event; live events continue from the same cursors.
    const sessions = store.list().reverse();
    for (const session of sessions) {
      if (!sessionId || session.id === sessionId) conn.cursors.set(session.id, 0);
    }
    this.scheduleFeed(conn, 0);
  }

  private onStoreChange(change: StoreChange, from: SessionStore): void {
    if (change.type === 'session') return;
    for (const conn of this.connections) {
      if (conn.role !== 'subscriber' || conn.closing || (conn.feedStore ?? this.store) !== from) continue;
      if (change.type === 'removed') {
        for (const id of change.sessionIds) conn.cursors.delete(id);
      } else if (!conn.scope || conn.scope === change.sessionId) {
        if (!conn.cursors.has(change.sessionId)) conn.cursors.set(change.sessionId, 0);
        this.scheduleFeed(conn, 0);
      }
    }
  }

  /** Batch everything that arrives within one tick (or while the peer catches up) into few frames. */
  private scheduleFeed(conn: Connection, delayMs: number): void {
    if (conn.feedScheduled) return;
    conn.feedScheduled = true;
    const run = guarded(this.log, `connection #${conn.id} subscriber feed`, () => {
      conn.feedScheduled = false;
      this.feed(conn);
    });
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  private feed(conn: Connection): void {
    if (conn.closing) return;
    const store = conn.feedStore ?? this.store;
    if (conn.feeding) return; // the journal read in progress schedules the next pass
    for (const [sessionId, sent] of conn.cursors) {
      const total = store.get(sessionId)?.eventCount ?? 0;
      let cursor = sent;
      while (cursor < total) {
        if (conn.socket.bufferedAmount > this.limits.subscriberHighWaterBytes) {
          conn.cursors.set(sessionId, cursor);
          return this.scheduleFeed(conn, SUBSCRIBER_RETRY_MS); // backpressure: wait for the peer to read
        }
        const to = Math.min(cursor + this.limits.storedChunkEvents, total);
        const events = store.memoryEvents(sessionId, cursor, to);
        if (!events) {
          // Older than what memory keeps: read this chunk from the journal, then carry on.
          conn.cursors.set(sessionId, cursor);
          return this.feedFromJournal(conn, sessionId, cursor, to);
        }
        if (events.length === 0) break;
        this.send(conn, { type: 'stored', events });
        if (conn.closing) return;
        cursor += events.length;
      }
      conn.cursors.set(sessionId, cursor);
    }
  }

  private feedFromJournal(conn: Connection, sessionId: string, from: number, to: number): void {
    conn.feeding = true;
    const done = (events: EventEnvelope[]) => {
      conn.feeding = false;
      if (conn.closing || conn.cursors.get(sessionId) !== from) return this.feed(conn); // removed meanwhile
      if (events.length > 0) this.send(conn, { type: 'stored', events });
      // Nothing readable there (a damaged file): skip the range rather than ask for it forever.
      conn.cursors.set(sessionId, events.length > 0 ? from + events.length : to);
      this.scheduleFeed(conn, 0);
    };
    (conn.feedStore ?? this.store).readEvents(sessionId, from, to).then(
      guarded(this.log, `connection #${conn.id} replay`, done),
      guarded(this.log, `connection #${conn.id} replay`, (error: unknown) => {
        this.log.warn(`replay of ${sessionId} [${from}, ${to}) failed: ${(error as Error).message}`);
        done([]);
      }),
    );
  }

  // ---- outbound ------------------------------------------------------------------------------

  private reply(conn: Connection, code: ErrorCode, message: string, seq?: number): void {
    const frame: HubFrame = { type: 'error', code, message };
    if (seq !== undefined) frame.seq = seq;
    this.send(conn, frame);
  }

  private send(conn: Connection, frame: HubFrame): void {
    if (conn.closing || conn.socket.readyState !== WebSocket.OPEN) return;
    conn.socket.send(JSON.stringify(frame));
    if (conn.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.closeMisbehaving(
        conn,
        CloseCode.flood,
        `peer is not reading: over ${this.limits.maxBufferedBytes} bytes unread`,
      );
    }
  }

  private closeMisbehaving(conn: Connection, code: number, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    clearTimeout(conn.helloTimer);
    this.log.warn(`closing connection #${conn.id} (${conn.peer}) with ${code}: ${reason}`);
    conn.socket.close(code, reason.slice(0, 120)); // a close reason must fit in 123 bytes
    const cut = setTimeout(() => conn.socket.terminate(), this.limits.closeGraceMs);
    cut.unref();
  }

  private notifyClients(): void {
    for (const listener of this.clientListeners) listener();
  }
}

function refuse(socket: Duplex, status: 401 | 403 | 503, reason: string): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }[status];
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
