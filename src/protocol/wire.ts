// The native wire protocol between reporters (CLIs, `shannon-hub`) and the hub: JSON text frames
// over WebSocket. These schemas ARE the public contract; docs/protocol.md documents them.
import * as z from 'zod';
import { eventDataProblem } from './bounds';
import { dataSchemaFor } from './events';

export const PROTOCOL_VERSION = 1;
export const MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_BATCH_EVENTS = 10_000;
export const HELLO_DEADLINE_MS = 5_000;

/**
 * What a reporter declares it obeys. `decide` answers a decision it asked (decision:requested),
 * `instruct` takes a free-text instruction from the person watching.
 */
export const Capability = z.enum(['halt', 'resume', 'cancel', 'decide', 'instruct']);
export type Capability = z.infer<typeof Capability>;
export const ControlCommand = Capability;
export type ControlCommand = Capability;
/** Controls that carry nothing but their command. */
export const SimpleControlCommand = z.enum(['halt', 'resume', 'cancel']);
export type SimpleControlCommand = z.infer<typeof SimpleControlCommand>;
export const MAX_INSTRUCTION_CHARS = 4000;
/** A decision's id and its options' ids: short, printable, chosen by the reporter. */
export const DecisionId = z.string().min(1).max(200);
export const OptionId = z.string().min(1).max(100);
export const InstructionText = z.string().min(1).max(MAX_INSTRUCTION_CHARS);

/** The rules of a session id and an event kind, shared with the journal's quick envelope check. */
export const SESSION_ID_PATTERN = /^[\w.:@-]+$/;
export const MAX_SESSION_ID_CHARS = 200;
export const EVENT_KIND_PATTERN = /^[\w.:-]+$/;
export const MAX_EVENT_KIND_CHARS = 100;

export const SessionId = z
  .string()
  .min(1)
  .max(MAX_SESSION_ID_CHARS)
  .regex(SESSION_ID_PATTERN, 'letters, digits and . _ : @ - only');
export const IsoTimestamp = z.iso.datetime({ offset: true, local: true });
export const EventKind = z
  .string()
  .min(1)
  .max(MAX_EVENT_KIND_CHARS)
  .regex(EVENT_KIND_PATTERN, 'letters, digits and . _ : - only');

export const EventEnvelope = z.object({
  sessionId: SessionId,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  ts: IsoTimestamp,
  kind: EventKind,
  data: z.record(z.string(), z.unknown()),
});
/** One event as reported, stored, journaled and shown. */
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const Hello = z.object({
  type: z.literal('hello'),
  protocol: z.literal(PROTOCOL_VERSION),
  /** reporter: sends events; subscriber: receives the replay and live events (views, benchmarks). */
  role: z.enum(['reporter', 'subscriber']),
  client: z.object({
    name: z.string().min(1).max(100),
    version: z.string().max(50),
    pid: z.number().int().nonnegative(),
  }),
  sessionId: SessionId.optional(),
  capabilities: z.array(Capability).max(Capability.options.length).optional(),
  /**
   * Subscribers only, with sessionId: claim that session at this hub. Its legacy (Socket.IO)
   * events are then kept apart from this hub's own sessions and fed to this connection only, for
   * a run started in another window while this hub holds the legacy port.
   */
  claim: z.boolean().optional(),
});
export type Hello = z.infer<typeof Hello>;

export const EventFrame = EventEnvelope.extend({ type: z.literal('event') });
export type EventFrame = z.infer<typeof EventFrame>;
export const EventsFrame = z.object({
  type: z.literal('events'),
  events: z.array(EventEnvelope).min(1).max(MAX_BATCH_EVENTS),
});
export type EventsFrame = z.infer<typeof EventsFrame>;

export const ClientFrame = z.discriminatedUnion('type', [Hello, EventFrame, EventsFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const Welcome = z.object({
  type: z.literal('welcome'),
  protocol: z.literal(PROTOCOL_VERSION),
  hub: z.object({ version: z.string() }),
  sessionId: SessionId.optional(),
  lastSeq: z.number().int().nonnegative().optional(),
});
export type Welcome = z.infer<typeof Welcome>;
export const Ack = z.object({ type: z.literal('ack'), sessionId: SessionId, seq: z.number().int().nonnegative() });
export type Ack = z.infer<typeof Ack>;
export const ErrorCode = z.enum([
  'bad_json',
  'bad_frame',
  'bad_event_data',
  'hello_required',
  'hello_repeated',
  'protocol_version',
  'frame_too_large',
  'seq_out_of_order',
  'session_unknown',
  'not_a_reporter',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string(),
  seq: z.number().int().optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;
const controlEnvelope = { type: z.literal('control'), sessionId: SessionId, id: z.string().min(1).max(200) };
/**
 * Hub -> reporter, only to reporters whose hello declared the command as a capability. The
 * reporter may answer any of them with the event `control:result {id, ok, message?}`.
 */
export const ControlFrame = z.discriminatedUnion('command', [
  z.object({ ...controlEnvelope, command: SimpleControlCommand }),
  z.object({ ...controlEnvelope, command: z.literal('decide'), decisionId: DecisionId, optionId: OptionId }),
  z.object({ ...controlEnvelope, command: z.literal('instruct'), text: InstructionText }),
]);
export type ControlFrame = z.infer<typeof ControlFrame>;
/** What the hub is asked to send: a control frame without its envelope. */
export type ControlRequest =
  | { command: SimpleControlCommand }
  | { command: 'decide'; decisionId: string; optionId: string }
  | { command: 'instruct'; text: string };
/** To subscribers: stored events (replay in chunks, then live). */
export const StoredEventsFrame = z.object({ type: z.literal('stored'), events: z.array(EventEnvelope) });
export type StoredEventsFrame = z.infer<typeof StoredEventsFrame>;

export const HubFrame = z.discriminatedUnion('type', [Welcome, Ack, ErrorFrame, ControlFrame, StoredEventsFrame]);
export type HubFrame = z.infer<typeof HubFrame>;

/** Close codes the hub uses (4000-4999 is the application range). */
export const CloseCode = {
  helloTimeout: 4001,
  unauthorized: 4003,
  flood: 4008,
  tooManyConnections: 4013,
  shuttingDown: 1001,
  /**
   * Sent by a reporter: it is done for now and more reports for its sessions may follow from
   * another connection (`shannon-hub emit`, one process per event). The hub then waits
   * DEFAULT_PAUSED_GRACE_MS, not the short lost grace, before it calls such a session lost.
   */
  reporterPaused: 4100,
  frameTooLarge: 1009,
} as const;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** JSON text -> schema-checked value; never throws: bad input becomes an error code + reason. */
function parseJsonFrame<T>(text: string, schema: z.ZodType<T>): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'bad_json', message: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'bad_frame', message: describeIssues(parsed.error) };
  return { ok: true, value: parsed.data };
}

/** Parse a text frame from a client (hub side). */
export function parseClientFrame(text: string): ParseResult<ClientFrame> {
  return parseJsonFrame(text, ClientFrame);
}

const MAX_DESCRIBED_ISSUES = 10;

/**
 * A readable reason for a refused frame. Only the first issues are spelled out: a batch of
 * thousands of broken events would otherwise cost ~0.4 s of formatting and a multi-MB reply.
 */
function describeIssues(error: z.ZodError): string {
  const { issues } = error;
  if (issues.length <= MAX_DESCRIBED_ISSUES) return z.prettifyError(error);
  const shown = z.prettifyError(new z.ZodError(issues.slice(0, MAX_DESCRIBED_ISSUES)));
  return `${shown}\n(and ${issues.length - MAX_DESCRIBED_ISSUES} more issues)`;
}

/**
 * Check `data` against the bounds every event must keep (depth, size) and a known kind's `data`
 * against its schema; unknown kinds within the bounds pass unchanged.
 */
export function validateEventData(event: EventEnvelope): ParseResult<EventEnvelope> {
  const problem = eventDataProblem(event.data);
  if (problem) return { ok: false, code: 'bad_event_data', message: `${event.kind} seq ${event.seq}: ${problem}` };
  const schema = dataSchemaFor(event.kind);
  if (!schema) return { ok: true, value: event };
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) {
    return {
      ok: false,
      code: 'bad_event_data',
      message: `${event.kind} seq ${event.seq}: ${z.prettifyError(parsed.error)}`,
    };
  }
  return { ok: true, value: { ...event, data: parsed.data } };
}

/** Parse a frame the hub sent (used by the reporter library). */
export function parseHubFrame(text: string): ParseResult<HubFrame> {
  return parseJsonFrame(text, HubFrame);
}
