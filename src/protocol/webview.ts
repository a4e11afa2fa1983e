// Messages between the extension host and the Monitor webview, both directions.
// The webview imports only the *types* (no zod in its bundle); the host parses every message
// it receives from the webview with WebviewToHost.
import * as z from 'zod';
import type { EventEnvelope } from './wire';
import type { HubStatus, ReviewMarks, SessionSummary } from './session';

/**
 * What the Monitor's session picker shows of a session. The list goes to the page with every
 * snapshot; full summaries (changes, checkpoints, skill runs...) of 50 sessions could be megabytes.
 */
export type SessionListEntry = Pick<SessionSummary, 'id' | 'state' | 'task' | 'createdAt'>;

export function sessionListEntry(summary: SessionSummary): SessionListEntry {
  return {
    id: summary.id,
    state: summary.state,
    createdAt: summary.createdAt,
    ...(summary.task !== undefined ? { task: summary.task } : {}),
  };
}
import { DecisionId, InstructionText, OptionId, SessionId } from './wire';
import { MAX_ROWS_PER_REQUEST } from './webview-limits';

export { ALL_EVENTS, MAX_ROWS_PER_REQUEST, SNAPSHOT_MAX_BYTES, SNAPSHOT_MAX_EVENTS } from './webview-limits';

/**
 * Host -> webview. Every message carries `seq`, numbered per webview from the last snapshot
 * (snapshot seq = n, next message n+1, ...). A webview that sees a gap asks for a new snapshot.
 */
export type HostToWebview =
  | {
      type: 'snapshot';
      seq: number;
      /** The session the panel shows (active or pinned). */
      session: SessionSummary | null;
      /**
       * The session's latest events (at most SNAPSHOT_MAX_EVENTS and SNAPSHOT_MAX_BYTES): the
       * webview asks for any other rows with `rows`. `firstIndex` is the index of `events[0]`
       * among the session's events (0-based), so `firstIndex + events.length` is the count sent.
       */
      events: EventEnvelope[];
      firstIndex: number;
      /** Recent sessions from the journal, newest first. */
      sessions: SessionListEntry[];
      activeSessionId: string | null;
      pinnedSessionId: string | null;
      hub: HubStatus;
      /** Which of the shown session's changed files were kept or undone. */
      review?: ReviewMarks;
    }
  | { type: 'review'; seq: number; sessionId: string; marks: ReviewMarks }
  /** The answer to a `rows` request: rows `from`, `from + 1`, ... of the view (all events or a query's matches). */
  | { type: 'rows'; seq: number; sessionId: string; queryId: number; from: number; events: EventEnvelope[] }
  /** How far a filter has got through the session: matching rows so far, out of how many scanned. */
  | {
      type: 'queryProgress';
      seq: number;
      sessionId: string;
      queryId: number;
      matched: number;
      scanned: number;
      /** The session's event count when this was sent; `scanned === total` with `done` means complete. */
      total: number;
      done: boolean;
      /** The scan stopped: the events could not be read. */
      error?: string;
    }
  /**
   * New events of a session: `events[0]` has index `firstIndex`. The shown session's deltas
   * follow on from what the page has, except when it fell far behind: then the rows in between
   * are skipped, and read with `rows` like any other.
   */
  | {
      type: 'delta';
      seq: number;
      sessionId: string;
      session: SessionSummary;
      firstIndex: number;
      events: EventEnvelope[];
    }
  | { type: 'sessions'; seq: number; sessions: SessionListEntry[]; activeSessionId: string | null }
  | { type: 'hub'; seq: number; hub: HubStatus };

export const WebviewCommand = z.enum(['do', 'halt', 'resume', 'cancel', 'showTerminal', 'openLog', 'showCheckpoints']);
export type WebviewCommand = z.infer<typeof WebviewCommand>;

export const ReviewAction = z.enum(['diff', 'keep', 'undo', 'keepAll', 'undoAll']);
export type ReviewAction = z.infer<typeof ReviewAction>;

export const WebviewToHost = z.discriminatedUnion('type', [
  /** The page loaded; `pinnedSessionId` is the pin restored from the webview's saved state. */
  z.object({ type: z.literal('ready'), pinnedSessionId: SessionId.nullable().optional() }),
  z.object({ type: z.literal('requestSnapshot'), reason: z.string().max(200) }),
  z.object({ type: z.literal('command'), command: WebviewCommand, sessionId: SessionId.optional() }),
  z.object({ type: z.literal('pin'), sessionId: SessionId.nullable() }),
  /** Rows [from, to) of a view: every event (queryId 0) or the matches of the current query. */
  z
    .object({
      type: z.literal('rows'),
      sessionId: SessionId,
      queryId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      from: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      to: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    })
    .refine((m) => m.to >= m.from && m.to - m.from <= MAX_ROWS_PER_REQUEST, {
      message: `to must be >= from and ask for at most ${MAX_ROWS_PER_REQUEST} rows`,
    }),
  /**
   * Filter the shown session's events on the host (kind and text). A new query replaces the
   * previous one, whose scan stops; an empty filter just stops it.
   */
  z.object({
    type: z.literal('query'),
    sessionId: SessionId,
    queryId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    kindFilter: z.string().max(200),
    search: z.string().max(1000),
  }),
  // A check's whole output can be copied: up to 16 Mi characters (100k lines of 160).
  z.object({ type: z.literal('copy'), text: z.string().max(16 * 1024 * 1024) }),
  /** A click on a decision's option: at most one answer per decision is ever sent (the hub checks). */
  z.object({ type: z.literal('decide'), sessionId: SessionId, decisionId: DecisionId, optionId: OptionId }),
  z.object({ type: z.literal('instruct'), sessionId: SessionId, text: InstructionText }),
  z.object({
    type: z.literal('review'),
    sessionId: SessionId,
    action: ReviewAction,
    path: z.string().min(1).max(4096).optional(),
  }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;
