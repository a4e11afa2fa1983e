// Reading a session's JSONL file, front to back or from a known offset, in bounded chunks (a
// 190 MB file is never read whole). Every line is parsed by the protocol schemas: the file may
// have been cut off by a crash mid-write, edited, or replaced. The rules decide which lines count
// as the session's events, and they are the same for a scan and for a page read, so an event's
// index (its position among the session's events) means the same everywhere:
// - the first line may be the journal header (session id and trust level), never an event;
// - a line that is not a valid envelope, or belongs to another session, is skipped;
// - a line whose seq is not above the previous event's is a duplicate and skipped.
import type { FileHandle } from 'node:fs/promises';
import * as z from 'zod';
import { SessionSource } from '../protocol/session';
import {
  EVENT_KIND_PATTERN,
  EventEnvelope,
  IsoTimestamp,
  MAX_EVENT_KIND_CHARS,
  MAX_SESSION_ID_CHARS,
  SESSION_ID_PATTERN,
  SessionId,
} from '../protocol/wire';

/** One event in OFFSET_STRIDE has its byte offset in the sidecar (and in memory once read). */
export const OFFSET_STRIDE = 128;
const READ_CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * The first line of every file this release writes: which session and how far it is trusted.
 * `source` is `native` or `extension` for sessions reported with the token, `legacy` for the
 * unauthenticated endpoint. Files without it (older releases) have unknown trust.
 */
export const JournalHeader = z.object({
  shannonJournal: z.literal(1),
  sessionId: SessionId,
  source: SessionSource,
});
export type JournalHeader = z.infer<typeof JournalHeader>;

export function headerLine(header: JournalHeader): string {
  return `${JSON.stringify(header)}\n`;
}

export interface ScanFrom {
  /** Byte offset of a line start. */
  offset: number;
  /** Index of the first event at or after that offset. */
  index: number;
  /** The seq of the event before it (0 at the start). */
  lastSeq: number;
  /** The session the file belongs to, when known. */
  sessionId?: string;
}

export interface ScanResult {
  header?: JournalHeader;
  sessionId?: string;
  /** Offsets of the events whose index is a multiple of OFFSET_STRIDE, from `from.index` on. */
  offsets: Array<{ index: number; offset: number }>;
  /** Index after the last event found (from.index + events found). */
  endIndex: number;
  lastSeq: number;
  /** End of the last complete line. */
  endOffset: number;
  /** Bytes after the last newline: a line cut off by a crash mid-write (or a complete one missing its newline). */
  tail?: { offset: number; bytes: number; isEvent: boolean };
  skipped: number;
}

/** The pattern the schema tests a timestamp with (the schema's own RegExp, not a copy). */
const TIMESTAMP_PATTERN = IsoTimestamp.def.pattern;

/**
 * EventEnvelope.safeParse(json), quicker for what a journal holds. An envelope whose fields pass
 * the very checks the schema runs on them (the same patterns and bounds; the patterns accept
 * ASCII only, so lengths in UTF-16 units and in code points agree) is returned as the schema
 * would return it: a new object of the five fields, `data` being the parsed object itself, which
 * the schema copies key by key (the copy would be deep-equal: JSON gives a plain object, and one
 * with a "__proto__" key, which the schema leaves out, goes to the schema). Anything else goes
 * through the schema, which decides. test/unit/journal-envelope.test.ts compares both on
 * thousands of valid and broken lines.
 */
export function parseEnvelope(json: unknown): EventEnvelope | undefined {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && TIMESTAMP_PATTERN) {
    const { sessionId, seq, ts, kind, data } = json as Record<string, unknown>;
    if (
      typeof sessionId === 'string' &&
      sessionId.length >= 1 &&
      sessionId.length <= MAX_SESSION_ID_CHARS &&
      SESSION_ID_PATTERN.test(sessionId) &&
      typeof seq === 'number' &&
      Number.isSafeInteger(seq) &&
      seq >= 1 &&
      typeof ts === 'string' &&
      TIMESTAMP_PATTERN.test(ts) &&
      typeof kind === 'string' &&
      kind.length >= 1 &&
      kind.length <= MAX_EVENT_KIND_CHARS &&
      EVENT_KIND_PATTERN.test(kind) &&
      typeof data === 'object' &&
      data !== null &&
      Object.getPrototypeOf(data) === Object.prototype &&
      !Object.hasOwn(data, '__proto__')
    ) {
      return { sessionId, seq, ts, kind, data: data as Record<string, unknown> };
    }
  }
  const parsed = EventEnvelope.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

type LineVerdict =
  { kind: 'event'; event: EventEnvelope } | { kind: 'header'; header: JournalHeader } | { kind: 'skip'; why: string };

export function judgeLine(
  text: string,
  context: { atStart: boolean; sessionId?: string; lastSeq: number },
): LineVerdict {
  if (text.trim() === '') return { kind: 'skip', why: 'empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'skip', why: 'not JSON' };
  }
  if (context.atStart && typeof json === 'object' && json !== null && 'shannonJournal' in json) {
    const header = JournalHeader.safeParse(json);
    return header.success ? { kind: 'header', header: header.data } : { kind: 'skip', why: 'not a valid header' };
  }
  const event = parseEnvelope(json);
  if (!event) return { kind: 'skip', why: 'not a valid event' };
  if (context.sessionId !== undefined && event.sessionId !== context.sessionId)
    return { kind: 'skip', why: `belongs to session ${event.sessionId}, not ${context.sessionId}` };
  if (event.seq <= context.lastSeq) return { kind: 'skip', why: 'duplicate' };
  return { kind: 'event', event };
}

/**
 * Read the file from `from` to its end, a chunk at a time. `onEvent` sees every event that
 * counts, with its index; `onSkip` every line that does not (with its byte offset).
 */
export async function scanJournal(
  handle: FileHandle,
  from: ScanFrom,
  visit: {
    onHeader?: (header: JournalHeader) => void;
    onEvent?: (event: EventEnvelope, index: number) => void;
    onSkip?: (offset: number, why: string) => void;
  } = {},
): Promise<ScanResult> {
  const size = (await handle.stat()).size;
  const result: ScanResult = {
    sessionId: from.sessionId,
    offsets: [],
    endIndex: from.index,
    lastSeq: from.lastSeq,
    endOffset: from.offset,
    skipped: 0,
  };
  let position = from.offset;
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = from.offset;
  const consume = (line: Buffer, offset: number) => {
    const verdict = judgeLine(line.toString('utf8'), {
      atStart: offset === 0,
      sessionId: result.sessionId,
      lastSeq: result.lastSeq,
    });
    if (verdict.kind === 'header') {
      result.header = verdict.header;
      result.sessionId ??= verdict.header.sessionId;
      visit.onHeader?.(verdict.header);
      return;
    }
    if (verdict.kind === 'skip') {
      if (verdict.why !== 'empty') {
        result.skipped++;
        visit.onSkip?.(offset, verdict.why);
      }
      return;
    }
    const { event } = verdict;
    result.sessionId ??= event.sessionId;
    if (result.endIndex % OFFSET_STRIDE === 0) result.offsets.push({ index: result.endIndex, offset });
    visit.onEvent?.(event, result.endIndex);
    result.endIndex++;
    result.lastSeq = event.seq;
  };
  while (position < size) {
    const length = Math.min(READ_CHUNK_BYTES, size - position);
    const chunk = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let lineStart = 0;
    for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, lineStart)) {
      consume(data.subarray(lineStart, nl), carryOffset + lineStart);
      lineStart = nl + 1;
      result.endOffset = carryOffset + lineStart;
    }
    carry = Buffer.from(data.subarray(lineStart));
    carryOffset += lineStart;
  }
  if (carry.length > 0) {
    const verdict = judgeLine(carry.toString('utf8'), {
      atStart: carryOffset === 0,
      sessionId: result.sessionId,
      lastSeq: result.lastSeq,
    });
    result.tail = { offset: carryOffset, bytes: carry.length, isEvent: verdict.kind === 'event' };
  }
  return result;
}

/**
 * Parse the lines of a byte range that starts at an event's line (a page read). The range is
 * decoded once: a newline byte is never part of a UTF-8 sequence, so each line reads the same as
 * when decoded alone (a broken sequence at a line's end still becomes U+FFFD).
 */
export function eventsOfRange(
  data: Buffer,
  context: { sessionId: string; lastSeq: number; atStart: boolean },
): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  const text = data.toString('utf8');
  let lastSeq = context.lastSeq;
  let lineStart = 0;
  let atStart = context.atStart;
  while (lineStart < text.length) {
    let nl = text.indexOf('\n', lineStart);
    if (nl === -1) nl = text.length;
    const verdict = judgeLine(text.slice(lineStart, nl), { atStart, sessionId: context.sessionId, lastSeq });
    atStart = false;
    if (verdict.kind === 'event') {
      events.push(verdict.event);
      lastSeq = verdict.event.seq;
    }
    lineStart = nl + 1;
  }
  return events;
}
