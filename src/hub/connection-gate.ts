// Connection limits of the legacy endpoint, which has no token: anyone on this machine can open
// sockets to it. With a plain cap (`server.maxConnections`), 64 TCP connections that never send a
// byte took every slot, and today's CLI, which connects once with a 5 s timeout and never retries,
// was shut out for the whole run. So a connection must earn its slot: it has HANDSHAKE time to send
// its first request, an idle one (no request in flight, not upgraded to a WebSocket) is the first
// to go when a new connection needs room, and one peer address may hold only a few idle ones
// (every local process shares 127.0.0.1, so in practice this caps idle connections overall).
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { guarded } from './guard';
import { shouldLogOccurrence } from './log-throttle';
import type { HubLogger } from './logger';

export interface ConnectionLimits {
  /** Open TCP connections at most; beyond it the oldest idle one is closed, else the new one. */
  maxConnections: number;
  /** Idle connections (no request in flight, not a WebSocket) one peer address may hold. */
  maxIdlePerPeer: number;
  /** A new connection must send a complete request head within this time. */
  handshakeTimeoutMs: number;
  /** A connection idle between requests (HTTP keep-alive) is closed after this time. */
  idleTimeoutMs: number;
}

export const LEGACY_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 64,
  maxIdlePerPeer: 8,
  handshakeTimeoutMs: 5_000,
  idleTimeoutMs: 5_000,
};

interface Tracked {
  socket: Socket;
  peer: string;
  /** Requests in flight; a WebSocket upgrade counts as one for as long as it lives. */
  busy: number;
  handshakeTimer?: NodeJS.Timeout;
}

export interface ConnectionGate {
  /** Open connections, and how many are idle. */
  counts(): { open: number; idle: number; closedIdle: number };
}

/**
 * Apply the limits to an HTTP server. Call after the request and upgrade handlers are installed:
 * the gate's own listeners only observe requests, they never answer them.
 */
export function gateConnections(server: HttpServer, limits: ConnectionLimits, log: HubLogger): ConnectionGate {
  const tracked = new Map<Socket, Tracked>();
  let closedIdle = 0;
  server.headersTimeout = limits.handshakeTimeoutMs;
  server.requestTimeout = Math.max(limits.handshakeTimeoutMs, 30_000);
  server.keepAliveTimeout = limits.idleTimeoutMs;

  const isIdle = (entry: Tracked) => entry.busy === 0;
  const drop = (entry: Tracked, why: string) => {
    closedIdle += 1;
    if (shouldLogOccurrence(closedIdle)) {
      log.warn(`legacy endpoint: closed an idle connection from ${entry.peer}: ${why} (${closedIdle} so far)`);
    }
    entry.socket.destroy();
  };
  /** Oldest first: Map iteration follows insertion order. */
  const oldestIdle = (peer?: string): Tracked | undefined => {
    for (const entry of tracked.values())
      if (isIdle(entry) && (peer === undefined || entry.peer === peer)) return entry;
    return undefined;
  };

  server.on(
    'connection',
    guarded(log, 'legacy endpoint: connection gate', (socket: Socket) => {
      const peer = socket.remoteAddress ?? '?';
      let idleOfPeer = 0;
      for (const entry of tracked.values()) if (entry.peer === peer && isIdle(entry)) idleOfPeer++;
      if (idleOfPeer >= limits.maxIdlePerPeer) {
        drop(oldestIdle(peer)!, `${limits.maxIdlePerPeer} idle connections per peer, and a new one arrived`);
      }
      if (tracked.size >= limits.maxConnections) {
        const victim = oldestIdle();
        if (victim) {
          drop(victim, `${limits.maxConnections} connections open, and a new one arrived`);
        } else {
          log.warn(`legacy endpoint: refused a connection from ${peer}: ${limits.maxConnections} busy connections`);
          socket.destroy();
          return;
        }
      }
      const entry: Tracked = { socket, peer, busy: 0 };
      entry.handshakeTimer = setTimeout(
        guarded(log, 'legacy endpoint: handshake timer', () => {
          if (entry.busy === 0) drop(entry, `no request within ${limits.handshakeTimeoutMs} ms`);
        }),
        limits.handshakeTimeoutMs,
      );
      entry.handshakeTimer.unref();
      tracked.set(socket, entry);
      socket.once('close', () => {
        clearTimeout(entry.handshakeTimer);
        tracked.delete(socket);
      });
    }),
  );

  const started = (socket: Socket): Tracked | undefined => {
    const entry = tracked.get(socket);
    if (!entry) return undefined;
    clearTimeout(entry.handshakeTimer);
    entry.handshakeTimer = undefined;
    entry.busy += 1;
    return entry;
  };
  server.on(
    'request',
    guarded(log, 'legacy endpoint: connection gate', (req: IncomingMessage, res: ServerResponse) => {
      const entry = started(req.socket);
      if (!entry) return;
      let done = false;
      const finished = () => {
        if (done) return;
        done = true;
        entry.busy -= 1;
      };
      res.once('finish', finished);
      res.once('close', finished);
    }),
  );
  // A WebSocket stays busy for its whole life: it is a connected client, not an idle socket.
  server.on(
    'upgrade',
    guarded(log, 'legacy endpoint: connection gate', (req: IncomingMessage, _socket: Duplex) => {
      started(req.socket);
    }),
  );

  return {
    counts: () => {
      let idle = 0;
      for (const entry of tracked.values()) if (isIdle(entry)) idle++;
      return { open: tracked.size, idle, closedIdle };
    },
  };
}
