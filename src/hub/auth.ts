// Who may open a socket to the hub. Local servers in editor extensions are a known attack surface
// (web pages opening WebSockets to localhost, DNS rebinding), so an upgrade must carry the
// per-start bearer token, must not come from a browser (any Origin header), and must name the
// loopback address and our port as Host.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A fresh 32-byte random token, base64url (43 characters). */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison of a presented token with the expected one. Both are hashed first so
 * the buffers have equal length and the comparison time does not reveal the token's length.
 */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

export type UpgradeVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/**
 * The one Host rule of both endpoints (DNS rebinding): the loopback address or name and our port.
 * Host names are case-insensitive (RFC 4343), so `LOCALHOST:<port>` is the same host.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  const name = host?.toLowerCase();
  return name === `127.0.0.1:${port}` || name === `localhost:${port}`;
}

/**
 * Browser and rebinding checks, shared with the legacy endpoint (which has no token):
 * no Origin header at all, and Host 127.0.0.1:<port> or localhost:<port> (see isLoopbackHost).
 */
export function checkLoopbackRequest(headers: IncomingHttpHeaders, port: number): UpgradeVerdict {
  if (headers.origin !== undefined)
    return { ok: false, status: 403, reason: `Origin header present (${headers.origin.slice(0, 100)})` };
  const host = headers.host;
  if (!isLoopbackHost(host, port)) {
    return {
      ok: false,
      status: 403,
      reason: `Host ${JSON.stringify(host?.slice(0, 100) ?? null)} is not 127.0.0.1:${port} or localhost:${port}`,
    };
  }
  return { ok: true };
}

/** The full check for the native endpoint: loopback rules first (403), then the token (401). */
export function checkUpgrade(headers: IncomingHttpHeaders, options: { token: string; port: number }): UpgradeVerdict {
  const loopback = checkLoopbackRequest(headers, options.port);
  if (!loopback.ok) return loopback;
  const presented = bearerToken(headers);
  if (presented === undefined) return { ok: false, status: 401, reason: 'no Authorization: Bearer token' };
  if (!tokenMatches(options.token, presented)) return { ok: false, status: 401, reason: 'wrong token' };
  return { ok: true };
}
