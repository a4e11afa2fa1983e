// The session store: the one place every event source ends in (native reporters, the legacy
// endpoint, the extension). It sequences and dedupes events, keeps each session's summary current
// through the pure reducer, hands new events to the journal, and tells in-process listeners
// (views, the subscriber fan-out of the server) what changed.
import type { Capability, EventEnvelope } from '../protocol/wire';
import { SessionId } from '../protocol/wire';
import { eventDataProblem } from '../protocol/bounds';
import {
  FINAL_STATES,
  type ControlState,
  type SessionSource,
  type SessionState,
  type SessionSummary,
} from '../protocol/session';
import { createSummary, reduceSession } from './session-model';
import { guarded } from './guard';
import { withControlSent } from '../protocol/families/control';
import { silentLogger, type HubLogger } from './logger';

export type StoreChange =
  | { type: 'events'; sessionId: string; fromIndex: number; events: EventEnvelope[]; session: SessionSummary }
  /** Summary changed without new events (created pending, reporter connected, lost, waitingForCli...). */
  | { type: 'session'; session: SessionSummary }
  /** History cleared or retention removed sessions. */
  | { type: 'removed'; sessionIds: string[] };

/** What the store needs from the journal; the real one is src/hub/journal.ts. */
export interface JournalSink {
  /** `source` is the session's trust level, stored with its events. */
  append(sessionId: string, events: readonly EventEnvelope[], source: SessionSource): void;
  /** Events [from, to) by index, read back from disk. */
  read(sessionId: string, from: number, to: number): Promise<EventEnvelope[]>;
  /** Resolves once the session's lines up to seq are written; null when they already are. */
  whenWritten(sessionId: string, seq: number): Promise<void> | null;
  /** The set of summaries or a session's state changed: rewrite the index (coalesced). */
  indexChanged(): void;
  remove(sessionIds: readonly string[]): Promise<void>;
  /** Bytes on disk (including buffered lines) for retention. */
  sizeOf(sessionId: string): number;
}

export interface RetentionLimits {
  /** Sessions reported with the token (native, extension). */
  maxSessions: number;
  maxBytes: number;
  /**
   * Sessions from the unauthenticated legacy endpoint count against these, not the ones above:
   * anyone on the machine can create them, so they must never push out a trusted session.
   */
  legacy?: { maxSessions: number; maxBytes: number };
}

export const DEFAULT_LOST_GRACE_MS = 10_000;
/** After a reporter closed with CloseCode.reporterPaused: silence this long means it is gone. */
export const DEFAULT_PAUSED_GRACE_MS = 10 * 60_000;
export const DEFAULT_LEGACY_RETENTION = { maxSessions: 10, maxBytes: 20 * 1024 * 1024 };
export const DEFAULT_RETENTION: RetentionLimits = {
  maxSessions: 50,
  maxBytes: 200 * 1024 * 1024,
  legacy: DEFAULT_LEGACY_RETENTION,
};

export interface SessionStoreOptions {
  lostGraceMs?: number;
  pausedGraceMs?: number;
  retention?: RetentionLimits;
  journal?: JournalSink;
  log?: HubLogger;
}

/** A session read back from the journal: its summary only; events are read when asked for. */
export interface RestoredSession {
  summary: SessionSummary;
}

/**
 * With a journal, a running session keeps its latest events in memory (live views and
 * subscribers read them from there), between TAIL_EVENTS and twice that; a finished one keeps none.
 */
export const TAIL_EVENTS = 1_024;

interface SessionRecord {
  summary: SessionSummary;
  /**
   * The latest events as received (everything without a journal), from index tailStart on:
   * nothing else is kept per event (memory budget).
   */
  tail: EventEnvelope[];
  tailStart: number;
  /** Creation order, breaks ties between equal timestamps. */
  order: number;
  lostTimer?: NodeJS.Timeout;
}

const isFinal = (state: SessionState): boolean => FINAL_STATES.has(state);

/**
 * What "most recent" means for lists, the active rule and retention: when the hub first saw the
 * session (createdAt, the hub's own clock), then creation order. Reporter timestamps are not used:
 * the legacy CLI sends local time and a reporter's clock may be off.
 */
function startKey(record: SessionRecord): number {
  const time = Date.parse(record.summary.createdAt);
  return Number.isFinite(time) ? time : 0;
}

function newestFirst(a: SessionRecord, b: SessionRecord): number {
  return startKey(b) - startKey(a) || b.order - a.order;
}

function assertSessionId(sessionId: string): void {
  const parsed = SessionId.safeParse(sessionId);
  if (!parsed.success)
    throw new TypeError(`invalid session id ${JSON.stringify(sessionId)}: ${parsed.error.issues[0]?.message}`);
}

export class SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly lostGraceMs: number;
  private readonly pausedGraceMs: number;
  private readonly retention: RetentionLimits;
  private readonly journal: JournalSink | undefined;
  private readonly log: HubLogger;
  private nextOrder = 0;
  private disposed = false;
  private loading: Promise<void> | null = null;
  private retentionScheduled = false;

  constructor(options: SessionStoreOptions = {}) {
    this.lostGraceMs = options.lostGraceMs ?? DEFAULT_LOST_GRACE_MS;
    this.pausedGraceMs = options.pausedGraceMs ?? DEFAULT_PAUSED_GRACE_MS;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.journal = options.journal;
    this.log = options.log ?? silentLogger;
  }

  /**
   * Load sessions read back from the journal. Sessions that were unfinished when the previous hub
   * stopped can no longer be reported to (their reporter's connection died with it): they are lost.
   */
  restore(sessions: readonly RestoredSession[]): void {
    for (const { summary } of sessions) {
      const restored = this.restoredSummary(summary);
      this.sessions.set(restored.id, {
        summary: restored,
        tail: [],
        tailStart: restored.eventCount,
        order: this.nextOrder++,
      });
    }
    if (sessions.length > 0) this.journal?.indexChanged();
    this.applyRetention();
  }

  /**
   * History still arriving from the journal after start-up (see Journal.rebuild): `load` adds
   * sessions through restoreRebuilt; whenLoaded() tells callers to wait for it.
   */
  loadInBackground(load: Promise<void>): void {
    const loading = load
      .catch((error: unknown) => this.log.error(`journal: rebuilding history failed: ${(error as Error).message}`))
      .finally(() => {
        if (this.loading === loading) this.loading = null;
        this.applyRetention();
      });
    this.loading = loading;
  }

  /** Resolves when the history rebuilt in the background is in; null when nothing is pending. */
  whenLoaded(): Promise<void> | null {
    return this.loading;
  }

  /**
   * A session rebuilt from its file after start-up (the index could not vouch for it): added, or
   * replacing the summary restored from a stale index entry. Views hear about it like any change.
   */
  restoreRebuilt({ summary }: RestoredSession): void {
    const restored = this.restoredSummary(summary);
    const existing = this.sessions.get(restored.id);
    if (existing && existing.summary.eventCount > restored.eventCount) return; // it moved on meanwhile
    const record: SessionRecord = existing ?? { summary: restored, tail: [], tailStart: 0, order: this.nextOrder++ };
    record.summary = restored;
    record.tail = [];
    record.tailStart = restored.eventCount;
    this.sessions.set(restored.id, record);
    this.emit({ type: 'session', session: restored });
  }

  private restoredSummary(summary: SessionSummary): SessionSummary {
    let restored: SessionSummary = { ...summary, reporterConnected: false, capabilities: [] };
    if (!isFinal(restored.state)) {
      this.log.info(`session ${restored.id}: ${restored.state} -> lost (hub restarted while it was unfinished)`);
      restored = { ...restored, state: 'lost', endedAt: restored.endedAt ?? new Date().toISOString() };
    }
    return restored;
  }

  /**
   * Native reporters: envelopes already checked by validateEventData (schema and data bounds, so
   * each can be journaled and sent); dedupe by seq (<= lastSeq dropped); returns lastSeq per session.
   */
  ingest(source: SessionSource, events: readonly EventEnvelope[]): Map<string, number> {
    const touched = new Map<string, { record: SessionRecord; fromIndex: number; stateBefore: SessionState }>();
    for (const event of events) {
      let entry = touched.get(event.sessionId);
      if (!entry) {
        const record = this.recordFor(event.sessionId, source);
        entry = { record, fromIndex: record.summary.eventCount, stateBefore: record.summary.state };
        touched.set(event.sessionId, entry);
      }
      const record = entry.record;
      if (event.seq <= record.summary.lastSeq) continue; // duplicate (a resend): acknowledged, not stored
      if (record.tail.length === 0) record.tailStart = record.summary.eventCount;
      record.tail.push(event);
      record.summary = reduceSession(record.summary, event);
    }

    const lastSeqs = new Map<string, number>();
    for (const [sessionId, { record, fromIndex, stateBefore }] of touched) {
      lastSeqs.set(sessionId, record.summary.lastSeq);
      if (record.summary.eventCount === fromIndex) continue;
      const added = record.tail.slice(fromIndex - record.tailStart);
      this.journal?.append(sessionId, added, record.summary.source);
      this.emit({ type: 'events', sessionId, fromIndex, events: added, session: record.summary });
      if (record.summary.state !== stateBefore) this.stateChanged(record, stateBefore);
      this.trimTail(record);
    }
    return lastSeqs;
  }

  /** Without a journal memory is the only copy; with one, a bounded tail (none once finished). */
  private trimTail(record: SessionRecord): void {
    if (!this.journal) return;
    if (isFinal(record.summary.state)) {
      record.tailStart = record.summary.eventCount;
      record.tail = [];
    } else if (record.tail.length > 2 * TAIL_EVENTS) {
      const drop = record.tail.length - TAIL_EVENTS;
      record.tail = record.tail.slice(drop);
      record.tailStart += drop;
    }
  }

  /**
   * Legacy endpoint and the extension: the store assigns the next seq. Throws, before anything is
   * stored, for data over the bounds of src/protocol/bounds.ts (it could not be journaled or sent).
   */
  append(
    sessionId: string,
    source: SessionSource,
    kind: string,
    data: Record<string, unknown>,
    ts?: string,
  ): EventEnvelope {
    assertSessionId(sessionId);
    const problem = eventDataProblem(data);
    if (problem) throw new RangeError(`${kind} for session ${sessionId} refused: ${problem}`);
    const lastSeq = this.sessions.get(sessionId)?.summary.lastSeq ?? 0;
    const event: EventEnvelope = { sessionId, seq: lastSeq + 1, ts: ts ?? new Date().toISOString(), kind, data };
    this.ingest(source, [event]);
    return event;
  }

  /** Shannon: Do creates the session before the CLI reports (state pending). */
  createPending(sessionId: string, init: { task?: string; source: SessionSource }): SessionSummary {
    assertSessionId(sessionId);
    const existing = this.sessions.get(sessionId);
    if (existing) return existing.summary;
    const record = this.createRecord(sessionId, init.source, init.task);
    this.emit({ type: 'session', session: record.summary });
    return record.summary;
  }

  /**
   * The server reports whether a reporter of this session is connected. A disconnect without a
   * final event -> lost after the grace period; a much longer one when the last reporter said it
   * paused (more reports may come from another connection, as with `shannon-hub emit`).
   */
  setReporter(
    sessionId: string,
    connection: { connected: boolean; capabilities: Capability[]; paused?: boolean },
  ): void {
    const record = this.sessions.get(sessionId);
    if (!record) return;
    const { summary } = record;
    this.clearLostTimer(record);
    if (!connection.connected && !isFinal(summary.state)) {
      record.lostTimer = setTimeout(
        guarded(this.log, `session ${sessionId} lost timer`, () => this.markLost(sessionId)),
        connection.paused ? this.pausedGraceMs : this.lostGraceMs,
      );
      record.lostTimer.unref();
    }
    const capabilities = connection.connected ? [...connection.capabilities] : [];
    if (summary.reporterConnected === connection.connected && sameList(summary.capabilities, capabilities)) return;
    record.summary = { ...summary, reporterConnected: connection.connected, capabilities };
    this.emit({ type: 'session', session: record.summary });
  }

  /**
   * A control the hub sent to the session's reporter. It is not an event (the reporter numbers the
   * session's events; one from us would take its next seq), so it lives in the summary only, and
   * the reporter's control:result event completes it.
   */
  recordControl(sessionId: string, control: ControlState): void {
    const record = this.sessions.get(sessionId);
    if (!record) return;
    record.summary = withControlSent(record.summary, control);
    this.emit({ type: 'session', session: record.summary });
  }

  patch(sessionId: string, patch: Partial<Pick<SessionSummary, 'waitingForCli'>>): void {
    const record = this.sessions.get(sessionId);
    if (!record) return;
    record.summary = { ...record.summary, ...patch };
    if (patch.waitingForCli === undefined && 'waitingForCli' in patch) delete record.summary.waitingForCli;
    this.journal?.indexChanged();
    this.emit({ type: 'session', session: record.summary });
  }

  /**
   * What an ack waits for: resolves once the session's events up to seq are in the journal
   * (written, so a crash of the hub cannot lose them); null when that is already so, or when the
   * hub runs without a journal (then an ack means received).
   */
  whenStored(sessionId: string, seq: number): Promise<void> | null {
    return this.journal?.whenWritten(sessionId, seq) ?? null;
  }

  get(sessionId: string): SessionSummary | undefined {
    return this.sessions.get(sessionId)?.summary;
  }

  /**
   * The session's events [fromIndex, toIndex) if memory holds all of them (a running session's
   * latest events), else undefined: then readEvents() gets them from the journal.
   */
  memoryEvents(sessionId: string, fromIndex: number, toIndex: number): EventEnvelope[] | undefined {
    const record = this.sessions.get(sessionId);
    if (!record) return [];
    const to = Math.min(toIndex, record.summary.eventCount);
    if (fromIndex >= to) return [];
    if (fromIndex < record.tailStart) return undefined;
    return record.tail.slice(fromIndex - record.tailStart, to - record.tailStart);
  }

  /** The session's events from fromIndex (inclusive) to toIndex (exclusive, default: all), from memory or disk. */
  async readEvents(sessionId: string, fromIndex = 0, toIndex?: number): Promise<EventEnvelope[]> {
    const count = this.sessions.get(sessionId)?.summary.eventCount ?? 0;
    const to = Math.min(toIndex ?? count, count);
    const from = Math.max(0, fromIndex);
    const inMemory = this.memoryEvents(sessionId, from, to);
    if (inMemory) return inMemory;
    return (await this.journal?.read(sessionId, from, to)) ?? [];
  }

  /** Newest first. */
  list(): SessionSummary[] {
    return [...this.sessions.values()].sort(newestFirst).map((record) => record.summary);
  }

  /** The active session (docs/architecture.md): the most recently started unfinished session, else the most recent one. */
  activeSessionId(): string | null {
    let newestUnfinished: SessionRecord | undefined;
    let newest: SessionRecord | undefined;
    for (const record of this.sessions.values()) {
      if (!newest || newestFirst(record, newest) < 0) newest = record;
      if (!isFinal(record.summary.state) && (!newestUnfinished || newestFirst(record, newestUnfinished) < 0)) {
        newestUnfinished = record;
      }
    }
    return (newestUnfinished ?? newest)?.summary.id ?? null;
  }

  subscribe(listener: (change: StoreChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Remove every finished session (memory and journal); running ones stay. */
  async clearHistory(): Promise<void> {
    const finished = [...this.sessions.values()]
      .filter((record) => isFinal(record.summary.state))
      .map((r) => r.summary.id);
    await this.removeSessions(finished, 'history cleared');
  }

  /** Stop the grace timers; the store keeps its data (the hub disposes the journal separately). */
  dispose(): void {
    this.disposed = true;
    for (const record of this.sessions.values()) this.clearLostTimer(record);
    this.listeners.clear();
  }

  private recordFor(sessionId: string, source: SessionSource): SessionRecord {
    const record = this.sessions.get(sessionId) ?? this.createRecord(sessionId, source);
    // A pending session made by Shannon: Do belongs to whoever actually reports it.
    if (record.summary.eventCount === 0 && record.summary.source !== source) {
      record.summary = { ...record.summary, source, unauthenticated: source === 'legacy' };
    }
    return record;
  }

  private createRecord(sessionId: string, source: SessionSource, task?: string): SessionRecord {
    const summary = createSummary(sessionId, { source, task, createdAt: new Date().toISOString() });
    const record: SessionRecord = { summary, tail: [], tailStart: 0, order: this.nextOrder++ };
    this.sessions.set(sessionId, record);
    this.log.info(`session ${sessionId}: created (${source}${task ? `, task ${JSON.stringify(task)}` : ''})`);
    this.journal?.indexChanged();
    return record;
  }

  private stateChanged(record: SessionRecord, before: SessionState): void {
    const { summary } = record;
    this.log.info(`session ${summary.id}: ${before} -> ${summary.state}`);
    this.journal?.indexChanged();
    if (isFinal(summary.state)) {
      this.clearLostTimer(record);
      this.scheduleRetention();
    }
  }

  private markLost(sessionId: string): void {
    const record = this.sessions.get(sessionId);
    if (!record || this.disposed) return;
    record.lostTimer = undefined;
    const before = record.summary.state;
    if (record.summary.reporterConnected || isFinal(before)) return;
    record.summary = { ...record.summary, state: 'lost', endedAt: new Date().toISOString() };
    delete record.summary.currentSkill;
    this.emit({ type: 'session', session: record.summary });
    this.stateChanged(record, before);
    this.trimTail(record);
  }

  private clearLostTimer(record: SessionRecord): void {
    if (record.lostTimer) clearTimeout(record.lostTimer);
    record.lostTimer = undefined;
  }

  /**
   * Retention runs once for everything that finished in one turn of the event loop: 20,000
   * sessions turning lost together cost one pass, not one pass each.
   */
  private scheduleRetention(): void {
    if (this.retentionScheduled) return;
    this.retentionScheduled = true;
    setImmediate(
      guarded(this.log, 'retention', () => {
        this.retentionScheduled = false;
        if (!this.disposed) this.applyRetention();
      }),
    );
  }

  /**
   * Trusted and legacy sessions are kept within their own limits; in each group the oldest
   * finished sessions go first until both its count and its byte limit hold. Running sessions
   * count but are never removed.
   */
  private applyRetention(): void {
    const trusted: SessionRecord[] = [];
    const legacy: SessionRecord[] = [];
    for (const record of this.sessions.values()) (record.summary.source === 'legacy' ? legacy : trusted).push(record);
    const doomed = [
      ...this.overLimit(trusted, this.retention),
      ...this.overLimit(
        legacy,
        this.retention.legacy ?? {
          maxSessions: Math.min(DEFAULT_LEGACY_RETENTION.maxSessions, this.retention.maxSessions),
          maxBytes: Math.min(DEFAULT_LEGACY_RETENTION.maxBytes, this.retention.maxBytes),
        },
      ),
    ];
    if (doomed.length > 0) {
      this.removeSessions(
        doomed,
        `retention (max ${this.retention.maxSessions} sessions and ${this.retention.maxBytes} bytes; legacy ones apart)`,
      ).catch((error: unknown) => this.log.error(`retention failed: ${(error as Error).message}`));
    }
  }

  private overLimit(records: SessionRecord[], limits: { maxSessions: number; maxBytes: number }): string[] {
    const sizeOf = (id: string) => this.journal?.sizeOf(id) ?? 0;
    let count = records.length;
    let bytes = 0;
    for (const record of records) bytes += sizeOf(record.summary.id);
    if (count <= limits.maxSessions && bytes <= limits.maxBytes) return [];
    const oldestFirst = records.filter((r) => isFinal(r.summary.state)).sort((a, b) => newestFirst(b, a));
    const doomed: string[] = [];
    for (const record of oldestFirst) {
      if (count <= limits.maxSessions && bytes <= limits.maxBytes) break;
      doomed.push(record.summary.id);
      count -= 1;
      bytes -= sizeOf(record.summary.id);
    }
    return doomed;
  }

  private async removeSessions(sessionIds: string[], why: string): Promise<void> {
    if (sessionIds.length === 0) return;
    for (const id of sessionIds) {
      const record = this.sessions.get(id);
      if (record) this.clearLostTimer(record);
      this.sessions.delete(id);
    }
    this.log.info(`removed ${sessionIds.length} session(s): ${why}`);
    this.emit({ type: 'removed', sessionIds });
    this.journal?.indexChanged();
    await this.journal?.remove(sessionIds);
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log.error(`store listener failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
