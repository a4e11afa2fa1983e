// The webview's copy of what the host knows: the shown session, its events (a plain array that
// only grows), the sessions list and hub status. Host messages are queued and applied once per
// animation frame, so a burst of deltas costs one render, not one per message.
import type { HostToWebview, WebviewToHost } from '../src/protocol/webview';
import type { HubStatus, SessionSummary } from '../src/protocol/session';
import type { EventEnvelope } from '../src/protocol/wire';


function scheduleFrame(callback: () => void): void {
  // A page that is not visible gets no animation frames; fall back to a timer so state stays current.
  if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}

export class MonitorModel {
  session: SessionSummary | null = null;
  readonly events: EventEnvelope[] = [];
  sessions: SessionSummary[] = [];
  activeSessionId: string | null = null;
  pinnedSessionId: string | null = null;
  hub: HubStatus | null = null;
  /** False until the first snapshot: nothing to show yet. */
  loaded = false;
  /** How many events each kind has, for the kind filter. */
  readonly kindCounts = new Map<string, number>();
  /** Bumped when `events` is replaced (new snapshot), so views drop their derived indexes. */
  generation = 0;

  private lastSeq = -1;
  private awaitingSnapshot = true;
  private queue: HostToWebview[] = [];
  private frameScheduled = false;

  /** Called at most once per applied batch, after the model changed (the app re-renders). */
  onChange: () => void = () => undefined;

  constructor(private readonly post: (message: WebviewToHost) => void) {}

  receive(message: HostToWebview): void {
    this.queue.push(message);
    if (!this.frameScheduled) {
      this.frameScheduled = true;
      scheduleFrame(() => this.flush());
    }
  }

  /** Apply every queued message in order; one change notification for all of them. */
  flush(): void {
    this.frameScheduled = false;
    const batch = this.queue;
    this.queue = [];
    let changed = false;
    for (const message of batch) changed = this.apply(message) || changed;
    if (changed) this.onChange();
  }

  private apply(message: HostToWebview): boolean {
    if (message.type === 'snapshot') {
      this.applySnapshot(message);
      return true;
    }
    if (this.awaitingSnapshot) return false;
    if (message.seq !== this.lastSeq + 1) {
      // A lost message means our copy may be wrong: start over from a fresh snapshot.
      this.awaitingSnapshot = true;
      this.post({ type: 'requestSnapshot', reason: `gap: expected seq ${this.lastSeq + 1}, got ${message.seq}` });
      return false;
    }
    this.lastSeq = message.seq;
    switch (message.type) {
      case 'delta':
        return this.applyDelta(message.sessionId, message.session, message.events);
      case 'sessions':
        this.sessions = message.sessions;
        this.activeSessionId = message.activeSessionId;
        return true;
      case 'hub':
        this.hub = message.hub;
        return true;
      default:
        return false;
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
    this.events.length = 0;
    this.kindCounts.clear();
    this.appendEvents(message.events);
    this.generation++;
  }

  private applyDelta(sessionId: string, session: SessionSummary, events: EventEnvelope[]): boolean {
    // Deltas for a session we do not show only refresh its entry in the picker.
    if (!this.session || sessionId !== this.session.id) {
      const index = this.sessions.findIndex((s) => s.id === sessionId);
      if (index < 0) return false;
      this.sessions = this.sessions.slice();
      this.sessions[index] = session;
      return true;
    }
    this.session = session;
    this.appendEvents(events);
    return true;
  }

  private appendEvents(events: EventEnvelope[]): void {
    const last = this.events.length ? this.events[this.events.length - 1].seq : 0;
    for (const event of events) {
      // The host sends each event once; this guards against a replayed tail after a reconnect.
      if (event.seq <= last && this.events.length) continue;
      this.events.push(event);
      this.kindCounts.set(event.kind, (this.kindCounts.get(event.kind) ?? 0) + 1);
    }
  }
}
