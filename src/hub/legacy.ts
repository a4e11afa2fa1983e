// The legacy endpoint: today's Shannon CLI (`shannon do TASK --dashboard`) connects once to
// http://localhost:8000 with python-socketio and emits `cli_event` payloads. This adapter speaks
// Socket.IO through the `socket.io` package, normalizes every payload with src/protocol/legacy.ts
// and appends it to the same store as native events. The CLI sends no token, so this endpoint is
// locked down differently: loopback only, no Origin header, Host must be the loopback name and
// port (DNS rebinding), small payloads, and nothing is ever sent back (no control).
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as SocketIoServer, type Socket } from 'socket.io';
import { eventDataProblem } from '../protocol/bounds';
import { LEGACY_EVENT_NAME, normalizeLegacyEvent } from '../protocol/legacy';
import type { HubStatus } from '../protocol/session';
import { isLoopbackHost } from './auth';
import { gateConnections, LEGACY_CONNECTION_LIMITS, type ConnectionLimits } from './connection-gate';
import { guarded } from './guard';
import { shouldLogOccurrence } from './log-throttle';
import type { HubLogger } from './logger';
import type { SessionStore } from './store';

export const LEGACY_DEFAULT_PORT = 8000;
/** Far above any real cli_event (task text is capped at 64 KiB) and far below anything harmful. */
export const LEGACY_MAX_PAYLOAD_BYTES = 256 * 1024;

/** The part of the store this endpoint uses. */
export type LegacyEventSink = Pick<SessionStore, 'append' | 'setReporter' | 'get'>;

export interface LegacyEndpointOptions {
  /** 0 picks a free port (tests). */
  port: number;
  store: LegacyEventSink;
  log: HubLogger;
  maxPayloadBytes?: number;
  /** Connection limits and time-outs (src/hub/connection-gate.ts); tests shorten them. */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Called when status() would read differently (refusal and malformed counts); may be called often. */
  onStatusChange?: () => void;
  /** A busy port is not logged: the caller retries and reports who holds it (src/hub/legacy-port.ts). */
  quietWhenBusy?: boolean;
}

export interface LegacyCounters {
  /** Socket.IO connections open now. */
  connections: number;
  /** cli_event payloads stored. */
  accepted: number;
  /** cli_event payloads that could not be used (logged with the reason). */
  malformed: number;
  /** HTTP requests and upgrades refused for their Origin or Host header. */
  refused: number;
  /** Socket.IO events other than cli_event (ignored). */
  ignored: number;
}

export interface LegacyEndpoint {
  /** The port actually bound (or the requested one when it could not be bound). */
  readonly port: number;
  status(): HubStatus['legacy'];
  counters(): LegacyCounters;
  close(): Promise<void>;
}

export function portInUseMessage(port: number): string {
  return `Port ${port} is in use; the legacy endpoint is off. Change shannon.legacy.port or stop the other server.`;
}

/** Printable, bounded rendering of a header value for the log. */
function quoteHeader(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}...` : text);
}

/**
 * Why a request must be refused, or undefined when it may pass. A browser always sends Origin on
 * cross-site requests and WebSocket handshakes, the CLI never does; a Host other than our loopback
 * name and port means a DNS-rebinding page or a proxy is talking to us.
 */
export function legacyRefusalReason(headers: IncomingHttpHeaders, port: number): string | undefined {
  if (headers.origin !== undefined)
    return `it carries an Origin header (${quoteHeader(headers.origin)}); browsers may not report`;
  if (!isLoopbackHost(headers.host, port)) {
    return `its Host header ${quoteHeader(headers.host)} is not 127.0.0.1:${port} or localhost:${port}`;
  }
  return undefined;
}

function refuseHttp(res: ServerResponse): void {
  res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end('Forbidden\n');
}

function refuseUpgrade(socket: Duplex): void {
  socket.on('error', () => {}); // the peer may already be gone; nothing to do about it
  if (socket.writable) {
    socket.end(
      'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\nConnection: close\r\n\r\nForbidden\n',
    );
  }
  socket.destroy();
}

function notFound(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Not found\n');
}

/**
 * Start listening on 127.0.0.1:<port>. Never rejects for a busy or forbidden port: the returned
 * endpoint's status() says 'port-in-use' / 'failed' and the hub keeps running without it (the CLI
 * does not retry, so there is nothing to retry for either).
 */
export async function startLegacyEndpoint(options: LegacyEndpointOptions): Promise<LegacyEndpoint> {
  const { store, log } = options;
  let boundPort = options.port;
  let state: HubStatus['legacy']['state'] = 'listening';
  let failureMessage: string | undefined;
  const counters: LegacyCounters = { connections: 0, accepted: 0, malformed: 0, refused: 0, ignored: 0 };
  /** Open sockets per session: a session is "reporter connected" while at least one is open. */
  const openSocketsPerSession = new Map<string, number>();

  const shouldLog = shouldLogOccurrence;
  const refusalReason = (req: IncomingMessage): string | undefined => legacyRefusalReason(req.headers, boundPort);
  const statusChanged = () => options.onStatusChange?.();
  const noteRefusal = (what: string, req: IncomingMessage, reason: string) => {
    counters.refused += 1;
    statusChanged();
    if (shouldLog(counters.refused)) {
      log.warn(
        `legacy endpoint: refused ${what} from ${req.socket.remoteAddress ?? '?'}: ${reason} (${counters.refused} refused so far)`,
      );
    }
  };

  const connectionLimits = { ...LEGACY_CONNECTION_LIMITS, ...options.connectionLimits };
  const httpServer: HttpServer = createServer(notFound);
  const io = new SocketIoServer(httpServer, {
    path: '/socket.io',
    transports: ['polling', 'websocket'],
    maxHttpBufferSize: options.maxPayloadBytes ?? LEGACY_MAX_PAYLOAD_BYTES,
    serveClient: false,
    allowEIO3: false,
    // An Engine.IO session must send Socket.IO's CONNECT this soon, or it is closed.
    connectTimeout: connectionLimits.handshakeTimeoutMs,
    // No `cors` option: no CORS headers, so no browser page may read our responses.
    // Handshakes (polling and direct websocket) are checked here as well as by the guard below;
    // this keeps the refusal inside Engine.IO's own error path should the guard ever be bypassed.
    allowRequest: (req, callback) => {
      const reason = refusalReason(req);
      if (reason) {
        noteRefusal('a handshake', req, reason);
        callback(reason, false);
      } else {
        callback(null, true);
      }
    },
  });
  guardEveryRequest(httpServer, refusalReason, noteRefusal);
  // After the guard: the gate only observes requests to tell idle connections from busy ones.
  gateConnections(httpServer, connectionLimits, log);

  io.engine.on('connection_error', (error: { code: number; message: string; req?: IncomingMessage }) => {
    log.debug?.(`legacy endpoint: Engine.IO refused a request (${error.code} ${error.message})`);
  });

  const ignorePayload = (reason: string) => {
    counters.malformed += 1;
    statusChanged();
    if (shouldLog(counters.malformed))
      log.warn(`legacy endpoint: ignored a cli_event: ${reason} (${counters.malformed} so far)`);
  };

  io.on(
    'connection',
    guarded(log, 'legacy endpoint: connection', (socket: Socket) => {
      counters.connections += 1;
      /** The CLI reports one run per connection; the first valid event binds the socket to it. */
      let boundSessionId: string | undefined;
      log.info(`legacy endpoint: Shannon CLI connected (${socket.conn.transport.name})`);

      socket.on(LEGACY_EVENT_NAME, (payload: unknown) => {
        try {
          const result = normalizeLegacyEvent(payload, new Date());
          if (!result.ok) return ignorePayload(result.reason);
          const { sessionId, kind, data, ts } = result.event;
          // Refused here, before the store sees it: too deep or too large to journal or forward.
          const problem = eventDataProblem(data);
          if (problem) return ignorePayload(`${kind} for ${sessionId}: ${problem}`);
          if (boundSessionId !== undefined && sessionId !== boundSessionId) {
            // One connection, one session: this also keeps one client from creating sessions at will.
            return ignorePayload(`${kind} for ${sessionId}: this connection already reports ${boundSessionId}`);
          }
          if (store.get(sessionId)?.source === 'native') {
            // Without a token anyone on this machine can reach this port: it must not be able to
            // write into a session an authenticated reporter owns (the views would show it as trusted).
            return ignorePayload(
              `${kind} for ${sessionId}: that session is reported over the authenticated native protocol`,
            );
          }
          store.append(sessionId, 'legacy', kind, data, ts);
          counters.accepted += 1;
          if (boundSessionId === undefined) {
            // The store only knows the session once its first event is in, so connect after appending.
            boundSessionId = sessionId;
            openSocketsPerSession.set(sessionId, (openSocketsPerSession.get(sessionId) ?? 0) + 1);
            store.setReporter(sessionId, { connected: true, capabilities: [] });
            log.info(`legacy endpoint: session ${sessionId} reporting (legacy, unauthenticated)`);
          }
        } catch (error) {
          counters.malformed += 1;
          statusChanged();
          log.error(`legacy endpoint: could not store a cli_event: ${(error as Error).message}`);
        }
      });

      socket.onAny((eventName: unknown) => {
        if (eventName === LEGACY_EVENT_NAME) return;
        counters.ignored += 1;
        if (shouldLog(counters.ignored))
          log.debug?.(`legacy endpoint: ignored event ${quoteHeader(String(eventName))}`);
      });

      socket.on(
        'disconnect',
        guarded(log, 'legacy endpoint: disconnect', (reason: string) => {
          counters.connections -= 1;
          log.info(`legacy endpoint: Shannon CLI disconnected (${reason})`);
          const sessionId = boundSessionId;
          if (sessionId === undefined) return;
          // The CLI sends no final event on Ctrl-C or a crash: once no connection of the session is
          // left, the store turns it `lost` after its grace period unless it had finished.
          const left = (openSocketsPerSession.get(sessionId) ?? 1) - 1;
          if (left > 0) {
            openSocketsPerSession.set(sessionId, left);
            return;
          }
          openSocketsPerSession.delete(sessionId);
          store.setReporter(sessionId, { connected: false, capabilities: [] });
        }),
      );
    }),
  );

  try {
    boundPort = await listen(httpServer, options.port);
    log.info(`legacy endpoint listening on http://127.0.0.1:${boundPort}/socket.io (today's Shannon CLI, cli_event)`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      state = 'port-in-use';
      failureMessage = portInUseMessage(options.port);
    } else {
      state = 'failed';
      failureMessage = `The legacy endpoint could not listen on 127.0.0.1:${options.port}: ${(error as Error).message}`;
    }
    if (state !== 'port-in-use' || !options.quietWhenBusy) log.warn(failureMessage);
    io.engine.close();
  }
  // After listening, a server error must never take the extension host down.
  httpServer.on('error', (error) => log.error(`legacy endpoint: ${error.message}`));

  let closing: Promise<void> | undefined;
  return {
    get port() {
      return boundPort;
    },
    status() {
      if (state !== 'listening') return { state, port: boundPort, message: failureMessage };
      const problems = [
        counters.malformed > 0 ? `${counters.malformed} cli_event payload(s) ignored (see the log)` : '',
        counters.refused > 0 ? `${counters.refused} request(s) refused (Origin/Host)` : '',
      ].filter(Boolean);
      const message =
        `Today's Shannon CLI can report to http://localhost:${boundPort}` +
        (problems.length ? `; ${problems.join(', ')}` : '');
      return { state, port: boundPort, message };
    },
    counters: () => ({ ...counters }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (state !== 'listening') return resolve();
        state = 'disabled';
        // io.close() disconnects every socket (each disconnect marks its sessions), closes
        // Engine.IO and then the http server; idle keep-alive connections must not hold it open.
        io.close(() => resolve());
        httpServer.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: HttpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Engine.IO's allowRequest only runs on handshakes; later polling requests and the websocket
 * upgrade of an existing session skip it. So every HTTP request and upgrade on this server passes
 * the Origin/Host check first: the handlers Socket.IO installed are moved behind one guard.
 */
function guardEveryRequest(
  server: HttpServer,
  refusalReason: (req: IncomingMessage) => string | undefined,
  noteRefusal: (what: string, req: IncomingMessage, reason: string) => void,
): void {
  const requestHandlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  const upgradeHandlers = server.listeners('upgrade') as Array<
    (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  >;
  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const reason = refusalReason(req);
    if (reason) {
      noteRefusal(`an HTTP ${req.method ?? ''} request`, req, reason);
      refuseHttp(res);
      return;
    }
    for (const handler of requestHandlers) handler.call(server, req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reason = refusalReason(req);
    if (reason) {
      noteRefusal('a websocket upgrade', req, reason);
      refuseUpgrade(socket);
      return;
    }
    for (const handler of upgradeHandlers) handler.call(server, req, socket, head);
  });
}
