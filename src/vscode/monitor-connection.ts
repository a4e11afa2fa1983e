// One Monitor webview's conversation with the host: what it shows (pinned ?? active session),
// the snapshot + numbered deltas it is sent, and what it asks for. A session's history can be
// far larger than a webview should hold, so the snapshot carries only its latest events; the
// webview asks for other rows as the user scrolls, and filters run here (monitor-query.ts). No
// `vscode` import: the view provider passes in the webview's postMessage and the command runner,
// so this is testable in plain Node against a real SessionStore.
import * as z from 'zod';
import type { HubStatus, ReviewMarks, SessionSummary } from '../protocol/session';
import {
  ALL_EVENTS,
  SNAPSHOT_MAX_BYTES,
  SNAPSHOT_MAX_EVENTS,
  WebviewToHost,
  sessionListEntry,
  type HostToWebview,
  type SessionListEntry,
  type WebviewCommand,
} from '../protocol/webview';
import type { EventEnvelope } from '../protocol/wire';
import { isFiltering, QueryScan, readAtIndexes, type ScanProgress, type ScanSource } from './monitor-query';

/** The part of src/hub's SessionStore the Monitor reads. */
export interface MonitorStore {
  subscribe(listener: (change: MonitorStoreChange) => void): { dispose(): void };
  get(sessionId: string): SessionSummary | undefined;
  /** Events in memory (a running session's latest), or undefined when they must be read from disk. */
  memoryEvents(sessionId: string, fromIndex: number, toIndex: number): EventEnvelope[] | undefined;
  readEvents(sessionId: string, fromIndex?: number, toIndex?: number): Promise<EventEnvelope[]>;
  list(): SessionSummary[];
  activeSessionId(): string | null;
}

/** Structurally the store's StoreChange; the Monitor only needs to know which session moved. */
export type MonitorStoreChange =
  | { type: 'events'; sessionId: string }
  | { type: 'session'; session: SessionSummary }
  | { type: 'removed'; sessionIds: string[] };

/** Hub status and its changes: a started Hub, or the extension's hub service before/after start. */
export interface MonitorHubStatus {
  status(): HubStatus;
  onStatusChange(listener: (status: HubStatus) => void): { dispose(): void };
}

export interface MonitorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** Steering requests from the page: answer a decision, instruct the run, review its changes. */
export type SteeringMessage = Extract<WebviewToHost, { type: 'decide' | 'instruct' | 'review' }>;

/** The Changes review's marks (kept/undone files) per session, and when they change. */
export interface MonitorReview {
  marks(sessionId: string): ReviewMarks;
  onDidChange(listener: (sessionId: string) => void): { dispose(): void };
}

export interface MonitorConnectionOptions {
  post(message: HostToWebview): void;
  /** Carries out a steering request (the host maps it onto the steering and review commands). */
  steer?(message: SteeringMessage): void;
  review?: MonitorReview;
  /** Runs a `command` request from the webview (VS Code command ids are mapped by the caller). */
  runCommand(command: WebviewCommand, sessionId: string | undefined): void;
  copy(text: string): void;
  log: MonitorLog;
  /** How long store changes are coalesced into one message per kind (~one frame). */
  batchMs?: number;
  /** The picker lists at most this many recent sessions. */
  maxSessions?: number;
}

const DEFAULT_BATCH_MS = 16;
/**
 * One delta carries at most this many events (~300k events/s at one delta a frame). A webview
 * further behind skips to the newest ones; the skipped rows are read like any other page.
 */
const DELTA_MAX_EVENTS = 5000;
const DEFAULT_MAX_SESSIONS = 50;

export class MonitorConnection {
  private store: MonitorStore | undefined;
  private storeSubscription: { dispose(): void } | undefined;
  private readonly hubSubscription: { dispose(): void };
  private readonly reviewSubscription: { dispose(): void } | undefined;
  private seq = 0;
  /** Nothing is sent until the page said `ready` (a hidden view has no page to receive it). */
  private ready = false;
  private pinned: string | null = null;
  private shownId: string | null = null;
  /** Index after the last of the shown session's events the webview was sent (its tail). */
  private sentEvents = 0;
  /** The shown session's filter, while the webview filters. */
  private query: QueryScan | undefined;
  private shownTouched = false;
  private sessionsTouched = false;
  private hubTouched = false;
  private sessionsSignature = '';
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Bumped by every snapshot: a disk read finishing after a newer snapshot is dropped. */
  private snapshotGeneration = 0;
  /** A snapshot is waiting for its events from disk: deltas wait for it. */
  private snapshotPending = false;

  constructor(
    private readonly hub: MonitorHubStatus,
    private readonly options: MonitorConnectionOptions,
  ) {
    this.hubSubscription = hub.onStatusChange(() => {
      this.hubTouched = true;
      this.schedule();
    });
    this.reviewSubscription = options.review?.onDidChange((sessionId) => {
      if (!this.ready || this.disposed || sessionId !== this.shownId || !options.review) return;
      this.post({ type: 'review', seq: 0, sessionId, marks: options.review.marks(sessionId) });
    });
  }

  /** The store arrives when the hub has started; until then the webview gets empty snapshots. */
  attachStore(store: MonitorStore): void {
    if (this.disposed) return;
    this.storeSubscription?.dispose();
    this.store = store;
    this.storeSubscription = store.subscribe((change) => this.onStoreChange(change));
    if (this.ready) this.sendSnapshot();
  }

  /** The page went away (view hidden without retained context): stop sending until it is back. */
  pause(): void {
    this.ready = false;
    this.clearTimer();
  }

  /** The view is visible again: send a fresh snapshot (a page that reloaded will also say `ready`). */
  resume(): void {
    this.ready = true;
    this.sendSnapshot();
  }

  /** Every message from the webview comes through here, unparsed. */
  receive(raw: unknown): void {
    const parsed = WebviewToHost.safeParse(raw);
    if (!parsed.success) {
      this.options.log.warn(`monitor: ignored an invalid message from the webview: ${z.prettifyError(parsed.error)}`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        if (message.pinnedSessionId !== undefined) this.pinned = message.pinnedSessionId;
        this.ready = true;
        this.sendSnapshot();
        break;
      case 'requestSnapshot':
        this.options.log.debug?.(`monitor: webview asked for a snapshot (${message.reason})`);
        this.sendSnapshot();
        break;
      case 'pin':
        this.pinned = message.sessionId;
        this.sendSnapshot();
        break;
      case 'copy':
        this.options.copy(message.text);
        break;
      case 'command':
        this.options.runCommand(message.command, message.sessionId);
        break;
      case 'decide':
      case 'instruct':
      case 'review':
        this.options.steer?.(message);
        break;
      case 'rows':
        if (message.sessionId === this.shownId)
          void this.answerRows(message.sessionId, message.queryId, message.from, message.to);
        break;
      case 'query':
        if (message.sessionId === this.shownId) this.startQuery(message.sessionId, message.queryId, message);
        break;
    }
  }

  /** Read the rows the webview scrolled to and send them, unless it has moved on meanwhile. */
  private async answerRows(sessionId: string, queryId: number, from: number, to: number): Promise<void> {
    const store = this.store;
    if (!store) return;
    const generation = this.snapshotGeneration;
    const source = this.scanSource(store, sessionId);
    let events: EventEnvelope[];
    try {
      if (queryId === ALL_EVENTS) events = await source.read(from, to);
      else {
        const query = this.query;
        if (!query || query.id !== queryId) return;
        events = await readAtIndexes(source, query.rows(from, to));
      }
    } catch (error) {
      this.options.log.error(`monitor: could not read rows ${from}-${to} of ${sessionId}: ${(error as Error).message}`);
      events = [];
    }
    // A newer snapshot (other session, or a fresh start) makes these rows mean nothing to the page.
    if (generation !== this.snapshotGeneration || !this.ready || this.disposed) return;
    if (queryId !== ALL_EVENTS && this.query?.id !== queryId) return;
    this.post({ type: 'rows', seq: 0, sessionId, queryId, from, events });
  }

  private startQuery(sessionId: string, queryId: number, filter: { kindFilter: string; search: string }): void {
    this.query?.cancel();
    this.query = undefined;
    const store = this.store;
    if (!store || !isFiltering(filter)) return;
    const generation = this.snapshotGeneration;
    const query = new QueryScan(queryId, filter, this.scanSource(store, sessionId), (progress) => {
      if (this.query !== query || generation !== this.snapshotGeneration) return;
      this.postProgress(sessionId, queryId, progress);
    });
    this.query = query;
    // Say at once that the scan started (0 matches so far), then as it goes.
    this.postProgress(sessionId, queryId, query.progress());
    query.kick();
  }

  private postProgress(sessionId: string, queryId: number, progress: ScanProgress): void {
    if (!this.ready || this.disposed) return;
    this.post({ type: 'queryProgress', seq: 0, sessionId, queryId, ...progress });
  }

  /** The shown session's events, from memory when the store still holds them, else from the journal. */
  private scanSource(store: MonitorStore, sessionId: string): ScanSource {
    return {
      eventCount: () => store.get(sessionId)?.eventCount ?? 0,
      read: async (from, to) =>
        store.memoryEvents(sessionId, from, to) ?? (await store.readEvents(sessionId, from, to)),
    };
  }

  dispose(): void {
    this.disposed = true;
    this.ready = false;
    this.clearTimer();
    this.query?.cancel();
    this.storeSubscription?.dispose();
    this.hubSubscription.dispose();
    this.reviewSubscription?.dispose();
  }

  private shownSessionId(): string | null {
    if (!this.store) return null;
    if (this.pinned !== null) {
      if (this.store.get(this.pinned)) return this.pinned;
      // The pinned session is gone (history cleared): follow the active one again.
      this.pinned = null;
    }
    return this.store.activeSessionId();
  }

  private onStoreChange(change: MonitorStoreChange): void {
    if (!this.ready) return;
    switch (change.type) {
      case 'events':
        if (change.sessionId === this.shownId) {
          this.shownTouched = true;
          // A filter also covers the events that arrive while it is shown.
          this.query?.kick();
        }
        this.sessionsTouched = true;
        break;
      case 'session':
        if (change.session.id === this.shownId) this.shownTouched = true;
        this.sessionsTouched = true;
        break;
      case 'removed':
        this.sessionsTouched = true;
        break;
    }
    this.schedule();
  }

  private schedule(): void {
    if (!this.ready || this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.options.batchMs ?? DEFAULT_BATCH_MS);
  }

  private clearTimer(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Send what changed since the last flush: a new snapshot if the shown session changed, else deltas. */
  private flush(): void {
    if (!this.ready || this.disposed || this.snapshotPending) return;
    const store = this.store;
    if (store && this.shownSessionId() !== this.shownId) {
      this.sendSnapshot();
      return;
    }
    if (store && this.shownId !== null && this.shownTouched) {
      const session = store.get(this.shownId);
      if (session) {
        const firstIndex = Math.max(this.sentEvents, session.eventCount - DELTA_MAX_EVENTS);
        const events = store.memoryEvents(this.shownId, firstIndex, session.eventCount);
        if (!events) {
          // The webview fell further behind than memory keeps: start it over from a snapshot.
          this.sendSnapshot();
          return;
        }
        this.sentEvents = firstIndex + events.length;
        this.post({ type: 'delta', seq: 0, sessionId: this.shownId, session, firstIndex, events });
      }
    }
    if (store && this.sessionsTouched) {
      const sessions = this.recentSessions(store);
      const signature = sessionsSignature(sessions, store.activeSessionId());
      if (signature !== this.sessionsSignature) {
        this.sessionsSignature = signature;
        this.post({ type: 'sessions', seq: 0, sessions, activeSessionId: store.activeSessionId() });
      }
    }
    if (this.hubTouched) this.post({ type: 'hub', seq: 0, hub: this.hub.status() });
    this.shownTouched = this.sessionsTouched = this.hubTouched = false;
  }

  private sendSnapshot(): void {
    if (!this.ready || this.disposed) return;
    this.clearTimer();
    // A snapshot starts the page over: its filter, if any, is sent again as a new query.
    this.query?.cancel();
    this.query = undefined;
    const store = this.store;
    this.shownId = this.shownSessionId();
    const session = store && this.shownId !== null ? (store.get(this.shownId) ?? null) : null;
    const generation = ++this.snapshotGeneration;
    const count = session?.eventCount ?? 0;
    const firstIndex = Math.max(0, count - SNAPSHOT_MAX_EVENTS);
    const inMemory = store && session ? store.memoryEvents(session.id, firstIndex, count) : [];
    if (inMemory) return this.postSnapshot(firstIndex, inMemory);
    this.snapshotPending = true;
    store!.readEvents(session!.id, firstIndex, count).then(
      (events) => {
        if (generation !== this.snapshotGeneration) return;
        this.snapshotPending = false;
        this.postSnapshot(firstIndex, events);
      },
      (error: unknown) => {
        if (generation !== this.snapshotGeneration) return;
        this.snapshotPending = false;
        this.options.log.error(`monitor: could not read the session's events: ${(error as Error).message}`);
        this.postSnapshot(count, []);
      },
    );
  }

  private postSnapshot(firstIndex: number, page: EventEnvelope[]): void {
    if (!this.ready || this.disposed) return;
    this.snapshotPending = false;
    const store = this.store;
    // The summary as of now: events that arrived during a disk read follow as a delta.
    const session = store && this.shownId !== null ? (store.get(this.shownId) ?? null) : null;
    const events = newestWithin(page, SNAPSHOT_MAX_BYTES);
    firstIndex += page.length - events.length;
    this.sentEvents = firstIndex + events.length;
    const sessions = store ? this.recentSessions(store) : [];
    const activeSessionId = store ? store.activeSessionId() : null;
    this.sessionsSignature = sessionsSignature(sessions, activeSessionId);
    this.shownTouched = this.sessionsTouched = this.hubTouched = false;
    this.post({
      type: 'snapshot',
      seq: 0,
      session,
      events,
      firstIndex,
      sessions,
      activeSessionId,
      pinnedSessionId: this.pinned,
      hub: this.hub.status(),
      ...(session && this.options.review ? { review: this.options.review.marks(session.id) } : {}),
    });
    if (session && session.eventCount > this.sentEvents) {
      this.shownTouched = true;
      this.schedule();
    }
  }

  private recentSessions(store: MonitorStore): SessionListEntry[] {
    return store
      .list()
      .slice(0, this.options.maxSessions ?? DEFAULT_MAX_SESSIONS)
      .map(sessionListEntry);
  }

  /** Stamp the next per-webview sequence number; the webview detects gaps by it. */
  private post(message: HostToWebview): void {
    this.seq++;
    this.options.post({ ...message, seq: this.seq });
  }
}

/** The newest events whose JSON fits in `maxBytes` (all of them, usually). */
function newestWithin(events: EventEnvelope[], maxBytes: number): EventEnvelope[] {
  let bytes = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    bytes += JSON.stringify(events[i]).length;
    if (bytes > maxBytes) return events.slice(i + 1);
  }
  return events;
}

/**
 * What the picker shows of the list. Sending the full list on every event would cost more than
 * the events themselves, so it goes out only when this changes.
 */
function sessionsSignature(sessions: SessionListEntry[], activeSessionId: string | null): string {
  return JSON.stringify([activeSessionId, sessions.map((s) => [s.id, s.state, s.task ?? ''])]);
}
