// The Monitor's filter and search, run on the host over the whole shown session: a 1,000,000-event
// session cannot be sent to the webview, so the webview sends the filter and asks for matching
// rows by number. A scan reads the session in chunks (memory or journal), keeps the index of
// every matching event, reports its progress (the match count so far), and stops as soon as it is
// cancelled. It goes on by itself as the session grows. No `vscode` import.
import { summarizeEvent } from '../protocol/families/index';
import type { EventEnvelope } from '../protocol/wire';

export interface EventFilter {
  /** '' for every kind, `family:*` for a family, or one kind. */
  kindFilter: string;
  /** Case-insensitive text looked for in the row's summary text and its kind; '' for none. */
  search: string;
}

export function kindMatches(kindFilter: string, kind: string): boolean {
  if (!kindFilter) return true;
  if (kindFilter.endsWith(':*')) return kind.startsWith(kindFilter.slice(0, -1));
  return kind === kindFilter;
}

/** Whether the filter selects anything less than every event. */
export function isFiltering(filter: EventFilter): boolean {
  return filter.kindFilter !== '' || filter.search.trim() !== '';
}

/** The test one filter applies to each event: the kind, then the text the row shows. */
export function eventMatcher(filter: EventFilter): (event: EventEnvelope) => boolean {
  const kindFilter = filter.kindFilter;
  const needle = filter.search.trim().toLowerCase();
  return (event) =>
    kindMatches(kindFilter, event.kind) &&
    (needle === '' || event.kind.includes(needle) || summarizeEvent(event).toLowerCase().includes(needle));
}

/** Where a scan reads the session's events: its current count, and any range of them by index. */
export interface ScanSource {
  eventCount(): number;
  read(from: number, to: number): Promise<EventEnvelope[]>;
}

export interface ScanProgress {
  matched: number;
  scanned: number;
  total: number;
  done: boolean;
  error?: string;
}

/** Events read per step; between steps the scan yields, so other messages are answered meanwhile. */
const SCAN_CHUNK = 2048;
/** Progress goes out at most this often while scanning... */
const PROGRESS_EVERY_MS = 100;
/** ...and at once when the first screenful of matches has been found. */
const FIRST_PAGE_ROWS = 100;

export class QueryScan {
  /** Event indexes of the matching events, in order: row r of the filtered list is `matches[r]`. */
  readonly matches: number[] = [];
  private scanned = 0;
  private running = false;
  private cancelled = false;
  private error: string | undefined;
  private readonly test: (event: EventEnvelope) => boolean;

  constructor(
    readonly id: number,
    filter: EventFilter,
    private readonly source: ScanSource,
    private readonly report: (progress: ScanProgress) => void,
  ) {
    this.test = eventMatcher(filter);
  }

  progress(): ScanProgress {
    const total = this.source.eventCount();
    return {
      matched: this.matches.length,
      scanned: this.scanned,
      total,
      done: !this.running && (this.scanned >= total || this.error !== undefined),
      ...(this.error !== undefined ? { error: this.error } : {}),
    };
  }

  /** Scan what has not been scanned yet (the whole session at first, new events later). */
  kick(): void {
    if (this.running || this.cancelled || this.error !== undefined) return;
    if (this.scanned >= this.source.eventCount()) return;
    this.running = true;
    void this.loop();
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** The event indexes of rows [from, to) as far as they are known. */
  rows(from: number, to: number): number[] {
    return this.matches.slice(from, Math.min(to, this.matches.length));
  }

  private async loop(): Promise<void> {
    let lastReport = Date.now();
    let firstPageReported = this.matches.length >= FIRST_PAGE_ROWS;
    try {
      while (!this.cancelled) {
        const total = this.source.eventCount();
        if (this.scanned >= total) break;
        const from = this.scanned;
        const events = await this.source.read(from, Math.min(total, from + SCAN_CHUNK));
        if (this.cancelled) return;
        // Nothing readable where events should be (a journal cut short on disk): stop rather than spin.
        if (events.length === 0) throw new Error(`no events could be read at index ${from} of ${total}`);
        for (let i = 0; i < events.length; i++) if (this.test(events[i])) this.matches.push(from + i);
        this.scanned = from + events.length;
        const now = Date.now();
        if (now - lastReport >= PROGRESS_EVERY_MS || (!firstPageReported && this.matches.length >= FIRST_PAGE_ROWS)) {
          firstPageReported ||= this.matches.length >= FIRST_PAGE_ROWS;
          lastReport = now;
          this.report(this.progress());
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.running = false;
    }
    if (!this.cancelled) this.report(this.progress());
  }
}

/**
 * Read the events at scattered indexes (a page of matches): indexes close to each other are read
 * as one range, so a dense page costs one read and a sparse one a few.
 */
export async function readAtIndexes(source: ScanSource, indexes: readonly number[]): Promise<EventEnvelope[]> {
  const result: EventEnvelope[] = [];
  let i = 0;
  while (i < indexes.length) {
    let j = i + 1;
    while (j < indexes.length && indexes[j] - indexes[i] < 512) j++;
    const start = indexes[i];
    const range = await source.read(start, indexes[j - 1] + 1);
    for (let k = i; k < j; k++) {
      const event = range[indexes[k] - start];
      // A shorter read (the file ended early) leaves the rest of the page out rather than shift it.
      if (!event) return result;
      result.push(event);
    }
    i = j;
  }
  return result;
}
