// Shared by the legacy endpoint tests: a client that behaves like today's CLI (socket.io-client,
// one connection, emits cli_event, never reconnects), a recording logger and bounded waits.
import { io as connectSocketIo, type Socket as ClientSocket } from 'socket.io-client';
import type { HubLogger } from '../../src/hub/logger';

export type TransportMode = 'polling-first' | 'websocket-only';

export interface RecordingLogger extends HubLogger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    debug: (m) => lines.push(`debug ${m}`),
  };
}

export { waitFor } from './wait';

/** Wait for one emitter event, with a timeout. */
export function once<T = unknown>(
  emitter: { once(event: string, listener: (value: T) => void): unknown },
  event: string,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`)),
      timeoutMs,
    );
    emitter.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const transportLog = new WeakMap<ClientSocket, string[]>();

/** The Engine.IO transports a client used, in order (e.g. polling, then websocket after the upgrade). */
export function transportsUsed(client: ClientSocket): string[] {
  return transportLog.get(client) ?? [];
}

/** Like the CLI: http://localhost:<port>, no auth, no reconnection. Resolves once connected. */
export async function connectLikeCli(
  port: number,
  mode: TransportMode,
  extra: { host?: string; extraHeaders?: Record<string, string> } = {},
): Promise<ClientSocket> {
  const client = connectSocketIo(`http://${extra.host ?? 'localhost'}:${port}`, {
    path: '/socket.io',
    transports: mode === 'websocket-only' ? ['websocket'] : ['polling', 'websocket'],
    reconnection: false,
    timeout: 5000,
    extraHeaders: extra.extraHeaders,
  });
  const used: string[] = [];
  transportLog.set(client, used);
  client.io.on('open', () => {
    used.push(client.io.engine.transport.name);
    client.io.engine.on('upgrade', (transport: { name: string }) => used.push(transport.name));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', (error) => reject(error));
      setTimeout(() => reject(new Error('connect timed out')), 6000);
    });
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

/** Connect, expecting a refusal; resolves with the connect_error. */
export async function expectConnectRefused(
  port: number,
  mode: TransportMode,
  extraHeaders: Record<string, string>,
): Promise<Error> {
  const client = connectSocketIo(`http://localhost:${port}`, {
    transports: mode === 'websocket-only' ? ['websocket'] : ['polling', 'websocket'],
    reconnection: false,
    timeout: 5000,
    extraHeaders,
  });
  try {
    return await new Promise<Error>((resolve, reject) => {
      client.once('connect', () => reject(new Error('connected although it should have been refused')));
      client.once('connect_error', (error) => resolve(error));
      setTimeout(() => reject(new Error('neither connect nor connect_error within 6 s')), 6000);
    });
  } finally {
    client.close();
  }
}

/** Emit every payload in order, the way the CLI does (fire and forget, no acks). */
export function replay(client: ClientSocket, payloads: readonly unknown[]): void {
  for (const payload of payloads) client.emit('cli_event', payload);
}
