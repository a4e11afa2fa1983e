// Pages of events read back from the journal, kept while there is room: a cache bounded in bytes
// (the size of the JSON text each page was parsed from), least recently used out first. Scrolling
// back and forth through a long session then reads each part of the file once.
import type { EventEnvelope } from '../protocol/wire';

interface Page {
  events: EventEnvelope[];
  bytes: number;
}

export class PageCache {
  /** A Map iterates in insertion order: re-inserting on use makes the first key the least recent. */
  private readonly pages = new Map<string, Page>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.bytes;
  }

  get(key: string): EventEnvelope[] | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    this.pages.delete(key);
    this.pages.set(key, page);
    return page.events;
  }

  set(key: string, events: EventEnvelope[], bytes: number): void {
    if (bytes > this.maxBytes) return;
    this.delete(key);
    this.pages.set(key, { events, bytes });
    this.bytes += bytes;
    for (const [oldest, page] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldest);
      this.bytes -= page.bytes;
    }
  }

  delete(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    this.bytes -= page.bytes;
  }

  /** Forget every page whose key starts with the prefix (a removed session). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.pages.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }
}
