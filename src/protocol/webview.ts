// Messages between the extension host and the Monitor webview, both directions.
// The webview imports only the *types* (no zod in its bundle); the host parses every message
// it receives from the webview with WebviewToHost.
import * as z from 'zod';
import type { EventEnvelope } from './wire';
import type { HubStatus, ReviewMarks, SessionSummary } from './session';
import { DecisionId, InstructionText, OptionId, SessionId } from './wire';

/**
 * Host -> webview. Every message carries `seq`, numbered per webview from the last snapshot
 * (snapshot seq = n, next message n+1, ...). A webview that sees a gap asks for a new snapshot.
 */
export type HostToWebview =
  | {
      type: 'snapshot';
      seq: number;
      /** The session the panel shows (active or pinned), with all its events. */
      session: SessionSummary | null;
      events: EventEnvelope[];
      /** Recent sessions from the journal, newest first. */
      sessions: SessionSummary[];
      activeSessionId: string | null;
      pinnedSessionId: string | null;
      hub: HubStatus;
      /** Which of the shown session's changed files were kept or undone. */
      review?: ReviewMarks;
    }
  | { type: 'review'; seq: number; sessionId: string; marks: ReviewMarks }
  | { type: 'delta'; seq: number; sessionId: string; session: SessionSummary; events: EventEnvelope[] }
  | { type: 'sessions'; seq: number; sessions: SessionSummary[]; activeSessionId: string | null }
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
