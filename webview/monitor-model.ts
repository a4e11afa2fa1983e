// The webview's copy of what the host knows: the shown session, the rows of its event list (only
// the blocks in use: a session may hold millions of events, the host sends the latest and any
// others on request), the current filter's progress, the sessions list and hub status. Host
// messages are queued and applied once per animation frame, so a burst of deltas costs one
// render, not one per message.
import type { HostToWebview, SessionListEntry, WebviewToHost } from '../src/protocol/webview';
import type { HubStatus, ReviewMarks, SessionSummary } from '../src/protocol/session';
import type { EventEnvelope } from '../src/protocol/wire';
import { knownKinds, SUMMARY_ARRAYS } from '../src/protocol/families/index';
import { ALL_EVENTS } from '../src/protocol/webview-limits';
import { RowStore } from './event-rows';
import { ValidationOutputIndex } from './validation-output';

function scheduleFrame(callback: () => void): void {
  // A page that is not visible gets no animation frames; fall back to a timer so state stays current.
  if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}

/**
 * What applying a message changed: nothing, only rows arrived that the list asked for, events
 * were appended to the shown session, or more.
 */
type Change = 'none' | 'rows' | 'append' | 'full';
const CHANGE_RANK: Record<Change, number> = { none: 0, rows: 1, append: 2, full: 3 };

export interface EventFilter {
  kindFilter: string;
  search: string;
}

/** The shown session's filter as the host runs it: its matches are rows of their own. */
export interface QueryView {
  id: number;
  filter: EventFilter;
  rows: RowStore;
  /** False until the host's first progress report. */
  started: boolean;
  scanned: number;
  total: number;
  done: boolean;
  error?: string;
}

function filtering(filter: EventFilter): boolean {
  return filter.kindFilter !== '' || filter.search.trim() !== '';
}

export class MonitorModel {
  session: SessionSummary | null = null;
  /** Every event of the shown session, by index (row r is the event at index r), as far as held. */
  all: RowStore;
  /** The current filter and its matches; null while every event is shown. */
  query: QueryView | null = null;
  /** The picker's list: id, state and task of the recent sessions. */
  sessions: SessionListEntry[] = [];
  activeSessionId: string | null = null;
  pinnedSessionId: string | null = null;
  hub: HubStatus | null = null;
  /** The Changes review's marks (kept/undone files) of the shown session. */
  review: ReviewMarks = {};
  /** False until the first snapshot: nothing to show yet. */
  loaded = false;
  /** The kinds the kind filter offers: every kind the protocol defines, and others seen. */
  readonly kinds = new Set<string>(knownKinds());
  /** Bumped when a new snapshot replaced the rows, so views drop what they derived from them. */
  generation = 0;
  /** Bumped when a kind appears for the first time (the kind filter's options change). */
  kindsVersion = 0;
  /** Each check run's output lines among the session's latest events (the validation panel reads it). */
  readonly validationOutput = new ValidationOutputIndex();
  /** Told after each applied batch that added output lines (the open output views redraw). */
  readonly outputListeners = new Set<() => void>();

  private lastSeq = -1;
  private lastKind = '';
  private awaitingSnapshot = true;
  private queue: HostToWebview[] = [];
  private frameScheduled = false;
  private filter: EventFilter = { kindFilter: '', search: '' };
  private nextQueryId = 1;

  /** Called at most once per applied batch, after the model changed (the app re-renders). */
  onChange: () => void = () => undefined;
  /**
   * Called instead of onChange when a batch only appended events to the shown session and changed
   * nothing else: the event list updates itself without re-rendering the app (the hot path).
   */
  onAppend: (() => void) | null = null;
  /** Called instead of onChange when a batch only brought rows the list asked for. */
  onRows: (() => void) | null = null;

  constructor(private readonly post: (message: WebviewToHost) => void) {
    this.all = this.newRows(ALL_EVENTS);
  }

  /** The rows the event list shows: the filter's matches, or every event. */
  rows(): RowStore {
    return this.query ? this.query.rows : this.all;
  }

  /** The user changed the kind filter or the search: the host filters the whole session. */
  setFilter(filter: EventFilter): void {
    const next = { kindFilter: filter.kindFilter, search: filter.search.trim() };
    if (next.kindFilter === this.filter.kindFilter && next.search === this.filter.search) return;
    this.filter = next;
    this.startQuery();
  }

  receive(message: HostToWebview): void {
    this.queue.push(message);
    // A snapshot replaces everything, and rows were asked for by a view waiting on them: show
    // them now rather than a frame later (first-render and scroll budgets). Neither comes in floods.
    if (message.type === 'snapshot' || message.type === 'rows') {
      this.flush();
      return;
    }
    if (!this.frameScheduled) {
      this.frameScheduled = true;
      scheduleFrame(() => {
        this.frameScheduled = false;
        this.flush();
      });
    }
  }

  /** Apply every queued message in order; one change notification for all of them. */
  flush(): void {
    const batch = this.queue;
    this.queue = [];
    let changed: Change = 'none';
    const outputVersion = this.validationOutput.version;
    for (const message of batch) {
      const change = this.apply(message);
      if (CHANGE_RANK[change] > CHANGE_RANK[changed]) changed = change;
    }
    // A frame callback still pending after a synchronous flush finds an empty queue: harmless.
    if (changed === 'append' && this.onAppend) this.onAppend();
    else if (changed === 'rows' && this.onRows) this.onRows();
    else if (changed !== 'none') this.onChange();
    if (this.validationOutput.version !== outputVersion) for (const listener of this.outputListeners) listener();
  }

  private newRows(queryId: number): RowStore {
    return new RowStore((from, to) => {
      const sessionId = this.session?.id;
      if (sessionId) this.post({ type: 'rows', sessionId, queryId, from, to });
    });
  }

  /** Ask the host to run the current filter on the shown session (or stop the one it runs). */
  private startQuery(): void {
    const sessionId = this.session?.id;
    const wasFiltering = this.query !== null;
    this.query = null;
    if (!sessionId || !this.loaded) return;
    if (!filtering(this.filter)) {
      // An empty filter stops the host's scan.
      if (wasFiltering)
        this.post({ type: 'query', sessionId, queryId: this.nextQueryId++, kindFilter: '', search: '' });
      return;
    }
    const id = this.nextQueryId++;
    this.query = { id, filter: this.filter, rows: this.newRows(id), started: false, scanned: 0, total: 0, done: false };
    this.post({ type: 'query', sessionId, queryId: id, ...this.filter });
  }

  private apply(message: HostToWebview): Change {
    if (message.type === 'snapshot') {
      this.applySnapshot(message);
      return 'full';
    }
    if (this.awaitingSnapshot) return 'none';
    if (message.seq !== this.lastSeq + 1) {
      // A lost message means our copy may be wrong: start over from a fresh snapshot.
      this.awaitingSnapshot = true;
      this.post({ type: 'requestSnapshot', reason: `gap: expected seq ${this.lastSeq + 1}, got ${message.seq}` });
      return 'none';
    }
    this.lastSeq = message.seq;
    switch (message.type) {
      case 'delta':
        return this.applyDelta(message.sessionId, message.session, message.firstIndex, message.events);
      case 'rows':
        return this.applyRows(message);
      case 'queryProgress':
        return this.applyProgress(message);
      case 'sessions':
        this.sessions = message.sessions;
        this.activeSessionId = message.activeSessionId;
        return 'full';
      case 'hub':
        this.hub = message.hub;
        return 'full';
      case 'review':
        if (message.sessionId !== this.session?.id) return 'none';
        this.review = message.marks;
        return 'full';
      default:
        return 'none';
    }
  }

  private applySnapshot(message: Extract<HostToWebview, { type: 'snapshot' }>): void {
    this.lastSeq = message.seq;
    this.awaitingSnapshot = false;
    this.loaded = true;
    this.session = message.session;
    this.sessions = message.sessions;
    this.activeSessionId = message.activeSessionId;
    this.pinnedSessionId = message.pinnedSessionId;
    this.hub = message.hub;
    this.review = message.review ?? {};
    this.all = this.newRows(ALL_EVENTS);
    this.all.count = message.firstIndex + message.events.length;
    this.all.put(message.firstIndex, message.events);
    this.validationOutput.reset();
    this.validationOutput.add(message.events);
    this.lastKind = '';
    for (const event of message.events) this.noteKind(event.kind);
    this.generation++;
    // The host dropped the previous filter with the previous snapshot: run it again on this one.
    this.startQuery();
  }

  private applyDelta(sessionId: string, session: SessionSummary, firstIndex: number, events: EventEnvelope[]): Change {
    // Deltas for a session we do not show only refresh its entry in the picker.
    if (!this.session || sessionId !== this.session.id) {
      const index = this.sessions.findIndex((s) => s.id === sessionId);
      if (index < 0) return 'none';
      this.sessions = this.sessions.slice();
      this.sessions[index] = { id: session.id, state: session.state, task: session.task, createdAt: session.createdAt };
      return 'full';
    }
    const previous = this.session;
    this.session = mergeSummary(previous, session);
    const kinds = this.kindsVersion;
    // The host sends each event once; this guards against a replayed tail after a reconnect.
    const skip = Math.max(0, this.all.count - firstIndex);
    const fresh = skip > 0 ? events.slice(skip) : events;
    if (fresh.length > 0) {
      this.all.put(firstIndex + skip, fresh);
      this.all.count = firstIndex + skip + fresh.length;
      this.validationOutput.add(fresh);
      for (const event of fresh) this.noteKind(event.kind);
    }
    // Anything visible outside the list changed (summary, a new kind for the filter): full render.
    return this.session !== previous || this.kindsVersion !== kinds ? 'full' : 'append';
  }

  private applyRows(message: Extract<HostToWebview, { type: 'rows' }>): Change {
    if (message.sessionId !== this.session?.id) return 'none';
    const rows =
      message.queryId === ALL_EVENTS ? this.all : this.query?.id === message.queryId ? this.query.rows : null;
    if (!rows) return 'none';
    rows.put(message.from, message.events);
    rows.answered(message.from);
    const kinds = this.kindsVersion;
    for (const event of message.events) this.noteKind(event.kind);
    return this.kindsVersion !== kinds ? 'full' : 'rows';
  }

  private applyProgress(message: Extract<HostToWebview, { type: 'queryProgress' }>): Change {
    const query = this.query;
    if (!query || message.sessionId !== this.session?.id || message.queryId !== query.id) return 'none';
    query.started = true;
    query.rows.count = message.matched;
    query.scanned = message.scanned;
    query.total = message.total;
    query.done = message.done;
    query.error = message.error;
    return 'full';
  }

  private noteKind(kind: string): void {
    // Events come in runs of the same kind; skipping the set lookup for those keeps a page cheap.
    if (kind === this.lastKind) return;
    this.lastKind = kind;
    if (this.kinds.has(kind)) return;
    this.kinds.add(kind);
    this.kindsVersion++;
  }
}

function sameArray(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (typeof x !== 'object' || JSON.stringify(x) !== JSON.stringify(y))) return false;
  }
  return true;
}

/** The summary's arrays (declared by the event families), kept identical when unchanged. */
export const SHARED_ARRAYS = SUMMARY_ARRAYS;
const COUNTERS = new Set(['lastSeq', 'eventCount']);

/**
 * Every delta carries a freshly cloned summary. Keep the parts that did not change identical to
 * the previous ones, and the whole object when only the counters moved (nothing on screen shows
 * them), so memoized components skip re-rendering on an ordinary append.
 */
function mergeSummary(prev: SessionSummary, next: SessionSummary): SessionSummary {
  const merged: SessionSummary = { ...next };
  const before = prev as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  for (const key of SHARED_ARRAYS) {
    const a = before[key];
    const b = after[key];
    if (Array.isArray(a) && Array.isArray(b) && sameArray(a, b)) (merged as Record<string, unknown>)[key] = a;
  }
  const keys = new Set([...Object.keys(prev), ...Object.keys(merged)]);
  for (const key of keys) {
    if (COUNTERS.has(key)) continue;
    if ((prev as Record<string, unknown>)[key] !== (merged as Record<string, unknown>)[key]) return merged;
  }
  prev.lastSeq = next.lastSeq;
  prev.eventCount = next.eventCount;
  return prev;
}
