// The filtered view over the event array: a list of matching indices, extended incrementally as
// events are appended, rebuilt only when the filter itself or the snapshot changes. With no
// filter it is the identity and allocates nothing, which keeps a 100k-event first render cheap.
import type { EventEnvelope } from '../src/protocol/wire';
import { formatEventTime, summarizeEvent } from './format';
import type { TimeMode } from './ui-state';

export interface EventFilter {
  kindFilter: string;
  search: string;
}

export function kindMatches(kindFilter: string, kind: string): boolean {
  if (!kindFilter) return true;
  if (kindFilter.endsWith(':*')) return kind.startsWith(kindFilter.slice(0, -1));
  return kind === kindFilter;
}

export class FilteredEvents {
  private indices: number[] | null = null;
  private scanned = 0;
  private generation = -1;
  private filter: EventFilter = { kindFilter: '', search: '' };
  /** Lazily computed summaries, parallel to the events array (search needs them for every event). */
  private summaries: (string | undefined)[] = [];
  /** Formatted times, parallel to the events, valid for `timesKey` (mode + origin). */
  private times: (string | undefined)[] = [];
  private timesKey = '';

  timeOf(events: EventEnvelope[], index: number, mode: TimeMode, originMs: number | undefined): string {
    const key = `${mode}:${originMs}`;
    if (key !== this.timesKey) {
      this.timesKey = key;
      this.times = [];
    }
    let text = this.times[index];
    if (text === undefined) {
      text = formatEventTime(events[index].ts, mode, originMs);
      this.times[index] = text;
    }
    return text;
  }

  summaryOf(events: EventEnvelope[], index: number): string {
    let text = this.summaries[index];
    if (text === undefined) {
      text = summarizeEvent(events[index]);
      this.summaries[index] = text;
    }
    return text;
  }

  /** Bring the index up to date with the events and filter; returns the number of matching rows. */
  update(events: EventEnvelope[], generation: number, filter: EventFilter): number {
    if (generation !== this.generation) {
      this.generation = generation;
      this.summaries = [];
      this.times = [];
      this.reset(filter);
    } else if (filter.kindFilter !== this.filter.kindFilter || filter.search.trim() !== this.filter.search) {
      this.reset(filter);
    }
    if (this.indices === null) {
      this.scanned = events.length;
      return events.length;
    }
    const needle = this.filter.search.toLowerCase();
    for (let i = this.scanned; i < events.length; i++) {
      const event = events[i];
      if (!kindMatches(this.filter.kindFilter, event.kind)) continue;
      if (needle && !this.summaryOf(events, i).toLowerCase().includes(needle) && !event.kind.includes(needle)) continue;
      this.indices.push(i);
    }
    this.scanned = events.length;
    return this.indices.length;
  }

  /** Event array index of the n-th matching row. */
  eventIndexAt(row: number): number {
    return this.indices === null ? row : this.indices[row];
  }

  private reset(filter: EventFilter): void {
    this.filter = { ...filter };
    this.scanned = 0;
    this.indices = filter.kindFilter || filter.search.trim() ? [] : null;
    this.filter.search = filter.search.trim();
  }
}
