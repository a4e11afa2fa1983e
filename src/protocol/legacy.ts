// Today's Shannon CLI reports over Socket.IO as `cli_event` payloads
// `{session_id, event_type, timestamp, data}` (see docs/architecture.md). This module is
// the trust boundary for those payloads and maps them onto the native event kinds and camelCase
// data of ./events.ts, so the store, journal and views never know an event came from the old CLI.
// Pure: no sockets, no clock (the arrival time is passed in), so every rule is unit-tested directly.
import * as z from 'zod';
import { dataSchemaFor } from './events';
import { legacyFamilyOf, normalizeEventType } from './families/index';
import { EventKind, SessionId } from './wire';

/** The Socket.IO event name the CLI emits; every other event name is ignored. */
export const LEGACY_EVENT_NAME = 'cli_event';

/**
 * One `cli_event` payload. Loose on purpose: some server-side emitters put the event's fields at
 * the top level instead of under `data`, and a newer CLI may add fields we must not lose.
 */
export const LegacyCliEvent = z.looseObject({
  session_id: z.string().max(400).optional(),
  event_type: z.string().min(1).max(100),
  /** Local ISO time without a zone in practice; epoch seconds/ms and zoned ISO are read too. */
  timestamp: z
    .union([z.string().max(100), z.number()])
    .nullable()
    .optional(),
  /** Python's `None` arrives as null: no fields. */
  data: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type LegacyCliEvent = z.infer<typeof LegacyCliEvent>;

/** What the hub stores for one legacy payload: the native kind and data plus the session and time. */
export interface NormalizedLegacyEvent {
  sessionId: string;
  kind: string;
  ts: string;
  data: Record<string, unknown>;
}

export type LegacyParseResult = { ok: true; event: NormalizedLegacyEvent } | { ok: false; reason: string };

/**
 * `execution_progress` -> `execution:progress`; `file:modified`/`file_changed`/`file:created` ->
 * `file:changed`. The spellings are declared by the event families.
 */
export { normalizeEventType };

/** Python's naive `datetime.now().isoformat()`: date, `T` (or a space), time, optional fraction, no zone. */
const NAIVE_LOCAL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const IsoWithOffset = z.iso.datetime({ offset: true });

/**
 * The CLI writes local wall-clock time without a zone. Read it in this machine's time zone (the
 * CLI runs on the same machine) and return ISO 8601 with the explicit offset, so stored times are
 * unambiguous. Timestamps that already carry a zone are kept. Anything else: undefined.
 */
export function localTimestampToIso(raw: string): string | undefined {
  const text = raw.trim();
  const naive = NAIVE_LOCAL_TIMESTAMP.exec(text);
  if (naive) {
    const [, y, mo, d, h, mi, s = '0', fraction = ''] = naive;
    const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
    const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    // Date rolls invalid fields over (month 13 -> next year); such input is not a real timestamp.
    if (Number.isNaN(date.getTime()) || date.getMonth() !== Number(mo) - 1 || date.getDate() !== Number(d))
      return undefined;
    return formatWithLocalOffset(date);
  }
  if (IsoWithOffset.safeParse(text).success && !Number.isNaN(Date.parse(text))) return text;
  return undefined;
}

/** `2025-11-16T15:33:16.123+01:00`: the local wall-clock time plus the zone offset in effect then. */
export function formatWithLocalOffset(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Epoch numbers above this are milliseconds (JavaScript), below it seconds (Python's time.time()). */
const EPOCH_MS_THRESHOLD = 1e11;

/** A payload timestamp as ISO with offset: local ISO text, zoned ISO text, or epoch seconds/ms. */
export function readTimestamp(raw: unknown): string | undefined {
  if (typeof raw === 'string') return localTimestampToIso(raw);
  if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) {
    const date = new Date(raw > EPOCH_MS_THRESHOLD ? raw : raw * 1000);
    return Number.isNaN(date.getTime()) ? undefined : formatWithLocalOffset(date);
  }
  return undefined;
}

/** Seconds (float) -> whole milliseconds; rounding hides float noise such as 2.3 * 1000 = 2299.999... */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** `skill_name` -> `skillName`; keys that are already camelCase stay as they are. */
export function snakeToCamel(key: string): string {
  return key.replace(/_+([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * The CLI's `--session-id` accepts any string, but native session ids are restricted to a safe
 * character set (they become file names in the journal). Map other characters to `_` rather than
 * losing the run.
 */
export function legacySessionId(raw: string): string | undefined {
  const cleaned = raw
    .trim()
    .replace(/[^\w.:@-]/g, '_')
    .slice(0, 200);
  return SessionId.safeParse(cleaned).success ? cleaned : undefined;
}

/** Envelope fields that are not event data (they become sessionId/kind/ts). */
const ENVELOPE_KEYS = new Set(['session_id', 'event_type', 'timestamp', 'data']);

/** Fields under `data` win over the same field at the top level (the CLI's own shape). */
function collectFields(payload: LegacyCliEvent): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (!ENVELOPE_KEYS.has(key)) fields[key] = value;
  }
  return { ...fields, ...(payload.data ?? {}) };
}

/** Duration fields in seconds, per the reference; they all become `durationMs`. */
function takeDurationMs(fields: Record<string, unknown>): number | undefined {
  if (typeof fields.duration_ms === 'number') return fields.duration_ms;
  if (typeof fields.durationMs === 'number') return fields.durationMs;
  for (const key of ['duration_seconds', 'duration']) {
    const value = fields[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return secondsToMs(value);
  }
  return undefined;
}

/** Known vocabulary: camelCase field names, seconds -> ms, then the family's own renames. */
function normalizeKnownData(fields: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const durationMs = takeDurationMs(fields);
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'session_id' || key === 'timestamp') continue; // already the envelope's sessionId/ts
    if (key === 'duration' || key === 'duration_seconds' || key === 'duration_ms') continue; // -> durationMs
    const camel = snakeToCamel(key);
    // An explicit camelCase field from a newer CLI wins over its snake_case twin.
    if (camel !== key && Object.hasOwn(fields, camel)) continue;
    data[camel] = value;
  }
  if (durationMs !== undefined) data.durationMs = durationMs;
  return data;
}

function describeIssues(error: z.ZodError): string {
  return z.prettifyError(error).replace(/\s*\n\s*/g, '; ');
}

/**
 * Parse and normalize one `cli_event` payload. Never throws: a payload we cannot use becomes
 * `{ ok: false, reason }` for the endpoint to log and count.
 *
 * @param receivedAt arrival time, used when the payload carries no usable timestamp.
 */
export function normalizeLegacyEvent(payload: unknown, receivedAt: Date): LegacyParseResult {
  const parsed = LegacyCliEvent.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `not a cli_event payload: ${describeIssues(parsed.error)}` };
  const event = parsed.data;
  const fields = collectFields(event);

  const rawSessionId = event.session_id ?? fields.session_id;
  if (typeof rawSessionId !== 'string' || rawSessionId.trim() === '') {
    return { ok: false, reason: `${event.event_type}: no session_id` };
  }
  const sessionId = legacySessionId(rawSessionId);
  if (!sessionId)
    return {
      ok: false,
      reason: `${event.event_type}: unusable session_id ${JSON.stringify(rawSessionId.slice(0, 60))}`,
    };

  let kind = normalizeEventType(event.event_type);
  if (!EventKind.safeParse(kind).success) {
    return { ok: false, reason: `unusable event_type ${JSON.stringify(event.event_type.slice(0, 60))}` };
  }

  const ts = readTimestamp(event.timestamp ?? fields.timestamp) ?? formatWithLocalOffset(receivedAt);

  // Kinds no family reads from the legacy CLI are kept exactly as sent (minus the envelope), so
  // the views can still show them.
  const family = legacyFamilyOf(kind);
  if (!family) {
    return { ok: true, event: { sessionId, kind, ts, data: fields } };
  }

  const data = normalizeKnownData(fields);
  const mappedKind = family.legacy?.mapData?.(kind, fields, data, event.event_type, ts);
  if (mappedKind) kind = mappedKind;

  const schema = dataSchemaFor(kind);
  if (schema) {
    const checked = schema.safeParse(data);
    if (!checked.success) return { ok: false, reason: `${event.event_type}: ${describeIssues(checked.error)}` };
    return { ok: true, event: { sessionId, kind, ts, data: checked.data } };
  }
  return { ok: true, event: { sessionId, kind, ts, data } };
}
