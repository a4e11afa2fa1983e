// The webview's copy of what the host knows: the shown session, its events (a plain array that
// only grows), the sessions list and hub status. Host messages are queued and applied once per
// animation frame, so a burst of deltas costs one render, not one per message.
import type { HostToWebview, WebviewToHost } from '../src/protocol/webview';
import type { HubStatus, ReviewMarks, SessionSummary } from '../src/protocol/session';
import type { EventEnvelope } from '../src/protocol/wire';
import { SUMMARY_ARRAYS } from '../src/protocol/families/index';
import { ValidationOutputIndex } from './validation-output';

function scheduleFrame(callback: () => void): void {
  // A page that is not visible gets no animation frames; fall back to a timer so state stays current.
  if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}

/** What applying a message changed: nothing, only the shown session's events, or more. */
type Change = 'none' | 'append' | 'full';

export class MonitorModel {
  session: SessionSummary | null = null;
  /** The shown session's events in seq order; replaced by a snapshot, appended to by deltas. */
  events: EventEnvelope[] = [];
  sessions: SessionSummary[] = [];
  activeSessionId: string | null = null;
  pinnedSessionId: string | null = null;
  hub: HubStatus | null = null;
  /** The Changes review's marks (kept/undone files) of the shown session. */
  review: ReviewMarks = {};
  /** False until the first snapshot: nothing to show yet. */
  loaded = false;
  /** How many events each kind has, for the kind filter. */
  readonly kinds = new Set<string>();
  /** Bumped when `events` is replaced (new snapshot), so views drop their derived indexes. */
  generation = 0;
  /** Bumped when a kind appears for the first time (the kind filter's options change). */
  kindsVersion = 0;
  /** Each check run's output lines among `events` (the validation panel reads it). */
  readonly validationOutput = new ValidationOutputIndex();
  /** Told after each applied batch that added output lines (the open output views redraw). */
  readonly outputListeners = new Set<() => void>();

  private lastSeq = -1;
  private lastKind = '';
  private awaitingSnapshot = true;
  private queue: HostToWebview[] = [];
  private frameScheduled = false;

  /** Called at most once per applied batch, after the model changed (the app re-renders). */
  onChange: () => void = () => undefined;
  /**
   * Called instead of onChange when a batch only appended events to the shown session and changed
   * nothing else: the event list updates itself without re-rendering the app (the hot path).
   */
  onAppend: (() => void) | null = null;

  constructor(private readonly post: (message: WebviewToHost) => void) {}

  receive(message: HostToWebview): void {
    this.queue.push(message);
    // A snapshot replaces everything: show it now rather than a frame later (first-render budget).
    if (message.type === 'snapshot') {
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
    for (const message of batch) {
      const change = this.apply(message);
      if (change === 'full' || (change === 'append' && changed === 'none')) changed = change;
    }
    const outputVersion = this.validationOutput.version;
    if (changed !== 'none') this.validationOutput.update(this.events, this.generation);
    // A frame callback still pending after a synchronous flush finds an empty queue: harmless.
    if (changed === 'append' && this.onAppend) this.onAppend();
    else if (changed !== 'none') this.onChange();
    if (this.validationOutput.version !== outputVersion) for (const listener of this.outputListeners) listener();
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
        return this.applyDelta(message.sessionId, message.session, message.events);
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
    // Adopt the snapshot's array as is (no copy): a 100k-event snapshot must render within budget.
    this.events = message.events;
    this.kinds.clear();
    this.lastKind = '';
    for (const event of this.events) this.noteKind(event.kind);
    this.kindsVersion++;
    this.generation++;
  }

  private applyDelta(sessionId: string, session: SessionSummary, events: EventEnvelope[]): Change {
    // Deltas for a session we do not show only refresh its entry in the picker.
    if (!this.session || sessionId !== this.session.id) {
      const index = this.sessions.findIndex((s) => s.id === sessionId);
      if (index < 0) return 'none';
      this.sessions = this.sessions.slice();
      this.sessions[index] = session;
      return 'full';
    }
    const previous = this.session;
    this.session = mergeSummary(previous, session);
    const kinds = this.kindsVersion;
    this.appendEvents(events);
    // Anything visible outside the list changed (summary, a new kind for the filter): full render.
    return this.session !== previous || this.kindsVersion !== kinds ? 'full' : 'append';
  }

  private appendEvents(events: EventEnvelope[]): void {
    const last = this.events.length ? this.events[this.events.length - 1].seq : 0;
    for (const event of events) {
      // The host sends each event once; this guards against a replayed tail after a reconnect.
      if (event.seq <= last && this.events.length) continue;
      this.events.push(event);
      this.noteKind(event.kind);
    }
  }

  private noteKind(kind: string): void {
    // Events come in runs of the same kind; skipping the set lookup for those keeps a 100k-event
    // snapshot cheap.
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
